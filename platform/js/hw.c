/*
 * The hardware interface: the only door from TypeScript to the platform.
 * Installed as the global `__toro_hw`; kernel/hw.ts describes it in
 * TypeScript, takes it and removes the global.
 */
#include <string.h>
#include "arch.h"
#include "clock.h"
#include "console.h"
#include "cpu.h"
#include "fastpath.h"
#include "interrupts.h"
#include "jshost.h"
#include "pages.h"
#include "platform.h"

/* Linked in by the build: the table that maps bundle lines to TypeScript lines. */
extern const uint8_t toro_linemap[], toro_linemap_end[];

/*
 * Linked in by the build when the image has assets (cli/assets.ts). Weak: an
 * image without assets defines neither symbol, and both are then 0.
 */
extern const uint8_t toro_assets[] __attribute__((weak)), toro_assets_end[] __attribute__((weak));

/* Set by the kernel through setLoop(); zero (the integer 0, not a function) until then. */
static JSValue loop_turn, loop_uncaught;

JSValue hw_turn_function(void) { return loop_turn; }
JSValue hw_uncaught_function(void) { return loop_uncaught; }

#define ARGS JSContext *c, JSValueConst this, int argc, JSValueConst *argv

static int64_t int_arg(JSContext *c, JSValueConst v) {
    int64_t n = 0;
    JS_ToInt64(c, &n, v);
    return n;
}

/* ---- console, time, boot, memory ---- */

