/*
 * The platform's C entry, reached from boot/pvh.S in long mode on the boot
 * stack: bring up the boot core, memory and time, then hand over to the
 * JavaScript host, which runs the service.
 */
#include <stdlib.h>
#include <string.h>
#include "arch.h"
#include "clock.h"
#include "console.h"
#include "cpu.h"
#include "guard.h"
#include "ioapic.h"
#include "lapic.h"
#include "pages.h"
#include "platform.h"

struct hvm_start_info {
    uint32_t magic, version, flags, nr_modules;
    uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr, memmap_paddr;
    uint32_t memmap_entries, reserved;
};
#define HVM_START_MAGIC 0x336EC578

void pic_disable(void);

#define MEMMAP_MAX 128

static struct cpu boot_cpu;
static char cmdline[4096];
static struct hvm_memmap_entry memmap[MEMMAP_MAX];
extern uint64_t boot_pt[512];

/* From here on a null pointer faults instead of reading the firmware's page. */
extern char boot_stack_guard[];

/* Recursion no check stops, so tests can see a native stack overflow hit the guard page. */
static volatile int overflow_depth_limit = 1 << 30;
static int __attribute__((noinline)) overflow_the_stack(int depth) {
    volatile char frame[1024];
    frame[0] = (char)depth;
    return depth < overflow_depth_limit ? overflow_the_stack(depth + 1) + frame[0] : 0;
}

static void unmap_page_zero(void) {
    boot_pt[0] = 0;
    __asm__ volatile("invlpg (%0)" ::"r"(0ul) : "memory");
}

const char *platform_cmdline(void) { return cmdline; }

/* The CLI hands the host's wall-clock time over as toro.epoch_ms=N. */
static int64_t cmdline_epoch_ms(void) {
    const char *p = strstr(cmdline, "toro.epoch_ms=");
    return p ? strtoll(p + 14, NULL, 10) : 0;
}

void platform_main(uint32_t start_info_paddr) {
    serial_init();
    idt_init();
    lapic_init();
    cpu_init(&boot_cpu, 0);
    pic_disable();
    ioapic_init();
    const struct hvm_start_info *si = (const void *)(uintptr_t)start_info_paddr;
    if (!si || si->magic != HVM_START_MAGIC) {
        kprintf("toro: not started through PVH (no hvm_start_info)\n");
        platform_exit(EXIT_FAULT);
    }
    if (si->cmdline_paddr) strncpy(cmdline, (const char *)si->cmdline_paddr, sizeof cmdline - 1);
    uint32_t entries = si->version >= 1 ? si->memmap_entries : 0;
    if (entries > MEMMAP_MAX) entries = MEMMAP_MAX;
    if (entries) memcpy(memmap, (const void *)si->memmap_paddr, entries * sizeof memmap[0]);
    unmap_page_zero();
    guard_page(boot_stack_guard, "boot stack (the one JavaScript runs on)");

    if (!entries) {
        kprintf("toro: the hypervisor gave no memory map\n");
        platform_exit(EXIT_FAULT);
    }
    pages_init(memmap, entries);
    if (!pages_total()) platform_exit(EXIT_FAULT);
    clock_init(cmdline_epoch_ms());
    sti();
    boot_mark("platform");
    /* With toro.trace the first console byte marks the platform being up (bench/boot). */
    if (strstr(cmdline, "toro.trace")) kprintf("toro: platform ready\n");
    /* A deliberate null-pointer write, so tests can check the fault path end to end. */
    if (strstr(cmdline, "toro.selftest=fault")) *(volatile uint64_t *)0 = 0x70726F74;
    if (strstr(cmdline, "toro.selftest=stack-overflow")) overflow_the_stack(0);
    js_main();
}
