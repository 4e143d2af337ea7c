/* A CPU exception is a bug: print what the CPU saw and end the VM. */
#include "arch.h"
#include "console.h"
#include "cpu.h"
#include "guard.h"
#include "interrupts.h"
#include "platform.h"

static const char *const names[32] = {
    "divide error", "debug", "NMI", "breakpoint", "overflow", "bound range", "invalid opcode",
    "device not available", "double fault", "coprocessor overrun", "invalid TSS", "segment not present",
    "stack fault", "general protection fault", "page fault", "reserved", "x87 floating-point error",
    "alignment check", "machine check", "SIMD floating-point error", "virtualization", "control protection",
};

void fault_report(struct interrupt_frame *f) {
    struct cpu *c = this_cpu();
    if (c->in_fault++) {
        kprintf("\ntoro: fault while reporting a fault (vector %lu at rip=%016lx)\n", f->vector, f->rip);
        platform_exit(EXIT_FAULT);
    }
    const char *overflowed = f->vector == 14 ? guard_stack_at(read_cr2()) : NULL;
    if (overflowed) kprintf("\ntoro: stack overflow: the %s ran into its guard page\n", overflowed);
    const char *name = f->vector < 32 && names[f->vector] ? names[f->vector] : "exception";
    kprintf("\ntoro: CPU fault on core %u: %s (vector %lu, error code %#lx)\n", c->index, name, f->vector, f->error_code);
    if (f->vector == 14)
        kprintf("  faulting address (cr2) %016lx: %s %s\n", read_cr2(), f->error_code & 1 ? "protection violation" : "page not present",
                f->error_code & 2 ? "on write" : f->error_code & 16 ? "on instruction fetch" : "on read");
    kprintf("  rip %016lx  rsp %016lx  rflags %016lx  cs %04lx ss %04lx\n", f->rip, f->rsp, f->rflags, f->cs, f->ss);
    kprintf("  rax %016lx  rbx %016lx  rcx %016lx  rdx %016lx\n", f->rax, f->rbx, f->rcx, f->rdx);
    kprintf("  rsi %016lx  rdi %016lx  rbp %016lx  r8  %016lx\n", f->rsi, f->rdi, f->rbp, f->r8);
    kprintf("  r9  %016lx  r10 %016lx  r11 %016lx  r12 %016lx\n", f->r9, f->r10, f->r11, f->r12);
    kprintf("  r13 %016lx  r14 %016lx  r15 %016lx  cr3 %016lx\n", f->r13, f->r14, f->r15, read_cr3());
    platform_exit(EXIT_FAULT);
}
