/* The CMOS real-time clock: whole seconds of UTC wall time. */
#include "arch.h"
#include "clock.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71

static uint8_t cmos(uint8_t reg) {
    outb(CMOS_INDEX, reg);
    return inb(CMOS_DATA);
}

static int bcd(uint8_t v) { return (v & 0x0F) + (v >> 4) * 10; }

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int64_t rtc_read_epoch_seconds(void) {
    uint8_t r[7], again[7];
    int tries = 0;
    /* Read until two consecutive snapshots agree and no update was in progress. */
    do {
        for (int spin = 0; (cmos(0x0A) & 0x80) && spin < 100000; spin++) cpu_relax();
        uint8_t regs[7] = {0x00, 0x02, 0x04, 0x07, 0x08, 0x09, 0x32};
        for (int i = 0; i < 7; i++) r[i] = cmos(regs[i]);
        for (int i = 0; i < 7; i++) again[i] = cmos(regs[i]);
    } while (__builtin_memcmp(r, again, sizeof r) != 0 && ++tries < 10);
    if (r[0] == 0xFF && r[1] == 0xFF) return -1; /* no RTC on this machine */

    uint8_t status_b = cmos(0x0B);
    int binary = status_b & 0x04, hour24 = status_b & 0x02;
    int pm = r[2] & 0x80;
    int sec = binary ? r[0] : bcd(r[0]);
    int min = binary ? r[1] : bcd(r[1]);
    int hour = binary ? (r[2] & 0x7F) : bcd(r[2] & 0x7F);
    int day = binary ? r[3] : bcd(r[3]);
    int month = binary ? r[4] : bcd(r[4]);
    int year = binary ? r[5] : bcd(r[5]);
    int century = binary ? r[6] : bcd(r[6]);
    if (!hour24 && pm) hour = (hour % 12) + 12;
    if (!hour24 && !pm && hour == 12) hour = 0;
    year += (century >= 19 && century <= 30) ? century * 100 : 2000;
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60) return -1;
    return days_from_civil(year, month, day) * 86400 + hour * 3600 + min * 60 + sec;
}
