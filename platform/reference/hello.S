/*
 * The boot benchmark's baseline: the least a PVH guest can do. It prints one
 * line on COM1 and exits through isa-debug-exit, so bench/boot can put our
 * boot times next to what the hypervisor itself costs.
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
2:  movw $0xF4, %dx
    xorl %eax, %eax
    outl %eax, %dx
3:  hlt
    jmp 3b

.section .rodata
message: .asciz "reference guest: hello\n"
