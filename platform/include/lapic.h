#pragma once
#include <stdint.h>

void lapic_init(void);
uint32_t lapic_id(void);
void lapic_eoi(void);
/* Counter ticks of the timer at its divider; used once to calibrate. */
void lapic_timer_start_free_running(void);
uint32_t lapic_timer_current(void);
void lapic_timer_set_frequency(uint64_t ticks_per_second);
/* Arm the one-shot timer to fire after `ns` nanoseconds (clamped to the counter's range). */
void lapic_timer_oneshot_ns(uint64_t ns);
void lapic_timer_stop(void);
