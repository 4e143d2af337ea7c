/* Local APIC: interrupt acknowledgement and the one-shot timer that wakes an idle core. */
#include "arch.h"
#include "interrupts.h"
#include "lapic.h"

#define REG_ID 0x20
#define REG_EOI 0xB0
#define REG_SVR 0xF0
#define REG_LVT_TIMER 0x320
#define REG_TIMER_INITIAL 0x380
#define REG_TIMER_CURRENT 0x390
#define REG_TIMER_DIVIDE 0x3E0
#define LVT_MASKED (1 << 16)
#define DIVIDE_BY_16 0x3

static uintptr_t base;
static uint64_t ticks_per_second;

static uint32_t rd(uint32_t reg) { return mmio_read32(base + reg); }
static void wr(uint32_t reg, uint32_t v) { mmio_write32(base + reg, v); }

void lapic_init(void) {
    uint64_t msr = rdmsr(MSR_APIC_BASE);
    wrmsr(MSR_APIC_BASE, msr | (1 << 11)); /* globally enabled */
    base = msr & ~0xFFFull;
    wr(REG_SVR, 0x100 | VECTOR_SPURIOUS);
    wr(REG_TIMER_DIVIDE, DIVIDE_BY_16);
    wr(REG_LVT_TIMER, LVT_MASKED | VECTOR_TIMER);
}

uint32_t lapic_id(void) { return rd(REG_ID) >> 24; }
void lapic_eoi(void) { wr(REG_EOI, 0); }

void lapic_timer_start_free_running(void) {
    wr(REG_LVT_TIMER, LVT_MASKED | VECTOR_TIMER);
    wr(REG_TIMER_INITIAL, 0xFFFFFFFF);
}
uint32_t lapic_timer_current(void) { return rd(REG_TIMER_CURRENT); }
void lapic_timer_set_frequency(uint64_t hz) { ticks_per_second = hz; }

void lapic_timer_oneshot_ns(uint64_t ns) {
    unsigned __int128 ticks = (unsigned __int128)ns * ticks_per_second / 1000000000u;
    if (ticks == 0) ticks = 1;
    if (ticks > 0xFFFFFFFFu) ticks = 0xFFFFFFFFu; /* the idle loop re-arms when it wakes early */
    wr(REG_LVT_TIMER, VECTOR_TIMER);              /* one-shot, unmasked */
    wr(REG_TIMER_INITIAL, (uint32_t)ticks);
}

void lapic_timer_stop(void) {
    wr(REG_TIMER_INITIAL, 0);
    wr(REG_LVT_TIMER, LVT_MASKED | VECTOR_TIMER);
}
