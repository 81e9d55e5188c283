/* Static inline wrappers for privileged and system instructions (SDM Vol. 2). */
#ifndef KERN_X86_H
#define KERN_X86_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include "x86/cr.h"
#include "x86/msr.h"
#include "x86/flags.h"
#include "x86/exc.h"
#include "x86/paging.h"
#include "x86/desc.h"

static inline void outb(uint16_t port, uint8_t v) { asm volatile("outb %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t v) { asm volatile("outw %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { asm volatile("outl %0, %1" :: "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) { uint8_t v; asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint16_t inw(uint16_t port) { uint16_t v; asm volatile("inw %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint32_t inl(uint16_t port) { uint32_t v; asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port)); return v; }

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return lo | ((uint64_t)hi << 32);
}
static inline void wrmsr(uint32_t msr, uint64_t v)
{
    asm volatile("wrmsr" :: "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}

#define DEFINE_CR(n) \
    static inline uint64_t read_cr##n(void) { uint64_t v; asm volatile("mov %%cr" #n ", %0" : "=r"(v)); return v; } \
    static inline void write_cr##n(uint64_t v) { asm volatile("mov %0, %%cr" #n :: "r"(v) : "memory"); }
DEFINE_CR(0)
DEFINE_CR(2)
DEFINE_CR(3)
DEFINE_CR(4)
DEFINE_CR(8)
#undef DEFINE_CR

static inline uint64_t read_dr6(void) { uint64_t v; asm volatile("mov %%dr6, %0" : "=r"(v)); return v; }
static inline void write_dr6(uint64_t v) { asm volatile("mov %0, %%dr6" :: "r"(v)); }
static inline uint64_t read_dr7(void) { uint64_t v; asm volatile("mov %%dr7, %0" : "=r"(v)); return v; }
static inline void write_dr7(uint64_t v) { asm volatile("mov %0, %%dr7" :: "r"(v)); }

struct cpuid { uint32_t a, b, c, d; };
static inline struct cpuid cpuid(uint32_t leaf, uint32_t sub)
{
    struct cpuid r;
    asm volatile("cpuid" : "=a"(r.a), "=b"(r.b), "=c"(r.c), "=d"(r.d) : "a"(leaf), "c"(sub));
    return r;
}

struct __attribute__((packed)) desc_ptr { uint16_t limit; uint64_t base; };
static inline void lgdt(const struct desc_ptr *p) { asm volatile("lgdt %0" :: "m"(*p)); }
static inline void lidt(const struct desc_ptr *p) { asm volatile("lidt %0" :: "m"(*p)); }
static inline void sgdt(struct desc_ptr *p) { asm volatile("sgdt %0" : "=m"(*p)); }
static inline void sidt(struct desc_ptr *p) { asm volatile("sidt %0" : "=m"(*p)); }
static inline void ltr(uint16_t sel) { asm volatile("ltr %0" :: "r"(sel)); }
static inline uint16_t str(void) { uint16_t s; asm volatile("str %0" : "=r"(s)); return s; }
static inline void invlpg(const volatile void *va) { asm volatile("invlpg (%0)" :: "r"(va) : "memory"); }
static inline uint64_t rdtsc(void) { uint32_t lo, hi; asm volatile("rdtsc" : "=a"(lo), "=d"(hi)); return lo | ((uint64_t)hi << 32); }
static inline uint64_t rdtscp(uint32_t *aux)
{
    uint32_t lo, hi, c;
    asm volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(c));
    if (aux) *aux = c;
    return lo | ((uint64_t)hi << 32);
}
static inline uint64_t read_rflags(void) { uint64_t f; asm volatile("pushfq; popq %0" : "=r"(f)); return f; }
static inline void write_rflags(uint64_t f) { asm volatile("pushq %0; popfq" :: "r"(f) : "memory", "cc"); }
static inline void cli(void) { asm volatile("cli" ::: "memory"); }
static inline void sti(void) { asm volatile("sti" ::: "memory"); }
static inline void hlt(void) { asm volatile("hlt" ::: "memory"); }
static inline void stac(void) { asm volatile("stac" ::: "memory", "cc"); }
static inline void clac(void) { asm volatile("clac" ::: "memory", "cc"); }
static inline void swapgs(void) { asm volatile("swapgs" ::: "memory"); }
static inline void clts(void) { asm volatile("clts"); }
static inline void wbinvd(void) { asm volatile("wbinvd" ::: "memory"); }

#define READ_SEG(name) \
    static inline uint16_t read_##name(void) { uint16_t v; asm volatile("mov %%" #name ", %0" : "=r"(v)); return v; }
READ_SEG(cs)
READ_SEG(ds)
READ_SEG(es)
READ_SEG(ss)
READ_SEG(fs)
READ_SEG(gs)
#undef READ_SEG
static inline void write_ds(uint16_t s) { asm volatile("mov %0, %%ds" :: "r"(s)); }
static inline void write_es(uint16_t s) { asm volatile("mov %0, %%es" :: "r"(s)); }
static inline void write_fs(uint16_t s) { asm volatile("mov %0, %%fs" :: "r"(s)); }
static inline void write_gs(uint16_t s) { asm volatile("mov %0, %%gs" :: "r"(s)); }
static inline void write_ss(uint16_t s) { asm volatile("mov %0, %%ss" :: "r"(s)); }

/* CPUID feature bits used by the test kernels (SDM Vol. 2, CPUID). */
#define CPUID_1_EDX_TSC    (1u << 4)
#define CPUID_1_EDX_MSR    (1u << 5)
#define CPUID_1_EDX_PAE    (1u << 6)
#define CPUID_1_EDX_CX8    (1u << 8)
#define CPUID_1_EDX_SEP    (1u << 11)
#define CPUID_1_EDX_PGE    (1u << 13)
#define CPUID_1_EDX_FXSR   (1u << 24)
#define CPUID_1_EDX_SSE    (1u << 25)
#define CPUID_1_EDX_SSE2   (1u << 26)
#define CPUID_1_ECX_SSE3   (1u << 0)
#define CPUID_1_ECX_VMX    (1u << 5)
#define CPUID_1_ECX_SSSE3  (1u << 9)
#define CPUID_1_ECX_CX16   (1u << 13)
#define CPUID_1_ECX_POPCNT (1u << 23)
#define CPUID_1_ECX_XSAVE  (1u << 26)
#define CPUID_7_EBX_FSGSBASE (1u << 0)
#define CPUID_7_EBX_BMI1   (1u << 3)           /* TZCNT */
#define CPUID_7_EBX_SMEP   (1u << 7)
#define CPUID_7_EBX_SMAP   (1u << 20)
#define CPUID_7_ECX_UMIP   (1u << 2)
#define CPUID_80000001_EDX_SYSCALL (1u << 11)
#define CPUID_80000001_EDX_NX      (1u << 20)
#define CPUID_80000001_EDX_PAGE1GB (1u << 26)
#define CPUID_80000001_EDX_RDTSCP  (1u << 27)
#define CPUID_80000001_EDX_LM      (1u << 29)
#define CPUID_80000001_ECX_ABM     (1u << 5)   /* LZCNT */

/* Feature test helpers: leaf, register (0=eax..3=edx), bit. */
bool cpu_has(uint32_t leaf, uint32_t sub, int reg, uint32_t mask);
bool cpu_is_intel(void);

#endif
