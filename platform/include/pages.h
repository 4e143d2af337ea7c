/* Physical pages: 4 KiB frames from the RAM the boot memory map reports. */
#pragma once
#include <stddef.h>
#include <stdint.h>

#define PAGE_SIZE 4096

struct hvm_memmap_entry {
    uint64_t addr, size;
    uint32_t type, reserved;
};
#define HVM_MEMMAP_RAM 1

void pages_init(const struct hvm_memmap_entry *map, uint32_t entries);
/* `count` physically contiguous pages, or NULL. Contents are not cleared. */
void *pages_alloc(size_t count);
void pages_free(void *p, size_t count);
size_t pages_total(void);
size_t pages_free_count(void);

/* One 32-bit tag per page for the allocator that owns it (see heap.c). */
uint32_t page_tag(const void *p);
void page_tag_set(const void *p, uint32_t tag);
