/*
 * The monotonic clock is the TSC, calibrated once against the PIT together
 * with the local APIC timer. The wall clock is an epoch offset taken at boot
 * from the host (handed over on the command line, millisecond precision) or,
 * failing that, the CMOS RTC (second precision).
 */
#include "arch.h"
#include "clock.h"
#include "console.h"
#include "lapic.h"

#define PIT_HZ 1193182u
#define PIT_CALIBRATION_TICKS (PIT_HZ / 500) /* 2 ms */

extern uint64_t boot_tsc_entry;

static uint64_t tsc_hz;
static uint64_t ns_per_tsc_q32; /* nanoseconds per TSC tick, 32.32 fixed point */
static int64_t epoch_ns_at_boot;

static uint16_t pit_read(void) {
    outb(0x43, 0x00); /* latch channel 0 */
    uint8_t lo = inb(0x40);
    return (uint16_t)(lo | (inb(0x40) << 8));
}

/* A count that moved this far between two reads is not a reading: the
   counter had not reloaded yet, or the vCPU stalled past a wrap. */
#define PIT_IMPLAUSIBLE_DELTA 0x4000
#define CALIBRATION_ATTEMPTS 5
/* Any x86 TSC we could run on ticks between these. */
#define TSC_HZ_MIN 50000000ull
#define TSC_HZ_MAX 50000000000ull

/* One measurement of TSC and APIC-timer ticks across a fixed number of PIT
   ticks; 0 if the PIT misbehaved. Channel 0 free-runs in mode 2; its gate
   is always open, unlike channel 2's, which needs the PC speaker port that
   minimal machines lack. Both ends of the window are taken the same way (PIT
   latch, then TSC, then APIC), so the time those reads take cancels out;
   under TCG a port read costs microseconds, and an asymmetric window made
   the clock run about 1% fast. */
static int pit_measure(uint64_t *tsc, uint64_t *apic) {
    lapic_timer_start_free_running();
    outb(0x43, 0x34);
    outb(0x40, 0xFF);
    outb(0x40, 0xFF);
    /* Until the new count is loaded the old one may still read back. */
    uint16_t last = pit_read();
    for (uint32_t spins = 0; last < 0xF000; last = pit_read())
        if (++spins > 1000000) return 0; /* no PIT: the counter never moves */
    last = pit_read();
    uint64_t tsc0 = rdtsc();
    uint32_t apic0 = lapic_timer_current();
    uint32_t elapsed = 0, stuck = 0;
    uint64_t tsc1;
    uint32_t apic1;
    do {
        uint16_t now = pit_read();
        tsc1 = rdtsc();
        apic1 = lapic_timer_current();
        uint16_t delta = (uint16_t)(last - now);
        if (delta == 0 && ++stuck > 1000000) return 0;
        if (delta > PIT_IMPLAUSIBLE_DELTA) return 0;
        elapsed += delta;
        last = now;
    } while (elapsed < PIT_CALIBRATION_TICKS);
    *tsc = (tsc1 - tsc0) * PIT_HZ / elapsed;
    *apic = (uint64_t)(apic0 - apic1) * PIT_HZ / elapsed;
    return *tsc >= TSC_HZ_MIN && *tsc <= TSC_HZ_MAX && *apic > 0;
}

static int pit_calibrate(uint64_t *tsc, uint64_t *apic) {
    for (int attempt = 0; attempt < CALIBRATION_ATTEMPTS; attempt++)
        if (pit_measure(tsc, apic)) return 1;
    return 0;
}

/* CPUID 0x15/0x16 where the hypervisor reports the TSC frequency. */
static uint64_t cpuid_tsc_hz(void) {
    uint32_t r[4];
    cpuid(0, 0, r);
    uint32_t max = r[0];
    if (max >= 0x15) {
        cpuid(0x15, 0, r);
        if (r[0] && r[1] && r[2]) return (uint64_t)r[2] * r[1] / r[0];
    }
    if (max >= 0x16) {
        cpuid(0x16, 0, r);
        if (r[0]) return (uint64_t)r[0] * 1000000;
    }
    return 0;
}

void clock_init(int64_t host_epoch_ms) {
    uint64_t apic_hz = 0;
    if (!pit_calibrate(&tsc_hz, &apic_hz)) {
        tsc_hz = cpuid_tsc_hz();
        if (!tsc_hz) {
            tsc_hz = 1000000000;
            kprintf("toro: no PIT and no CPUID TSC frequency; assuming 1 GHz, time will be off\n");
        }
        apic_hz = 1000000000 / 16; /* QEMU's APIC bus runs at 1 GHz; we divide by 16 */
    }
    lapic_timer_stop();
    lapic_timer_set_frequency(apic_hz);
    ns_per_tsc_q32 = ((uint64_t)1000000000 << 32) / tsc_hz;

    int64_t rtc = rtc_read_epoch_seconds();
    int64_t host_s = host_epoch_ms / 1000;
    int host_agrees = host_epoch_ms > 0 && (rtc < 0 || (host_s - rtc <= 2 && rtc - host_s <= 2));
    int64_t epoch_ns = host_agrees ? host_epoch_ms * 1000000 : rtc >= 0 ? rtc * 1000000000 : 0;
    epoch_ns_at_boot = epoch_ns - (int64_t)clock_ns();
}

uint64_t clock_ns_at(uint64_t tsc) {
    return (uint64_t)(((unsigned __int128)(tsc - boot_tsc_entry) * ns_per_tsc_q32) >> 32);
}
uint64_t clock_ns(void) { return clock_ns_at(rdtsc()); }
uint64_t clock_tsc_hz(void) { return tsc_hz; }
int64_t clock_epoch_ns(void) { return epoch_ns_at_boot + (int64_t)clock_ns(); }
