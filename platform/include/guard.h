/* Guard pages: a page left unmapped under each stack. */
#pragma once
#include <stddef.h>
#include <stdint.h>

/* Unmap the 4 KiB page at `page` (page-aligned), which lies under the stack
   called `stack`: running off that stack then faults at once. */
void guard_page(void *page, const char *stack);
/* The stack whose guard page holds `address`, or NULL. */
const char *guard_stack_at(uintptr_t address);
