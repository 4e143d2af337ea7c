/* The interrupt descriptor table and the dispatch of every vector. */
#include "arch.h"
#include "cpu.h"
#include "interrupts.h"
#include "lapic.h"

void interrupts_record(int vector);

struct idt_entry {
    uint16_t offset_low, selector;
    uint8_t ist, type;
    uint16_t offset_mid;
    uint32_t offset_high, reserved;
} __attribute__((packed));

extern char isr_stubs[];
static struct idt_entry idt[256] __attribute__((aligned(16)));

static void set_gate(int vector, int ist) {
    uint64_t handler = (uint64_t)(isr_stubs + 16 * vector);
    idt[vector] = (struct idt_entry){
        .offset_low = handler & 0xFFFF,
        .selector = 0x08,
        .ist = ist,
        .type = 0x8E, /* present, ring 0, interrupt gate: IF is cleared on entry */
        .offset_mid = (handler >> 16) & 0xFFFF,
        .offset_high = handler >> 32,
    };
}

void idt_init(void) {
    for (int v = 0; v < 256; v++) set_gate(v, v < 32 ? 1 : 3);
    set_gate(2, 2);  /* NMI */
    set_gate(8, 2);  /* double fault */
    set_gate(18, 2); /* machine check */
}

void idt_load(void) {
    struct { uint16_t limit; uint64_t base; } __attribute__((packed)) ptr = { sizeof idt - 1, (uint64_t)idt };
    __asm__ volatile("lidt %0" ::"m"(ptr));
}

/* Legacy 8259 PICs: move their vectors away from the exceptions, then mask
   them; interrupts come through the local APIC (and I/O APIC) only. */
void pic_disable(void) {
    outb(0x20, 0x11); outb(0xA0, 0x11);
    outb(0x21, VECTOR_PIC_BASE); outb(0xA1, VECTOR_PIC_BASE + 8);
    outb(0x21, 4); outb(0xA1, 2);
    outb(0x21, 1); outb(0xA1, 1);
    outb(0x21, 0xFF); outb(0xA1, 0xFF);
}

void interrupt_dispatch(struct interrupt_frame *f) {
    if (f->vector < 32 && f->vector != 2) fault_report(f);
    /* A masked PIC can still raise a spurious IRQ 7/15; neither it nor the APIC's spurious vector takes an EOI. */
    if (f->vector >= VECTOR_PIC_BASE && f->vector < VECTOR_PIC_BASE + 16) return;
    if (f->vector == VECTOR_SPURIOUS) return;
    /* Device vectors are recorded for the event loop; the timer only ends a halt. */
    if (f->vector >= VECTOR_LINE_BASE && f->vector <= VECTOR_MSI_LAST) interrupts_record((int)f->vector);
    lapic_eoi();
}
