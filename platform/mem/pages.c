/*
 * A bitmap page allocator, first fit from a hint. Boring on purpose: guests
 * are small (MiB to a few GiB), and the per-core heaps above ask it for
 * pages rarely.
 */
#include <string.h>
#include "console.h"
#include "pages.h"

extern char __kernel_start[], __kernel_end[];

#define LOW_LIMIT 0x100000ull        /* below 1 MiB belongs to the firmware */
#define HIGH_LIMIT 0x100000000ull    /* we identity-map the low 4 GiB only */

static uint8_t *used;        /* bit set: page not available */
static uint32_t *tags;
static size_t page_count;    /* frames from 0 to the top of RAM */
static size_t free_pages, total_pages, hint;

static int is_used(size_t pfn) { return used[pfn >> 3] & (1 << (pfn & 7)); }
static void mark(size_t pfn, int on) {
    if (on) used[pfn >> 3] |= (uint8_t)(1 << (pfn & 7));
    else used[pfn >> 3] &= (uint8_t)~(1 << (pfn & 7));
}

static int usable(const struct hvm_memmap_entry *e, uint64_t *start, uint64_t *end) {
    if (e->type != HVM_MEMMAP_RAM) return 0;
    uint64_t s = (e->addr + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
    uint64_t t = (e->addr + e->size) & ~(uint64_t)(PAGE_SIZE - 1);
    if (s < LOW_LIMIT) s = LOW_LIMIT;
    if (t > HIGH_LIMIT) t = HIGH_LIMIT;
    if (t <= s) return 0;
    *start = s, *end = t;
    return 1;
}

void pages_init(const struct hvm_memmap_entry *map, uint32_t entries) {
    uint64_t top = 0, s, t;
    for (uint32_t i = 0; i < entries; i++)
        if (usable(&map[i], &s, &t) && t > top) top = t;
    page_count = top / PAGE_SIZE;

    /* The bookkeeping lives in the first RAM above the kernel that fits it. */
    size_t bitmap_bytes = (page_count + 7) / 8;
    size_t meta_bytes = ((bitmap_bytes + 15) & ~(size_t)15) + page_count * sizeof(uint32_t);
    uint64_t kernel_end = (uint64_t)__kernel_end, meta = 0;
    for (uint32_t i = 0; i < entries && !meta; i++) {
        if (!usable(&map[i], &s, &t)) continue;
        if (s < kernel_end) s = kernel_end;
        if (s + meta_bytes <= t) meta = s;
    }
    if (!meta) {
        kprintf("toro: not enough memory for the page allocator\n");
        return;
    }
    used = (uint8_t *)meta;
    tags = (uint32_t *)(meta + ((bitmap_bytes + 15) & ~(size_t)15));
    memset(used, 0xFF, bitmap_bytes);
    memset(tags, 0, page_count * sizeof(uint32_t));

    for (uint32_t i = 0; i < entries; i++) {
        if (!usable(&map[i], &s, &t)) continue;
        for (uint64_t a = s; a < t; a += PAGE_SIZE) mark(a / PAGE_SIZE, 0);
    }
    uint64_t reserved_end = meta + meta_bytes;
    for (uint64_t a = (uint64_t)__kernel_start & ~(uint64_t)(PAGE_SIZE - 1); a < reserved_end; a += PAGE_SIZE)
        if (a / PAGE_SIZE < page_count && (a < kernel_end || a >= meta)) mark(a / PAGE_SIZE, 1);
    for (size_t p = 0; p < page_count; p++) free_pages += !is_used(p);
    total_pages = free_pages;
    hint = 0;
}

void *pages_alloc(size_t count) {
    if (count == 0 || count > free_pages) return NULL;
    size_t run = 0;
    for (size_t p = hint; p < page_count; p++) {
        if (is_used(p)) { run = 0; continue; }
        if (++run == count) {
            size_t first = p + 1 - count;
            for (size_t q = first; q <= p; q++) mark(q, 1);
            free_pages -= count;
            if (first == hint) hint = p + 1;
            return (void *)(first * PAGE_SIZE);
        }
    }
    return NULL;
}

void pages_free(void *ptr, size_t count) {
    size_t first = (uintptr_t)ptr / PAGE_SIZE;
    for (size_t q = first; q < first + count; q++) {
        mark(q, 0);
        tags[q] = 0;
    }
    free_pages += count;
    if (first < hint) hint = first;
}

size_t pages_total(void) { return total_pages; }
size_t pages_free_count(void) { return free_pages; }
uint32_t page_tag(const void *p) { return tags[(uintptr_t)p / PAGE_SIZE]; }
void page_tag_set(const void *p, uint32_t tag) { tags[(uintptr_t)p / PAGE_SIZE] = tag; }
