/* Ending the VM with an exit code the host can read. */
#include "arch.h"
#include "console.h"
#include "platform.h"

/* QEMU's isa-debug-exit (the CLI adds it at this port): the QEMU process
   exits with (value << 1) | 1. We write code + 1 so that no guest report
   looks like QEMU's own failure status, 1. */
#define DEBUG_EXIT_PORT 0xF4

void platform_exit(int code) {
    if (code < 0 || code > 126) code = EXIT_FAULT;
    cli();
    outl(DEBUG_EXIT_PORT, (uint32_t)code + 1);
    /* No exit device: say the code on the console, then a triple fault resets
       the machine, which a VMM run with -no-reboot turns into the VM's end. */
    kprintf("toro: exit code %d\n", code);
    struct { uint16_t limit; uint64_t base; } __attribute__((packed)) empty = {0, 0};
    __asm__ volatile("lidt %0; int3" ::"m"(empty));
    for (;;) __asm__ volatile("hlt");
}