static JSValue hw_write(ARGS) {
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

static JSValue hw_now(ARGS) { return JS_NewFloat64(c, (double)clock_ns()); }

static JSValue hw_exit(ARGS) { platform_exit((int)int_arg(c, argv[0])); }

static JSValue hw_cmdline(ARGS) { return JS_NewString(c, platform_cmdline()); }

static JSValue hw_mark(ARGS) {
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

static JSValue hw_marks(ARGS) {
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

static JSValue hw_line_map(ARGS) {
    return JS_NewArrayBufferCopy(c, toro_linemap, (size_t)(toro_linemap_end - toro_linemap));
}

/*
 * The assets archive as an ArrayBuffer over the image's own memory: no copy,
 * and no free function, since the bytes live as long as the VM.
 */
static JSValue hw_assets(ARGS) {
    size_t len = toro_assets ? (size_t)(toro_assets_end - toro_assets) : 0;
    return JS_NewArrayBuffer(c, (uint8_t *)toro_assets, len, NULL, NULL, 0);
}

static JSValue hw_idle_time(ARGS) { return JS_NewFloat64(c, (double)this_cpu()->idle_ns); }

static JSValue hw_memory(ARGS) {
    JSValue o = JS_NewObject(c);
    JS_SetPropertyStr(c, o, "pageSize", JS_NewInt32(c, PAGE_SIZE));
    JS_SetPropertyStr(c, o, "pagesTotal", JS_NewFloat64(c, (double)pages_total()));
    JS_SetPropertyStr(c, o, "pagesFree", JS_NewFloat64(c, (double)pages_free_count()));
    JS_SetPropertyStr(c, o, "heapBytes", JS_NewFloat64(c, (double)this_cpu()->heap.bytes_in_use));
    return o;
}

static JSValue hw_set_loop(ARGS) {
    if (!JS_IsFunction(c, argv[0]) || !JS_IsFunction(c, argv[1]))
        return JS_ThrowTypeError(c, "setLoop(turn, uncaught) takes two functions");
    JS_FreeValue(c, loop_turn);
    JS_FreeValue(c, loop_uncaught);
    loop_turn = JS_DupValue(c, argv[0]);
    loop_uncaught = JS_DupValue(c, argv[1]);
    return JS_UNDEFINED;
}

/* ---- port I/O and memory-mapped registers, at exact widths ---- */

static JSValue hw_in8(ARGS) { return JS_NewInt32(c, inb((uint16_t)int_arg(c, argv[0]))); }
static JSValue hw_in16(ARGS) { return JS_NewInt32(c, inw((uint16_t)int_arg(c, argv[0]))); }
static JSValue hw_in32(ARGS) { return JS_NewUint32(c, inl((uint16_t)int_arg(c, argv[0]))); }
static JSValue hw_out8(ARGS) { outb((uint16_t)int_arg(c, argv[0]), (uint8_t)int_arg(c, argv[1])); return JS_UNDEFINED; }
static JSValue hw_out16(ARGS) { outw((uint16_t)int_arg(c, argv[0]), (uint16_t)int_arg(c, argv[1])); return JS_UNDEFINED; }
static JSValue hw_out32(ARGS) { outl((uint16_t)int_arg(c, argv[0]), (uint32_t)int_arg(c, argv[1])); return JS_UNDEFINED; }

#define MMIO(addr) ((uintptr_t)int_arg(c, addr))
static JSValue hw_read8(ARGS) { return JS_NewInt32(c, *(volatile uint8_t *)MMIO(argv[0])); }
static JSValue hw_read16(ARGS) { return JS_NewInt32(c, *(volatile uint16_t *)MMIO(argv[0])); }
static JSValue hw_read32(ARGS) { return JS_NewUint32(c, *(volatile uint32_t *)MMIO(argv[0])); }
static JSValue hw_write8(ARGS) { *(volatile uint8_t *)MMIO(argv[0]) = (uint8_t)int_arg(c, argv[1]); return JS_UNDEFINED; }
static JSValue hw_write16(ARGS) { *(volatile uint16_t *)MMIO(argv[0]) = (uint16_t)int_arg(c, argv[1]); return JS_UNDEFINED; }
static JSValue hw_write32(ARGS) { *(volatile uint32_t *)MMIO(argv[0]) = (uint32_t)int_arg(c, argv[1]); return JS_UNDEFINED; }

/* ---- DMA memory ---- */

static void free_dma_pages(JSRuntime *rt, void *opaque, void *ptr) {
    (void)rt;
    pages_free(ptr, (size_t)(uintptr_t)opaque);
}

/* An ArrayBuffer over whole, zeroed, physically contiguous pages. QuickJS never
   moves ArrayBuffer data, and the identity map makes the address physical. */
static JSValue hw_dma_alloc(ARGS) {
    int64_t bytes = int_arg(c, argv[0]);
    if (bytes <= 0 || bytes > (int64_t)1 << 30) return JS_ThrowRangeError(c, "dmaAlloc: size must be from 1 byte to 1 GiB");
    size_t count = ((size_t)bytes + PAGE_SIZE - 1) / PAGE_SIZE;
    void *p = pages_alloc(count);
    if (!p) return JS_ThrowRangeError(c, "dmaAlloc: no %zu contiguous free pages", count);
    memset(p, 0, count * PAGE_SIZE);
    return JS_NewArrayBuffer(c, p, count * PAGE_SIZE, free_dma_pages, (void *)(uintptr_t)count, 0);
}

/* Detaching runs free_dma_pages: the memory goes back now, not at the next GC. */
static JSValue hw_dma_free(ARGS) {
    JS_DetachArrayBuffer(c, argv[0]);
    return JS_UNDEFINED;
}

static JSValue hw_phys_address(ARGS) {
    size_t len;
    uint8_t *p = JS_GetArrayBuffer(c, &len, argv[0]);
    return p ? JS_NewFloat64(c, (double)(uintptr_t)p) : JS_EXCEPTION;
}

static JSValue hw_fence(ARGS) {
    __asm__ volatile("mfence" ::: "memory");
    return JS_UNDEFINED;
}

/* ---- fast paths ---- */

/* The bytes of (buffer, offset, length) in argv[0..2], or NULL with an exception thrown. */
static const uint8_t *buffer_range(JSContext *c, JSValueConst *argv, size_t *length, const char *what) {
    size_t size;
    uint8_t *bytes = JS_GetArrayBuffer(c, &size, argv[0]);
    if (!bytes) return NULL;
    int64_t offset = int_arg(c, argv[1]), count = int_arg(c, argv[2]);
    if (offset < 0 || count < 0 || (uint64_t)(offset + count) > size) {
        JS_ThrowRangeError(c, "%s: range outside the buffer", what);
        return NULL;
    }
    *length = (size_t)count;
    return bytes + offset;
}

/* checksum(buffer, offset, length, initial): the Internet checksum's sum over buffer[offset, offset + length). */
static JSValue hw_checksum(ARGS) {
    size_t length;
    const uint8_t *bytes = buffer_range(c, argv, &length, "checksum");
    if (!bytes) return JS_EXCEPTION;
    return JS_NewInt32(c, (int32_t)checksum_sum(bytes, length, (uint32_t)int_arg(c, argv[3]) & 0xFFFF));
}

/* utf8Encode(string): its UTF-8 bytes, lone surrogates as U+FFFD (the Encoding Standard's encode). */
static JSValue hw_utf8_encode(ARGS) {
    size_t length;
    const char *text = JS_ToCStringLen2(c, &length, argv[0], 0);
    if (!text) return JS_EXCEPTION;
    JSValue buffer = JS_NewArrayBufferCopy(c, (const uint8_t *)text, length);
    JS_FreeCString(c, text);
    if (JS_IsException(buffer)) return buffer;
    size_t size;
    uint8_t *bytes = JS_GetArrayBuffer(c, &size, buffer);
    utf8_replace_lone_surrogates(bytes, size);
    return buffer;
}

/* utf8Decode(buffer, offset, length): the string, or undefined unless the bytes are well-formed UTF-8. */
static JSValue hw_utf8_decode(ARGS) {
    size_t length;
    const uint8_t *bytes = buffer_range(c, argv, &length, "utf8Decode");
    if (!bytes) return JS_EXCEPTION;
    if (utf8_valid_prefix(bytes, length) != length) return JS_UNDEFINED;
    return JS_NewStringLen(c, (const char *)bytes, length);
}

/* ---- interrupts ---- */

static JSValue hw_route_line(ARGS) {
    int vector = interrupts_route_line((int)int_arg(c, argv[0]), JS_ToBool(c, argv[1]));
    return vector < 0 ? JS_ThrowRangeError(c, "routeLine: no such interrupt line") : JS_NewInt32(c, vector);
}

static JSValue hw_unmask_line(ARGS) {
    interrupts_unmask_line((int)int_arg(c, argv[0]));
    return JS_UNDEFINED;
}

static JSValue hw_allocate_message(ARGS) {
    int vector = interrupts_allocate_message();
    if (vector < 0) return JS_ThrowRangeError(c, "allocateMessage: out of interrupt vectors");
    JSValue o = JS_NewObject(c);
    /* Intel SDM 11.11: the message address names the local APIC, the data the vector (edge, fixed). */
    JS_SetPropertyStr(c, o, "address", JS_NewFloat64(c, (double)(0xFEE00000u | (this_cpu()->apic_id << 12))));
    JS_SetPropertyStr(c, o, "data", JS_NewInt32(c, vector));
    JS_SetPropertyStr(c, o, "vector", JS_NewInt32(c, vector));
    return o;
}

static JSValue hw_take_interrupts(ARGS) {
    uint8_t vectors[256];
    int n = interrupts_take(vectors, 256);
    JSValue list = JS_NewArray(c);
    for (int i = 0; i < n; i++) JS_SetPropertyUint32(c, list, (uint32_t)i, JS_NewInt32(c, vectors[i]));
    return list;
}

static JSValue hw_idle(ARGS) {
    int64_t deadline = int_arg(c, argv[0]);
    platform_idle_until(deadline > 0 ? (uint64_t)deadline : 1);
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
    JS_CFUNC_DEF("assets", 0, hw_assets),
    JS_CFUNC_DEF("memory", 0, hw_memory),
    JS_CFUNC_DEF("idleTime", 0, hw_idle_time),
    JS_CFUNC_DEF("setLoop", 2, hw_set_loop),
    JS_CFUNC_DEF("in8", 1, hw_in8),
    JS_CFUNC_DEF("in16", 1, hw_in16),
    JS_CFUNC_DEF("in32", 1, hw_in32),
    JS_CFUNC_DEF("out8", 2, hw_out8),
    JS_CFUNC_DEF("out16", 2, hw_out16),
    JS_CFUNC_DEF("out32", 2, hw_out32),
    JS_CFUNC_DEF("read8", 1, hw_read8),
    JS_CFUNC_DEF("read16", 1, hw_read16),
    JS_CFUNC_DEF("read32", 1, hw_read32),
    JS_CFUNC_DEF("write8", 2, hw_write8),
    JS_CFUNC_DEF("write16", 2, hw_write16),
    JS_CFUNC_DEF("write32", 2, hw_write32),
    JS_CFUNC_DEF("dmaAlloc", 1, hw_dma_alloc),
    JS_CFUNC_DEF("dmaFree", 1, hw_dma_free),
    JS_CFUNC_DEF("physAddress", 1, hw_phys_address),
    JS_CFUNC_DEF("fence", 0, hw_fence),
    JS_CFUNC_DEF("checksum", 4, hw_checksum),
    JS_CFUNC_DEF("utf8Encode", 1, hw_utf8_encode),
    JS_CFUNC_DEF("utf8Decode", 3, hw_utf8_decode),
    JS_CFUNC_DEF("routeLine", 2, hw_route_line),
    JS_CFUNC_DEF("unmaskLine", 1, hw_unmask_line),
    JS_CFUNC_DEF("allocateMessage", 0, hw_allocate_message),
    JS_CFUNC_DEF("takeInterrupts", 0, hw_take_interrupts),
    JS_CFUNC_DEF("idle", 1, hw_idle),
};

void hw_install(JSContext *c) {
    JSValue hw = JS_NewObject(c);
    JS_SetPropertyFunctionList(c, hw, hw_functions, sizeof hw_functions / sizeof hw_functions[0]);
    JSValue global = JS_GetGlobalObject(c);
    JS_SetPropertyStr(c, global, "__toro_hw", hw);
    JS_FreeValue(c, global);
}
