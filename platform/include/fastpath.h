/* Small native fast paths the TypeScript units call through the hardware interface. */
#pragma once
#include <stddef.h>
#include <stdint.h>

/* The 16-bit ones'-complement sum of n bytes (big-endian words), plus `initial`, folded. */
uint32_t checksum_sum(const uint8_t *p, size_t n, uint32_t initial);
