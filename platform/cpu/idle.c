/* The idle path: arm the one-shot timer for the next deadline and halt. */
#include "arch.h"
#include "clock.h"
#include "cpu.h"
#include "lapic.h"
#include "platform.h"

void platform_idle_until(uint64_t deadline_ns) {
    struct cpu *c = this_cpu();
    uint64_t seen = c->wakeups;
    for (;;) {
        cli();
        if (c->wakeups != seen) break; /* an interrupt came: the event loop has work */
        uint64_t now = clock_ns();
        if (deadline_ns && now >= deadline_ns) break;
        if (deadline_ns) lapic_timer_oneshot_ns(deadline_ns - now);
        sti_hlt();
    }
    lapic_timer_stop();
    sti();
}
