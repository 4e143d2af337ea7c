/*
 * One 16-byte stub per vector pushes (error code, vector) in a uniform
 * layout, then isr_common saves the general registers and the FPU/SSE state
 * (the interrupted code may be in the middle of floating-point work) and
 * calls interrupt_dispatch(struct interrupt_frame *).
 */
.section .text
.globl isr_stubs
.p2align 4
isr_stubs:
.set vector, 0
.rept 256
    .p2align 4
    .if !(vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 || vector == 21 || vector == 29 || vector == 30)
    pushq $0
    .endif
    pushq $vector
    jmp isr_common
    .set vector, vector + 1
.endr

isr_common:
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, %rdi
    subq $512, %rsp             /* 16-byte aligned: IST tops are aligned and we pushed 22 qwords */
    fxsave64 (%rsp)
    cld
    call interrupt_dispatch
    fxrstor64 (%rsp)
    addq $512, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
    addq $16, %rsp
    iretq

.section .note.GNU-stack, "", @progbits
