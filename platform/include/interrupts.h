#pragma once
#include <stdint.h>

/* What isr_common leaves on the stack, lowest address first. */
struct interrupt_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss;
};

/* Vectors. The legacy PIC is remapped out of the way and masked. */
#define VECTOR_TIMER 0x30
#define VECTOR_LINE_BASE 0x40     /* I/O APIC input n arrives at 0x40 + n */
#define VECTOR_MSI_FIRST 0x60     /* message-signalled interrupts, handed out in order */
#define VECTOR_MSI_LAST 0xDF
#define VECTOR_PIC_BASE 0xE0
#define VECTOR_SPURIOUS 0xFF

/* Device interrupts (lines and messages): the handler only records them, the
   event loop takes them (interrupts_take) and runs the drivers' handlers. */
int interrupts_route_line(int line, int level_triggered);
void interrupts_unmask_line(int line);
int interrupts_allocate_message(void);
/* Fill `vectors` with the pending device vectors and clear them; returns the count. */
int interrupts_take(uint8_t *vectors, int max);

void interrupt_dispatch(struct interrupt_frame *f);
void fault_report(struct interrupt_frame *f) __attribute__((noreturn));
