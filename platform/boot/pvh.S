/*
 * PVH entry. The hypervisor (QEMU microvm/q35, Firecracker-class VMMs) loads
 * this ELF at its physical addresses and jumps to pvh_entry32 in 32-bit
 * protected mode with paging off and %ebx = physical address of the
 * hvm_start_info structure. We zero .bss, identity-map the low 4 GiB with
 * 2 MiB pages, enter long mode and call platform_main(start_info).
 */
#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define MSR_EFER 0xC0000080
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)
#define CR0_PE (1 << 0)
#define CR0_MP (1 << 1)
#define CR0_NE (1 << 5)
#define CR0_WP (1 << 16)
#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)
#define CR4_OSFXSR (1 << 9)
#define CR4_OSXMMEXCPT (1 << 10)
#define PAGE_PRESENT_RW 0x3
#define PAGE_HUGE 0x80
#define PAGE_UNCACHED 0x18      /* PCD | PWT: the 3-4 GiB hole holds device MMIO */

/* The note QEMU's and Firecracker's loaders look for to find the 32-bit entry. */
.section .note.Xen, "a", @note
    .p2align 2
    .long 4, 4, XEN_ELFNOTE_PHYS32_ENTRY
    .asciz "Xen"
    .p2align 2
    .long pvh_entry32

.section .boot.text, "ax"
.code32
.globl pvh_entry32
pvh_entry32:
    cli
    cld
    /* First thing: the boot timestamp every later mark is measured from. */
    rdtsc
    movl %eax, boot_tsc_entry
    movl %edx, boot_tsc_entry + 4
    movl %ebx, boot_start_info

    /* Zero .bss (page tables and stacks live there). */
    movl $__bss_start, %edi
    movl $__bss_end, %ecx
    subl %edi, %ecx
    shrl $2, %ecx
    xorl %eax, %eax
    rep stosl

    /* 2048 PD entries of 2 MiB cover 0-4 GiB; the top GiB is uncached. */
    movl $boot_pd, %edi
    movl $(PAGE_PRESENT_RW | PAGE_HUGE), %eax
    xorl %ecx, %ecx
1:  movl %eax, (%edi)
    cmpl $1536, %ecx
    jb 2f
    orl $PAGE_UNCACHED, (%edi)
2:  addl $0x200000, %eax
    addl $8, %edi
    incl %ecx
    cmpl $2048, %ecx
    jb 1b

    /* The first 2 MiB in 4 KiB pages, so that platform_main can unmap page 0
       (where a null pointer points) once it has copied the boot information
       that firmware may have left there. */
    movl $PAGE_PRESENT_RW, %eax
    movl $boot_pt, %edi
    movl $512, %ecx
5:  movl %eax, (%edi)
    addl $4096, %eax
    addl $8, %edi
    loop 5b
    movl $(boot_pt + PAGE_PRESENT_RW), boot_pd

    /* PDPT[0..3] -> the four page directories; PML4[0] -> PDPT. */
    movl $boot_pdpt, %edi
    movl $(boot_pd + PAGE_PRESENT_RW), %eax
    movl $4, %ecx
3:  movl %eax, (%edi)
    addl $4096, %eax
    addl $8, %edi
    loop 3b
    movl $(boot_pdpt + PAGE_PRESENT_RW), boot_pml4

    movl %cr4, %eax
    orl $(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
    movl %eax, %cr4
    movl $boot_pml4, %eax
    movl %eax, %cr3
    movl $MSR_EFER, %ecx
    rdmsr
    orl $(EFER_LME | EFER_NXE), %eax
    wrmsr
    movl %cr0, %eax
    andl $~(1 << 2), %eax       /* EM off: the FPU is real */
    andl $~(1 << 3), %eax       /* TS off: no lazy FPU switching */
    orl $(CR0_PE | CR0_MP | CR0_NE | CR0_WP | CR0_PG), %eax
    movl %eax, %cr0

    lgdt boot_gdt_pointer
    ljmp $0x08, $long_mode_entry

.code64
long_mode_entry:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    xorw %ax, %ax
    movw %ax, %fs
    movw %ax, %gs
    fninit
    leaq boot_stack_top(%rip), %rsp
    xorl %ebp, %ebp
    movl boot_start_info(%rip), %edi
    call platform_main
4:  cli
    hlt
    jmp 4b

.section .rodata
.p2align 3
/* The same selectors as cpu/gdt.c, so loading the full GDT later needs no far jump. */
boot_gdt:
    .quad 0
    .quad 0x00AF9A000000FFFF    /* 0x08: 64-bit code */
    .quad 0x00CF92000000FFFF    /* 0x10: data */
boot_gdt_end:
boot_gdt_pointer:
    .word boot_gdt_end - boot_gdt - 1
    .long boot_gdt

.section .data
.p2align 3
.globl boot_tsc_entry
boot_tsc_entry: .quad 0
boot_start_info: .long 0

.section .bss
.p2align 12
boot_pml4: .skip 4096
boot_pdpt: .skip 4096
.globl boot_pd
boot_pd: .skip 4 * 4096
boot_pt: .skip 4096
.globl boot_pt

/* The stack platform_main and JavaScript run on, above a page that
   mem/guard.c unmaps: running off its end faults instead of writing over
   what lies below. 1 MiB: QuickJS takes about 620 bytes of it per JS call,
   so a service can recurse about 1,500 calls deep (V8's default allows
   about 11,000) and JSON.parse nest about 9,000 levels. */
.section .stack, "aw", @nobits
.p2align 12
.globl boot_stack_guard, boot_stack_bottom, boot_stack_top
boot_stack_guard: .skip 4096
boot_stack_bottom: .skip 1024 * 1024
boot_stack_top:

.section .note.GNU-stack, "", @progbits
