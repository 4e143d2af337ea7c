/*
 * The least a PVH guest can do, twice useful:
 * - bench/boot's baseline: it prints one line on COM1 and exits through
 *   isa-debug-exit, so our boot times can be put next to the hypervisor's own;
 * - the CLI's KVM probe: it turns on SSE and adds 1.5 + 2.5 with it, exiting
 *   with value 43 only when the result is right (some KVMs stop at SSE).
 */
.section .note.Xen, "a", @note
    .p2align 2
    .long 4, 4, 18
    .asciz "Xen"
    .p2align 2
    .long reference_entry

.section .text
.code32
.globl reference_entry
reference_entry:
    movl $message, %esi
1:  movb (%esi), %al
    testb %al, %al
    jz 2f
    movw $0x3F8, %dx
    outb %al, %dx
    incl %esi
    jmp 1b
2:  movl %cr0, %eax
    andl $~(1 << 2), %eax           /* EM off */
    orl $(1 << 1), %eax             /* MP on */
    movl %eax, %cr0
    movl %cr4, %eax
    orl $(3 << 9), %eax             /* OSFXSR, OSXMMEXCPT */
    movl %eax, %cr4
    movss one_and_half, %xmm0
    addss two_and_half, %xmm0
    movd %xmm0, %eax
    movl $2, %ecx                   /* wrong sum: value 2 */
    cmpl four, %eax
    jne 3f
    movl $43, %ecx                  /* right sum: value 43 */
3:  movl %ecx, %eax
    movw $0xF4, %dx
    outl %eax, %dx
4:  hlt
    jmp 4b

.section .rodata
.p2align 2
one_and_half: .float 1.5
two_and_half: .float 2.5
four: .float 4.0
message: .asciz "reference guest: hello\n"

.section .note.GNU-stack, "", @progbits
