/*
 * The host half of the bytecode pipeline: compiles a bundled script to
 * QuickJS bytecode with the same QuickJS sources and configuration as the
 * guest, so the guest only has to load it.
 *   toro-jsc <bundle.js> <out.qbc> <name-in-stack-traces>
 */
#include <stdio.h>
#include <stdlib.h>
#include "quickjs.h"

static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) { free(buf); buf = NULL; }
    fclose(f);
    if (buf) buf[n] = 0, *len = (size_t)n;
    return buf;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: toro-jsc <bundle.js> <out.qbc> <script-name>\n");
        return 2;
    }
    size_t len;
    char *source = read_file(argv[1], &len);
    if (!source) { perror(argv[1]); return 1; }

    JSRuntime *rt = JS_NewRuntime();
    JSContext *ctx = JS_NewContext(rt);
    JSValue fn = JS_Eval(ctx, source, len, argv[3], JS_EVAL_TYPE_GLOBAL | JS_EVAL_FLAG_COMPILE_ONLY | JS_EVAL_FLAG_STRICT);
    if (JS_IsException(fn)) {
        JSValue err = JS_GetException(ctx);
        const char *msg = JS_ToCString(ctx, err);
        JSValue stack = JS_GetPropertyStr(ctx, err, "stack");
        const char *where = JS_IsString(stack) ? JS_ToCString(ctx, stack) : NULL;
        /* The CLI maps "<script-name>:<line>" in this text back to TypeScript. */
        fprintf(stderr, "%s\n%s", msg ? msg : "compile error", where ? where : "");
        return 1;
    }
    size_t out_len;
    uint8_t *out = JS_WriteObject(ctx, &out_len, fn, JS_WRITE_OBJ_BYTECODE);
    FILE *f = fopen(argv[2], "wb");
    if (!out || !f || fwrite(out, 1, out_len, f) != out_len || fclose(f) != 0) {
        perror(argv[2]);
        return 1;
    }
    return 0;
}
