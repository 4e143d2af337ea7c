#pragma once
#include <stdint.h>

#define IOAPIC_LINES 24

void ioapic_init(void);
/* Route input `line` to `vector` on the local APIC `apic_id`, unmasked. */
void ioapic_route(int line, uint8_t vector, int level_triggered, int active_low, uint32_t apic_id);
void ioapic_mask(int line, int masked);
