/* Per-core GDT with a TSS whose IST stacks every interrupt runs on. */
#include <string.h>
#include "cpu.h"

/* Stack switching on every vector also protects the SysV red zone that
   musl's code (built for user space) relies on below %rsp. */
enum { IST_EXCEPTION = 1, IST_DOUBLE_FAULT = 2, IST_INTERRUPT = 3 };

struct gdt {
    uint64_t null, code, data;
    uint64_t tss_low, tss_high;
} __attribute__((packed, aligned(16)));

static struct gdt gdts[1];

void gdt_init(struct cpu *c) {
    struct gdt *g = &gdts[c->index];
    uint64_t base = (uint64_t)&c->tss, limit = sizeof(struct tss) - 1;
    g->null = 0;
    g->code = 0x00AF9A000000FFFFull;
    g->data = 0x00CF92000000FFFFull;
    g->tss_low = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) | (0x89ull << 40) |
                 (((limit >> 16) & 0xF) << 48) | (((base >> 24) & 0xFF) << 56);
    g->tss_high = base >> 32;

    memset(&c->tss, 0, sizeof c->tss);
    c->tss.ist[IST_EXCEPTION - 1] = (uint64_t)(c->exception_stack + IST_STACK_SIZE);
    c->tss.ist[IST_DOUBLE_FAULT - 1] = (uint64_t)(c->double_fault_stack + IST_STACK_SIZE);
    c->tss.ist[IST_INTERRUPT - 1] = (uint64_t)(c->interrupt_stack + IST_STACK_SIZE);
    c->tss.iomap_base = sizeof(struct tss);

    struct { uint16_t limit; uint64_t base; } __attribute__((packed)) ptr = { sizeof *g - 1, (uint64_t)g };
    __asm__ volatile("lgdt %0" ::"m"(ptr));
    __asm__ volatile("ltr %w0" ::"r"(0x18));
}
