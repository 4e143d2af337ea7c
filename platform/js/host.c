/*
 * The JavaScript host: one QuickJS runtime on this core. It exposes the
 * hardware interface to the kernel's TypeScript as the global `__toro_hw`
 * (kernel/hw.ts takes it and removes it), loads the service's bytecode, and
 * drives the event loop: microtasks, then one turn of the kernel's loop,
 * then sleep until the next deadline or interrupt.
 */
#include <stdlib.h>
#include <string.h>
#include "clock.h"
#include "console.h"
#include "cpu.h"
#include "pages.h"
#include "platform.h"
#include "quickjs.h"

/* Linked in by the build: the service bundle as QuickJS bytecode, and the
   table that maps bundle lines back to TypeScript source lines. */
extern const uint8_t toro_bytecode[], toro_bytecode_end[];
extern const uint8_t toro_linemap[], toro_linemap_end[];

/* Below the 512 KiB boot stack, with room for the C frames around JS. */
#define JS_STACK_LIMIT (384 * 1024)

/* What the kernel's turn() returns, besides a deadline in ns since boot. */
#define TURN_RAN_WORK 0
#define TURN_WAIT_FOR_EVENTS (-1)
#define TURN_NOTHING_PENDING (-2)

static JSRuntime *rt;
static JSContext *ctx;
/* Set by the kernel through setLoop(); zero (the integer 0) until then. */
static JSValue loop_turn, loop_uncaught;

struct rejection { JSValue promise, reason; };
static struct rejection *rejections;
static int rejection_count, rejection_capacity;

/* Print an error without the kernel's help (it failed, or is not up yet). */
static void print_error_plainly(JSValueConst err) {
    const char *msg = JS_ToCString(ctx, err);
    kprintf("Uncaught %s\n", msg ? msg : "(error could not be converted to a string)");
    JS_FreeCString(ctx, msg);
    if (JS_IsObject(err)) {
        JSValue stack = JS_GetPropertyStr(ctx, err, "stack");
        const char *s = JS_IsString(stack) ? JS_ToCString(ctx, stack) : NULL;
        if (s) kprintf("%s", s);
        JS_FreeCString(ctx, s);
        JS_FreeValue(ctx, stack);
    }
}

/* An error nobody caught ends the service: the kernel prints it (with the
   stack mapped to TypeScript lines) and the VM exits with EXIT_UNCAUGHT. */
static void __attribute__((noreturn)) die_uncaught(JSValue err, const char *kind) {
    if (JS_IsFunction(ctx, loop_uncaught)) {
        JSValue args[2] = {err, JS_NewString(ctx, kind)};
        JSValue r = JS_Call(ctx, loop_uncaught, JS_UNDEFINED, 2, args);
        if (JS_IsException(r)) {
            kprintf("toro: the uncaught-error reporter failed; the original error:\n");
            print_error_plainly(err);
        }
    } else {
        print_error_plainly(err);
    }
    platform_exit(EXIT_UNCAUGHT);
}

static void die_with_exception(const char *kind) { die_uncaught(JS_GetException(ctx), kind); }

static void track_rejection(JSContext *c, JSValueConst promise, JSValueConst reason, JS_BOOL is_handled, void *opaque) {
    (void)opaque;
    if (!is_handled) {
        if (rejection_count == rejection_capacity) {
            int cap = rejection_capacity ? rejection_capacity * 2 : 8;
            struct rejection *grown = realloc(rejections, (size_t)cap * sizeof *grown);
            if (!grown) die_uncaught(JS_DupValue(c, reason), "rejection");
            rejections = grown, rejection_capacity = cap;
        }
        rejections[rejection_count++] = (struct rejection){JS_DupValue(c, promise), JS_DupValue(c, reason)};
        return;
    }
    for (int i = 0; i < rejection_count; i++) {
        if (JS_VALUE_GET_PTR(rejections[i].promise) != JS_VALUE_GET_PTR(promise)) continue;
        JS_FreeValue(c, rejections[i].promise);
        JS_FreeValue(c, rejections[i].reason);
        rejections[i] = rejections[--rejection_count];
        return;
    }
}

