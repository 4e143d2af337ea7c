/* The I/O APIC: where legacy interrupt lines (virtio-mmio on microvm, PCI INTx) enter. */
#include "arch.h"
#include "ioapic.h"

#define IOAPIC_BASE 0xFEC00000u
#define REG_SELECT 0x00
#define REG_WINDOW 0x10
#define REDIRECTION(line) (0x10 + 2 * (line))
#define MASKED (1u << 16)
#define LEVEL (1u << 15)
#define ACTIVE_LOW (1u << 13)

static uint32_t read_reg(uint32_t reg) {
    mmio_write32(IOAPIC_BASE + REG_SELECT, reg);
    return mmio_read32(IOAPIC_BASE + REG_WINDOW);
}

static void write_reg(uint32_t reg, uint32_t value) {
    mmio_write32(IOAPIC_BASE + REG_SELECT, reg);
    mmio_write32(IOAPIC_BASE + REG_WINDOW, value);
}

void ioapic_init(void) {
    for (int line = 0; line < IOAPIC_LINES; line++) write_reg(REDIRECTION(line), MASKED);
}

void ioapic_route(int line, uint8_t vector, int level_triggered, int active_low, uint32_t apic_id) {
    write_reg(REDIRECTION(line) + 1, apic_id << 24);
    write_reg(REDIRECTION(line), vector | (level_triggered ? LEVEL : 0) | (active_low ? ACTIVE_LOW : 0));
}

void ioapic_mask(int line, int masked) {
    uint32_t low = read_reg(REDIRECTION(line));
    write_reg(REDIRECTION(line), masked ? low | MASKED : low & ~MASKED);
}
