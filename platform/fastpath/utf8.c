/*
 * UTF-8 checks for TextEncoder/TextDecoder (kernel/process/text-encoding.ts
 * has the reference algorithms). QuickJS transcodes between its strings and
 * UTF-8 natively, but keeps what the Encoding Standard replaces: it encodes
 * a lone surrogate as three bytes (WTF-8) and decodes malformed input its own
 * way. These two functions let the fast path hand QuickJS only what it gets
 * right.
 */
#include "fastpath.h"

size_t utf8_valid_prefix(const uint8_t *p, size_t n) {
    size_t i = 0;
    while (i < n) {
        uint8_t b = p[i];
        if (b < 0x80) {
            i++;
            continue;
        }
        size_t need;
        uint8_t low = 0x80, high = 0xBF; /* the second byte's range (Unicode 3.9, table 3-7) */
        if (b >= 0xC2 && b <= 0xDF) need = 1;
        else if (b >= 0xE0 && b <= 0xEF) {
            need = 2;
            if (b == 0xE0) low = 0xA0;      /* no overlong forms */
            else if (b == 0xED) high = 0x9F; /* no surrogates */
        } else if (b >= 0xF0 && b <= 0xF4) {
            need = 3;
            if (b == 0xF0) low = 0x90;
            else if (b == 0xF4) high = 0x8F; /* nothing past U+10FFFF */
        } else return i;
        if (n - i <= need) return i;
        if (p[i + 1] < low || p[i + 1] > high) return i;
        for (size_t k = 2; k <= need; k++)
            if ((p[i + k] & 0xC0) != 0x80) return i;
        i += need + 1;
    }
    return n;
}

void utf8_replace_lone_surrogates(uint8_t *p, size_t n) {
    /* A surrogate pair became one four-byte sequence, so any ED A0..BF left is a lone surrogate. */
    for (size_t i = 0; i + 2 < n; i++) {
        if (p[i] == 0xED && p[i + 1] >= 0xA0) {
            p[i] = 0xEF;
            p[i + 1] = 0xBF;
            p[i + 2] = 0xBD; /* U+FFFD, also three bytes */
            i += 2;
        }
    }
}