static void run_microtasks(void) {
    JSContext *c;
    int r;
    while ((r = JS_ExecutePendingJob(rt, &c)) != 0)
        if (r < 0) die_with_exception("error");
    /* As in Node: a rejection still unhandled once the microtasks are done is fatal. */
    if (rejection_count) die_uncaught(JS_DupValue(ctx, rejections[0].reason), "rejection");
}

/* ---- the hardware interface (kernel/hw.ts describes it for TypeScript) ---- */

static JSValue hw_write(JSContext *c, JSValueConst this, int argc, JSValueConst *argv) {
    (void)this, (void)argc;
    size_t len;
    if (!JS_IsString(argv[0])) {
        uint8_t *bytes = JS_GetArrayBuffer(c, &len, argv[0]);
        if (!bytes) return JS_EXCEPTION;
        console_write((const char *)bytes, len);
        return JS_UNDEFINED;
    }
    const char *s = JS_ToCStringLen(c, &len, argv[0]);
    if (!s) return JS_EXCEPTION;
    console_write(s, len);
    JS_FreeCString(c, s);
    return JS_UNDEFINED;
}

static JSValue hw_now(JSContext *c, JSValueConst this, int argc, JSValueConst *argv) {
    (void)this, (void)argc, (void)argv;
    return JS_NewFloat64(c, (double)clock_ns());
}

static JSValue hw_exit(JSContext *c, JSValueConst this, int argc, JSValueConst *argv) {
    (void)this, (void)argc;
    int code = 0;
    JS_ToInt32(c, &code, argv[0]);
    platform_exit(code);
}

static JSValue hw_cmdline(JSContext *c, JSValueConst this, int argc, JSValueConst *argv) {
    (void)this, (void)argc, (void)argv;
    return JS_NewString(c, platform_cmdline());
}

static JSValue hw_mark(JSContext *c, JSValueConst this, int argc, JSValueConst *argv) {
    (void)this, (void)argc;
    static char names[4][24];
    static int used;
    const char *s = JS_ToCString(c, argv[0]);
    if (!s) return JS_EXCEPTION;
    if (used < 4) {
        strncpy(names[used], s, sizeof names[used] - 1);
        boot_mark(names[used++]);
    }
    JS_FreeCString(c, s);
    return JS_UNDEFINED;
}

static JSValue hw_marks(JSContext *c, JSValueConst this, int argc, JSValueConst *argv) {
    (void)this, (void)argc, (void)argv;
    const struct boot_mark *m;
    int n = boot_marks(&m);
    JSValue list = JS_NewArray(c);
    for (int i = 0; i < n; i++) {
        JSValue pair = JS_NewArray(c);
        JS_SetPropertyUint32(c, pair, 0, JS_NewString(c, m[i].name));
        JS_SetPropertyUint32(c, pair, 1, JS_NewFloat64(c, (double)clock_ns_at(m[i].tsc)));
        JS_SetPropertyUint32(c, list, (uint32_t)i, pair);
    }
    return list;
}

static JSValue hw_line_map(JSContext *c, JSValueConst this, int argc, JSValueConst *argv) {
    (void)this, (void)argc, (void)argv;
    return JS_NewArrayBufferCopy(c, toro_linemap, (size_t)(toro_linemap_end - toro_linemap));
}

static JSValue hw_memory(JSContext *c, JSValueConst this, int argc, JSValueConst *argv) {
    (void)this, (void)argc, (void)argv;
    JSValue o = JS_NewObject(c);
    JS_SetPropertyStr(c, o, "pageSize", JS_NewInt32(c, PAGE_SIZE));
    JS_SetPropertyStr(c, o, "pagesTotal", JS_NewFloat64(c, (double)pages_total()));
    JS_SetPropertyStr(c, o, "pagesFree", JS_NewFloat64(c, (double)pages_free_count()));
    JS_SetPropertyStr(c, o, "heapBytes", JS_NewFloat64(c, (double)this_cpu()->heap.bytes_in_use));
    return o;
}

