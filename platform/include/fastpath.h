/* Small native fast paths the TypeScript units call through the hardware interface. */
#pragma once
#include <stddef.h>
#include <stdint.h>

/* The 16-bit ones'-complement sum of n bytes (big-endian words), plus `initial`, folded. */
uint32_t checksum_sum(const uint8_t *p, size_t n, uint32_t initial);

/* How many of the first n bytes are well-formed UTF-8 (whole sequences only). */
size_t utf8_valid_prefix(const uint8_t *p, size_t n);
/* Turn the three-byte encodings of lone surrogates (as QuickJS writes them) into U+FFFD, in place. */
void utf8_replace_lone_surrogates(uint8_t *p, size_t n);
