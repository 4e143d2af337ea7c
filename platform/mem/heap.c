/*
 * malloc for the platform and the JavaScript engine. Small requests come
 * from per-core slabs of one size class each; large ones take whole pages.
 * The page tag of every page says which it is, so free() needs no header.
 */
#include <errno.h>
#include <string.h>
#include "cpu.h"
#include "heap.h"
#include "pages.h"

#define MAX_SMALL 2048
#define TAG_SLAB 0x80000000u   /* | page offset in slab << 8 | class */
#define TAG_LARGE 0x40000000u  /* | page count (first page only) */

struct slab {
    struct slab *next, *prev;
    void *free;                /* free objects, linked through their first word */
    uint16_t in_use, capacity;
    uint8_t class, page_count;
};
#define SLAB_HEADER 32         /* sizeof(struct slab) rounded up to 16 */
_Static_assert(sizeof(struct slab) <= SLAB_HEADER, "slab header");

static const uint16_t class_size[HEAP_CLASSES] = {
    16, 32, 48, 64, 80, 96, 112, 128, 160, 192, 224, 256,
    320, 384, 448, 512, 640, 768, 896, 1024, 1280, 1536, 1792, 2048,
};
static uint8_t class_of_16[MAX_SMALL / 16]; /* (size - 1) / 16 -> class */

void heap_init(struct heap *h) {
    memset(h, 0, sizeof *h);
    for (int c = 0, i = 0; i < MAX_SMALL / 16; i++) {
        while (class_size[c] < (i + 1) * 16) c++;
        class_of_16[i] = (uint8_t)c;
    }
}

static void list_remove(struct slab **head, struct slab *s) {
    if (s->prev) s->prev->next = s->next;
    else *head = s->next;
    if (s->next) s->next->prev = s->prev;
    s->next = s->prev = NULL;
}

static void list_push(struct slab **head, struct slab *s) {
    s->prev = NULL;
    s->next = *head;
    if (*head) (*head)->prev = s;
    *head = s;
}

static struct slab *slab_new(int class) {
    unsigned size = class_size[class];
    unsigned pages = size <= 256 ? 1 : size <= 1024 ? 2 : 4;
    struct slab *s = pages_alloc(pages);
    if (!s) return NULL;
    for (unsigned i = 0; i < pages; i++)
        page_tag_set((char *)s + i * PAGE_SIZE, TAG_SLAB | (i << 8) | (unsigned)class);
    s->class = (uint8_t)class;
    s->page_count = (uint8_t)pages;
    s->capacity = (uint16_t)((pages * PAGE_SIZE - SLAB_HEADER) / size);
    s->in_use = 0;
    s->free = NULL;
    /* Thread the free list so the lowest addresses are handed out first. */
    char *first = (char *)s + SLAB_HEADER;
    for (int i = s->capacity - 1; i >= 0; i--) {
        void **obj = (void **)(first + (size_t)i * size);
        *obj = s->free;
        s->free = obj;
    }
    this_cpu()->heap.pages_in_use += pages;
    return s;
}

static void slab_release(struct heap *h, struct slab *s) {
    h->pages_in_use -= s->page_count;
    pages_free(s, s->page_count);
}

void *malloc(size_t n) {
    struct heap *h = &this_cpu()->heap;
    if (n == 0) n = 1;
    if (n <= MAX_SMALL) {
        int c = class_of_16[(n - 1) / 16];
        struct slab *s = h->partial[c];
        if (!s) {
            s = h->spare[c] ? h->spare[c] : slab_new(c);
            h->spare[c] = NULL;
            if (!s) { errno = ENOMEM; return NULL; }
            list_push(&h->partial[c], s);
        }
        void **obj = s->free;
        s->free = *obj;
        if (++s->in_use == s->capacity) list_remove(&h->partial[c], s);
        h->bytes_in_use += class_size[c];
        return obj;
    }
    size_t pages = (n + PAGE_SIZE - 1) / PAGE_SIZE;
    if (pages >= TAG_LARGE) { errno = ENOMEM; return NULL; }
    void *p = pages_alloc(pages);
    if (!p) { errno = ENOMEM; return NULL; }
    page_tag_set(p, TAG_LARGE | (uint32_t)pages);
    h->bytes_in_use += pages * PAGE_SIZE;
    h->pages_in_use += pages;
    return p;
}

static struct slab *slab_of(void *p, uint32_t tag) {
    uintptr_t page = (uintptr_t)p & ~(uintptr_t)(PAGE_SIZE - 1);
    return (struct slab *)(page - ((tag >> 8) & 0xFF) * PAGE_SIZE);
}

size_t malloc_usable_size(void *p) {
    if (!p) return 0;
    uint32_t tag = page_tag(p);
    if (tag & TAG_SLAB) return class_size[tag & 0xFF];
    return (tag & ~TAG_LARGE) * PAGE_SIZE;
}

void free(void *p) {
    if (!p) return;
    struct heap *h = &this_cpu()->heap;
    uint32_t tag = page_tag(p);
    if (tag & TAG_LARGE) {
        size_t pages = tag & ~TAG_LARGE;
        h->bytes_in_use -= pages * PAGE_SIZE;
        h->pages_in_use -= pages;
        pages_free(p, pages);
        return;
    }
    struct slab *s = slab_of(p, tag);
    int c = s->class;
    h->bytes_in_use -= class_size[c];
    if (s->in_use == s->capacity) list_push(&h->partial[c], s);
    *(void **)p = s->free;
    s->free = p;
    if (--s->in_use == 0) {
        list_remove(&h->partial[c], s);
        if (h->spare[c]) slab_release(h, s);
        else h->spare[c] = s;
    }
}

void *calloc(size_t count, size_t size) {
    size_t n;
    if (__builtin_mul_overflow(count, size, &n)) { errno = ENOMEM; return NULL; }
    void *p = malloc(n);
    if (p) memset(p, 0, n);
    return p;
}

void *realloc(void *p, size_t n) {
    if (!p) return malloc(n);
    if (n == 0) { free(p); return NULL; }
    size_t have = malloc_usable_size(p);
    /* Keep the block when it fits and is not wastefully large. */
    if (n <= have && (have <= MAX_SMALL ? n > have / 2 : n > have - PAGE_SIZE)) return p;
    void *q = malloc(n);
    if (!q) return NULL;
    memcpy(q, p, n < have ? n : have);
    free(p);
    return q;
}
