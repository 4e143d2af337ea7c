#pragma once
#include <stdint.h>

/* Calibrate the TSC and the APIC timer; read the wall clock. */
void clock_init(int64_t host_epoch_ms);
/* Nanoseconds since boot (the monotonic clock). */
uint64_t clock_ns(void);
/* Nanoseconds since boot at a given TSC value (for marks taken before calibration). */
uint64_t clock_ns_at(uint64_t tsc);
uint64_t clock_tsc_hz(void);
/* Nanoseconds since 1970 (the wall clock). */
int64_t clock_epoch_ns(void);
/* Seconds since 1970 from the CMOS real-time clock, or -1 if it cannot be read. */
int64_t rtc_read_epoch_seconds(void);
