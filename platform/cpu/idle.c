/* The idle path: arm the one-shot timer for the next deadline and halt. */
#include "arch.h"
#include "clock.h"
#include "cpu.h"
#include "lapic.h"
#include "platform.h"

static int device_interrupt_pending(const struct cpu *c) {
    return (c->pending_vectors[0] | c->pending_vectors[1] | c->pending_vectors[2] | c->pending_vectors[3]) != 0;
}

void platform_idle_until(uint64_t deadline_ns) {
    struct cpu *c = this_cpu();
    uint64_t since = clock_ns();
    for (;;) {
        /* Checked with interrupts off, and sti's shadow covers hlt: an interrupt
           that comes after this check still wakes the halt below. */
        cli();
        if (device_interrupt_pending(c)) break;
        uint64_t now = clock_ns();
        if (deadline_ns && now >= deadline_ns) break;
        if (deadline_ns) lapic_timer_oneshot_ns(deadline_ns - now);
        sti_hlt();
    }
    lapic_timer_stop();
    c->idle_ns += clock_ns() - since;
    sti();
}
