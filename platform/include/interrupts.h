#pragma once
#include <stdint.h>

/* What isr_common leaves on the stack, lowest address first. */
struct interrupt_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss;
};

/* Vectors. The legacy PIC is remapped out of the way and masked. */
#define VECTOR_PIC_BASE 0xE0
#define VECTOR_TIMER 0x30
#define VECTOR_SPURIOUS 0xFF

void interrupt_dispatch(struct interrupt_frame *f);
void fault_report(struct interrupt_frame *f) __attribute__((noreturn));
