/*
 * The Internet checksum's ones'-complement sum (RFC 1071), a measured fast
 * path for the network unit (kernel/net/wire/checksum.ts has the reference
 * version). Summing little-endian 32-bit words into 64 bits and swapping the
 * folded result gives the big-endian sum (RFC 1071, 2(B): byte-order
 * independence); the loads may be unaligned.
 */
#include <stdint.h>
#include <string.h>
#include "fastpath.h"

static uint32_t fold(uint64_t sum) {
    while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
    return (uint32_t)sum;
}

uint32_t checksum_sum(const uint8_t *p, size_t n, uint32_t initial) {
    uint64_t sum = 0;
    for (; n >= 16; p += 16, n -= 16) {
        uint32_t w[4];
        memcpy(w, p, 16);
        sum += (uint64_t)w[0] + w[1] + w[2] + w[3];
    }
    for (; n >= 4; p += 4, n -= 4) {
        uint32_t w;
        memcpy(&w, p, 4);
        sum += w;
    }
    if (n >= 2) {
        uint16_t h;
        memcpy(&h, p, 2);
        sum += h;
        p += 2, n -= 2;
    }
    if (n) sum += *p; /* the odd byte, padded with a zero byte after it */
    uint32_t folded = fold(sum);
    uint32_t big_endian = ((folded & 0xFF) << 8) | (folded >> 8);
    return fold((uint64_t)big_endian + initial);
}
