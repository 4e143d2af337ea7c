/* Bringing up one core: its descriptor tables, its %gs and %fs, its heap. */
#include <string.h>
#include "arch.h"
#include "cpu.h"
#include "guard.h"
#include "lapic.h"

void cpu_init(struct cpu *c, uint32_t index) {
    memset(c, 0, sizeof *c);
    c->self = c;
    c->index = index;
    wrmsr(MSR_GS_BASE, (uint64_t)c);
    /* musl finds its thread block at %fs:0, which must point to itself; the
       zeroed rest reads as "no thread-specific data, errno 0". */
    c->musl_thread[0] = (uint64_t)c->musl_thread;
    wrmsr(MSR_FS_BASE, (uint64_t)c->musl_thread);
    gdt_init(c);
    idt_load();
    c->apic_id = lapic_id();
    heap_init(&c->heap);
    guard_page(c->exception_guard, "exception stack");
    guard_page(c->double_fault_guard, "double-fault stack");
    guard_page(c->interrupt_guard, "interrupt stack");
}
