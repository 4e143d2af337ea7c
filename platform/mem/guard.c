/*
 * Guard pages. Every stack (the boot stack JavaScript runs on, and each
 * core's interrupt stacks) lies right above a page this module unmaps, so
 * code that runs off the end of a stack faults on its first write below it,
 * and the fault report names the stack, instead of silently overwriting
 * whatever lies below. Exceptions run on their own IST stack, so the report
 * does not need the stack that overflowed.
 *
 * The boot page tables map memory in 2 MiB pages; a guard in one of those
 * splits it into 4 KiB pages, from a small static pool of page tables.
 */
#include "console.h"
#include "guard.h"
#include "pages.h"

#define GUARDS_MAX 8
#define PTE_PRESENT 1ull
#define PTE_WRITABLE 2ull
#define PDE_HUGE (1ull << 7)
/* In a 2 MiB entry, the PAT bit moves from bit 12 to bit 7 of a 4 KiB entry. */
#define PDE_HUGE_PAT (1ull << 12)
#define PTE_PAT (1ull << 7)
#define ENTRY_FLAGS_LOW 0x1Full            /* present, writable, user, write-through, cache-disable */
#define ENTRY_NX (1ull << 63)
#define ENTRY_ADDRESS 0x000FFFFFFFFFF000ull

extern uint64_t boot_pd[];                 /* boot/pvh.S: 2048 entries covering 0-4 GiB */

static uint64_t split_tables[GUARDS_MAX][512] __attribute__((aligned(PAGE_SIZE)));
static int split_count;
static struct { uintptr_t page; const char *stack; } guards[GUARDS_MAX];
static int guard_count;

static void flush_tlb(void) {
    uint64_t cr3;
    __asm__ volatile("mov %%cr3, %0; mov %0, %%cr3" : "=r"(cr3) :: "memory");
}

/* The 4 KiB page table for `address`, splitting its 2 MiB page if need be. */
static uint64_t *page_table_of(uintptr_t address) {
    uint64_t *pde = &boot_pd[address >> 21];
    if (!(*pde & PDE_HUGE)) return (uint64_t *)(uintptr_t)(*pde & ENTRY_ADDRESS);
    if (split_count == GUARDS_MAX) return NULL;
    uint64_t *table = split_tables[split_count++];
    uint64_t base = *pde & ENTRY_ADDRESS & ~0x1FFFFFull;
    uint64_t flags = (*pde & (ENTRY_FLAGS_LOW | ENTRY_NX)) | (*pde & PDE_HUGE_PAT ? PTE_PAT : 0);
    for (int i = 0; i < 512; i++) table[i] = (base + (uint64_t)i * PAGE_SIZE) | flags;
    *pde = (uint64_t)(uintptr_t)table | PTE_PRESENT | PTE_WRITABLE;
    return table;
}

void guard_page(void *page, const char *stack) {
    uintptr_t address = (uintptr_t)page;
    uint64_t *table = guard_count < GUARDS_MAX ? page_table_of(address) : NULL;
    if (!table || address & (PAGE_SIZE - 1)) {
        kprintf("toro: no guard page for the %s (at %016lx)\n", stack, address);
        return;
    }
    table[(address >> 12) & 511] = 0;
    guards[guard_count].page = address;
    guards[guard_count++].stack = stack;
    flush_tlb();
}

const char *guard_stack_at(uintptr_t address) {
    for (int i = 0; i < guard_count; i++)
        if (address - guards[i].page < PAGE_SIZE) return guards[i].stack;
    return NULL;
}
