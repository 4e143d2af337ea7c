/*
 * Device interrupts: routing lines and messages to this core's vectors, and
 * the pending set the event loop drains. Handlers run in TypeScript, from
 * the event loop, never in interrupt context.
 */
#include "arch.h"
#include "cpu.h"
#include "interrupts.h"
#include "ioapic.h"
#include "lapic.h"

int interrupts_route_line(int line, int level_triggered) {
    struct cpu *c = this_cpu();
    if (line < 0 || line >= IOAPIC_LINES) return -1;
    if (level_triggered) c->level_lines |= 1u << line;
    else c->level_lines &= ~(1u << line);
    /* ISA convention for lines below 16 (edge, active high); PCI INTx is level, active low. */
    ioapic_route(line, (uint8_t)(VECTOR_LINE_BASE + line), level_triggered, level_triggered && line >= 16, c->apic_id);
    return VECTOR_LINE_BASE + line;
}

void interrupts_unmask_line(int line) {
    if (line >= 0 && line < IOAPIC_LINES && (this_cpu()->level_lines & (1u << line))) ioapic_mask(line, 0);
}

int interrupts_allocate_message(void) {
    struct cpu *c = this_cpu();
    if (c->next_message_vector == 0) c->next_message_vector = VECTOR_MSI_FIRST;
    if (c->next_message_vector > VECTOR_MSI_LAST) return -1;
    return c->next_message_vector++;
}

int interrupts_take(uint8_t *vectors, int max) {
    struct cpu *c = this_cpu();
    int n = 0;
    cli();
    for (int word = 0; word < 4; word++) {
        uint64_t bits = c->pending_vectors[word];
        while (bits && n < max) {
            int bit = __builtin_ctzll(bits);
            bits &= bits - 1;
            c->pending_vectors[word] &= ~(1ull << bit);
            vectors[n++] = (uint8_t)(word * 64 + bit);
        }
    }
    sti();
    return n;
}

/* Called from interrupt_dispatch with interrupts off. */
void interrupts_record(int vector) {
    struct cpu *c = this_cpu();
    c->pending_vectors[vector / 64] |= 1ull << (vector % 64);
    int line = vector - VECTOR_LINE_BASE;
    /* A level-triggered line would fire again at once: quiet it until the driver has. */
    if (line >= 0 && line < IOAPIC_LINES && (c->level_lines & (1u << line))) ioapic_mask(line, 1);
}
