/*
 * Per-core state. Every core owns one `struct cpu`, reached through %gs, so
 * nothing a core touches on its hot paths is shared with another core.
 * This issue runs on one core; the structure is per core from day one.
 */
#pragma once
#include <stdint.h>
#include "heap.h"
#include "pages.h"

#define IST_STACK_SIZE (16 * 1024)

struct tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));

struct cpu {
    struct cpu *self;           /* %gs:0, so this_cpu() is one load */
    uint32_t index;
    uint32_t apic_id;
    /* Set while a fault is being reported, to catch a fault inside the report. */
    int in_fault;
    /* Device vectors that fired and the event loop has not taken yet. */
    volatile uint64_t pending_vectors[4];
    /* Level-triggered lines are masked from their interrupt until their handler ran. */
    uint32_t level_lines;
    int next_message_vector;
    /* Nanoseconds spent halted in platform_idle_until: the rest of the uptime ran code. */
    uint64_t idle_ns;
    struct heap heap;
    struct tss tss;
    /* musl reaches its thread block through %fs; see libc/thread.c. */
    uint64_t musl_thread[64] __attribute__((aligned(16)));
    /* Each stack lies above a guard page that cpu_init unmaps (mem/guard.c). */
    uint8_t exception_guard[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
    uint8_t exception_stack[IST_STACK_SIZE];
    uint8_t double_fault_guard[PAGE_SIZE];
    uint8_t double_fault_stack[IST_STACK_SIZE];
    uint8_t interrupt_guard[PAGE_SIZE];
    uint8_t interrupt_stack[IST_STACK_SIZE];
};

static inline struct cpu *this_cpu(void) {
    struct cpu *c;
    __asm__("mov %%gs:0, %0" : "=r"(c));
    return c;
}

void cpu_init(struct cpu *c, uint32_t index);
void gdt_init(struct cpu *c);
void idt_init(void);
void idt_load(void);
