/* The C library's clocks, over the platform clock. There is no time zone: UTC. */
#include <errno.h>
#include <sys/time.h>
#include <time.h>
#include "clock.h"

int clock_gettime(clockid_t id, struct timespec *ts) {
    int64_t ns;
    switch (id) {
    case CLOCK_REALTIME: ns = clock_epoch_ns(); break;
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_BOOTTIME:
    case CLOCK_PROCESS_CPUTIME_ID:
    case CLOCK_THREAD_CPUTIME_ID: ns = (int64_t)clock_ns(); break;
    default: errno = EINVAL; return -1;
    }
    ts->tv_sec = ns / 1000000000;
    ts->tv_nsec = ns % 1000000000;
    return 0;
}

int gettimeofday(struct timeval *restrict tv, void *restrict tz) {
    (void)tz;
    if (tv) {
        int64_t us = clock_epoch_ns() / 1000;
        tv->tv_sec = us / 1000000;
        tv->tv_usec = us % 1000000;
    }
    return 0;
}

time_t time(time_t *t) {
    time_t now = (time_t)(clock_epoch_ns() / 1000000000);
    if (t) *t = now;
    return now;
}

struct tm *localtime_r(const time_t *restrict t, struct tm *restrict tm) { return gmtime_r(t, tm); }
struct tm *localtime(const time_t *t) {
    static struct tm tm;
    return gmtime_r(t, &tm);
}