static JSValue hw_set_loop(JSContext *c, JSValueConst this, int argc, JSValueConst *argv) {
    (void)this, (void)argc;
    if (!JS_IsFunction(c, argv[0]) || !JS_IsFunction(c, argv[1]))
        return JS_ThrowTypeError(c, "setLoop(turn, uncaught) takes two functions");
    JS_FreeValue(c, loop_turn);
    JS_FreeValue(c, loop_uncaught);
    loop_turn = JS_DupValue(c, argv[0]);
    loop_uncaught = JS_DupValue(c, argv[1]);
    return JS_UNDEFINED;
}

static const JSCFunctionListEntry hw_functions[] = {
    JS_CFUNC_DEF("write", 1, hw_write),
    JS_CFUNC_DEF("now", 0, hw_now),
    JS_CFUNC_DEF("exit", 1, hw_exit),
    JS_CFUNC_DEF("cmdline", 0, hw_cmdline),
    JS_CFUNC_DEF("mark", 1, hw_mark),
    JS_CFUNC_DEF("marks", 0, hw_marks),
    JS_CFUNC_DEF("lineMap", 0, hw_line_map),
    JS_CFUNC_DEF("memory", 0, hw_memory),
    JS_CFUNC_DEF("setLoop", 2, hw_set_loop),
};

static void install_hw(void) {
    JSValue hw = JS_NewObject(ctx);
    JS_SetPropertyFunctionList(ctx, hw, hw_functions, sizeof hw_functions / sizeof hw_functions[0]);
    JSValue global = JS_GetGlobalObject(ctx);
    JS_SetPropertyStr(ctx, global, "__toro_hw", hw);
    JS_FreeValue(ctx, global);
}

/* ---- the loop ---- */

void js_main(void) {
    rt = JS_NewRuntime();
    ctx = rt ? JS_NewContext(rt) : NULL;
    if (!ctx) {
        kprintf("toro: out of memory creating the JavaScript runtime\n");
        platform_exit(EXIT_FAULT);
    }
    JS_SetMaxStackSize(rt, JS_STACK_LIMIT);
    JS_SetHostPromiseRejectionTracker(rt, track_rejection, NULL);
    install_hw();
    boot_mark("js-runtime");

    JSValue program = JS_ReadObject(ctx, toro_bytecode, (size_t)(toro_bytecode_end - toro_bytecode), JS_READ_OBJ_BYTECODE);
    if (JS_IsException(program)) {
        kprintf("toro: the image's bytecode does not load (built for another QuickJS?)\n");
        print_error_plainly(JS_GetException(ctx));
        platform_exit(EXIT_FAULT);
    }
    boot_mark("bytecode");
    JSValue result = JS_EvalFunction(ctx, program);
    if (JS_IsException(result)) die_with_exception("error");
    JS_FreeValue(ctx, result);
    if (!JS_IsFunction(ctx, loop_turn)) {
        kprintf("toro: the kernel did not start its event loop\n");
        platform_exit(EXIT_FAULT);
    }

    for (;;) {
        run_microtasks();
        JSValue r = JS_Call(ctx, loop_turn, JS_UNDEFINED, 0, NULL);
        if (JS_IsException(r)) die_with_exception("error");
        double next = TURN_NOTHING_PENDING;
        JS_ToFloat64(ctx, &next, r);
        JS_FreeValue(ctx, r);
        if (next == TURN_RAN_WORK) continue;
        if (next == TURN_NOTHING_PENDING) {
            run_microtasks();
            if (!JS_IsJobPending(rt)) platform_exit(0);
            continue;
        }
        platform_idle_until(next == TURN_WAIT_FOR_EVENTS ? 0 : (uint64_t)next);
    }
}
