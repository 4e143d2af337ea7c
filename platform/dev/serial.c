/* COM1 (16550 UART): the console. Output is polled; we never wait for input. */
#include <stdarg.h>
#include <stdio.h>
#include "arch.h"
#include "console.h"

#define COM1 0x3F8
#define LSR_THR_EMPTY 0x20

void serial_init(void) {
    outb(COM1 + 1, 0x00); /* no UART interrupts */
    outb(COM1 + 3, 0x80); /* divisor latch */
    outb(COM1 + 0, 0x01); /* 115200 baud */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03); /* 8N1 */
    outb(COM1 + 2, 0xC7); /* FIFO on, cleared */
    outb(COM1 + 4, 0x03); /* DTR, RTS */
}

void console_write(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        while (!(inb(COM1 + 5) & LSR_THR_EMPTY)) cpu_relax();
        outb(COM1, (uint8_t)s[i]);
    }
}

void kprintf(const char *fmt, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n > (int)sizeof buf - 1) n = sizeof buf - 1;
    if (n > 0) console_write(buf, (size_t)n);
}
