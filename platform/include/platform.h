/* What the rest of the platform (and the JS host) calls into. */
#pragma once
#include <stdint.h>

/* Exit codes the host sees through isa-debug-exit (see README, "Exit codes"). */
#define EXIT_UNCAUGHT 1
#define EXIT_UNSETTLED 13 /* the top-level await never settled, as in Node */
#define EXIT_FAULT 125

void platform_exit(int code) __attribute__((noreturn));
/* Sleep until an interrupt, or until the monotonic clock reaches deadline_ns (0: no deadline). */
void platform_idle_until(uint64_t deadline_ns);

/* Boot timeline: named TSC marks from the first instruction on. */
#define BOOT_MARKS_MAX 16
struct boot_mark { const char *name; uint64_t tsc; };
void boot_mark(const char *name);
int boot_marks(const struct boot_mark **marks);

/* The kernel command line the hypervisor handed over. */
const char *platform_cmdline(void);

/* Runs the service; never returns. */
void js_main(void) __attribute__((noreturn));
