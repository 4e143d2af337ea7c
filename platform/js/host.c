/*
 * The JavaScript host: one QuickJS runtime on this core. It installs the
 * hardware interface (hw.c), loads the service's bytecode, and drives the
 * event loop: microtasks, then one turn of the kernel's loop, then sleep
 * until the next deadline or interrupt.
 */
#include <stdlib.h>
#include <string.h>
#include "console.h"
#include "platform.h"
#include "jshost.h"
#include "quickjs.h"

/* Linked in by the build: the service bundle as QuickJS bytecode. */
extern const uint8_t toro_bytecode[], toro_bytecode_end[];

/* Stack kept below the engine's limit for the native code that does not
   check it: the C frames around the engine, musl's formatting, the error
   object built for a stack overflow. The boot stack's guard page catches
   anything that still runs past. */
#define NATIVE_STACK_RESERVE (64 * 1024)
extern char boot_stack_bottom[];

/* What the kernel's turn() returns, besides a deadline in ns since boot. */
#define TURN_RAN_WORK 0
#define TURN_WAIT_FOR_EVENTS (-1)
#define TURN_NOTHING_PENDING (-2)

static JSRuntime *rt;
static JSContext *ctx;

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
    JSValue reporter = hw_uncaught_function();
    if (JS_IsFunction(ctx, reporter)) {
        JSValue args[2] = {err, JS_NewString(ctx, kind)};
        JSValue r = JS_Call(ctx, reporter, JS_UNDEFINED, 2, args);
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

/* ---- the program ----
   cli/build.ts wraps the bundle in an async function, so that a service can
   await at its top level (QuickJS 2021-03-27 has no top-level await of its
   own): evaluating the bundle gives that function's promise. */

static int program_settled = 1;

static JSValue program_fulfilled(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv) {
    program_settled = 1;
    return JS_UNDEFINED;
}

/* As in Node, an error out of the top level is an uncaught error, whether it came before or after an await. */
static JSValue program_rejected(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv) {
    die_uncaught(JS_DupValue(c, argc > 0 ? argv[0] : JS_UNDEFINED), "error");
}

/* Takes the value of evaluating the bundle. */
static void watch_program(JSValue program) {
    if (!JS_IsObject(program)) {
        JS_FreeValue(ctx, program);
        return;
    }
    /* A throw before the first await rejected the promise already: end now, as a plain script would. */
    for (int i = 0; i < rejection_count; i++)
        if (JS_VALUE_GET_PTR(rejections[i].promise) == JS_VALUE_GET_PTR(program))
            die_uncaught(JS_DupValue(ctx, rejections[i].reason), "error");
    JSValue then = JS_GetPropertyStr(ctx, program, "then");
    if (JS_IsFunction(ctx, then)) {
        JSValue handlers[2] = {
            JS_NewCFunction(ctx, program_fulfilled, "programFulfilled", 1),
            JS_NewCFunction(ctx, program_rejected, "programRejected", 1),
        };
        JSValue r = JS_Call(ctx, then, program, 2, handlers);
        if (JS_IsException(r)) die_with_exception("error");
        program_settled = 0;
        JS_FreeValue(ctx, r);
        JS_FreeValue(ctx, handlers[0]);
        JS_FreeValue(ctx, handlers[1]);
    }
    JS_FreeValue(ctx, then);
    JS_FreeValue(ctx, program);
}

static void run_microtasks(void) {
    JSContext *c;
    int r;
    while ((r = JS_ExecutePendingJob(rt, &c)) != 0)
        if (r < 0) die_with_exception("error");
    /* As in Node: a rejection still unhandled once the microtasks are done is fatal. */
    if (rejection_count) die_uncaught(JS_DupValue(ctx, rejections[0].reason), "rejection");
}

/* ---- the loop ---- */

void js_main(void) {
    rt = JS_NewRuntime();
    ctx = rt ? JS_NewContext(rt) : NULL;
    if (!ctx) {
        kprintf("toro: out of memory creating the JavaScript runtime\n");
        platform_exit(EXIT_FAULT);
    }
    /* The engine's limit is the stack that is really left, measured from here (js_main runs
       for the VM's life, every JS call is deeper). */
    JS_UpdateStackTop(rt);
    uintptr_t here = (uintptr_t)__builtin_frame_address(0);
    JS_SetMaxStackSize(rt, here - (uintptr_t)boot_stack_bottom - NATIVE_STACK_RESERVE);
    JS_SetHostPromiseRejectionTracker(rt, track_rejection, NULL);
    hw_install(ctx);
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
    watch_program(result);
    JSValue turn = hw_turn_function();
    if (!JS_IsFunction(ctx, turn)) {
        kprintf("toro: the kernel did not start its event loop\n");
        platform_exit(EXIT_FAULT);
    }

    for (;;) {
        run_microtasks();
        JSValue r = JS_Call(ctx, turn, JS_UNDEFINED, 0, NULL);
        if (JS_IsException(r)) die_with_exception("error");
        double next = TURN_NOTHING_PENDING;
        JS_ToFloat64(ctx, &next, r);
        JS_FreeValue(ctx, r);
        if (next == TURN_RAN_WORK) continue;
        if (next == TURN_NOTHING_PENDING) {
            run_microtasks();
            if (JS_IsJobPending(rt)) continue;
            if (!program_settled) {
                kprintf("toro: the service's top-level await never settled: nothing left pending could settle it\n");
                platform_exit(EXIT_UNSETTLED);
            }
            platform_exit(0);
        }
        platform_idle_until(next == TURN_WAIT_FOR_EVENTS ? 0 : (uint64_t)next);
    }
}
