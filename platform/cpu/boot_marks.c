#include "arch.h"
#include "platform.h"

extern uint64_t boot_tsc_entry;
static struct boot_mark marks[BOOT_MARKS_MAX];
static int count;

void boot_mark(const char *name) {
    if (count == 0) marks[count++] = (struct boot_mark){"entry", boot_tsc_entry};
    if (count < BOOT_MARKS_MAX) marks[count++] = (struct boot_mark){name, rdtsc()};
}

int boot_marks(const struct boot_mark **out) {
    *out = marks;
    return count;
}
