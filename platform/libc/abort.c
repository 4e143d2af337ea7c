/* abort() and failed assertions end the VM as a fault, with a message. */
#include "console.h"
#include "platform.h"

void abort(void) {
    kprintf("\ntoro: abort() called from %p\n", __builtin_return_address(0));
    platform_exit(EXIT_FAULT);
}

void __assert_fail(const char *expr, const char *file, int line, const char *func) {
    kprintf("\ntoro: assertion failed: %s (%s:%d, %s)\n", expr, file, line, func);
    platform_exit(EXIT_FAULT);
}
