/* The per-core allocator behind malloc: size-class slabs plus whole pages. */
#pragma once
#include <stddef.h>
#include <stdint.h>

#define HEAP_CLASSES 24

struct slab;

struct heap {
    struct slab *partial[HEAP_CLASSES];  /* slabs with at least one free object */
    struct slab *spare[HEAP_CLASSES];    /* one empty slab kept per class to avoid churn */
    size_t bytes_in_use;                 /* as malloc_usable_size counts them */
    size_t pages_in_use;
};

void heap_init(struct heap *h);
