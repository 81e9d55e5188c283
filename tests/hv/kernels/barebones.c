/* A kernel written the way the OSDev "Bare Bones" tutorial does it, not
 * with kern/: i386 ELF, 32-bit C, no paging, COM1 by polling, reads the
 * multiboot information and fw_cfg, ends with CLI; HLT. hv runs it as a
 * VM (tests/suite-hv.sh), as it would any third-party multiboot kernel. */
#include <stdint.h>
#include <stddef.h>
static inline void outb(uint16_t p, uint8_t v) { __asm__ volatile("outb %0, %1" :: "a"(v), "Nd"(p)); }
static inline void outw(uint16_t p, uint16_t v) { __asm__ volatile("outw %0, %1" :: "a"(v), "Nd"(p)); }
static inline uint8_t inb(uint16_t p) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(p)); return v; }
static void putc(char c) { while (!(inb(0x3fd) & 0x20)); outb(0x3f8, c); }
static void puts(const char *s) { while (*s) putc(*s++); }
static void putu(uint32_t v) { char b[12]; int n = 0; do b[n++] = '0' + v % 10; while (v /= 10); while (n) putc(b[--n]); }
struct mbi { uint32_t flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr, syms[4], mmap_length, mmap_addr; };
struct mmap { uint32_t size; uint64_t addr, len; uint32_t type; } __attribute__((packed));
static uint32_t fib(uint32_t n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
void kernel_main(uint32_t magic, struct mbi *mb) {
	outb(0x3f8 + 1, 0); outb(0x3f8 + 3, 0x80); outb(0x3f8, 1); outb(0x3f8 + 1, 0); outb(0x3f8 + 3, 3);
	puts("barebones: hello, multiboot world\n");
	puts(magic == 0x2BADB002 ? "barebones: magic ok\n" : "barebones: BAD MAGIC\n");
	if (mb->flags & 4) { puts("barebones: cmdline: "); puts((const char *)mb->cmdline); puts("\n"); }
	if (mb->flags & 1) { puts("barebones: memory: "); putu(mb->mem_lower); puts(" KiB low, "); putu(mb->mem_upper); puts(" KiB high\n"); }
	if (mb->flags & 64) {
		for (uint32_t a = mb->mmap_addr; a < mb->mmap_addr + mb->mmap_length; ) {
			struct mmap *m = (struct mmap *)a;
			puts("barebones: mmap "); putu((uint32_t)m->addr); puts(" + "); putu((uint32_t)m->len); puts(" type "); putu(m->type); puts("\n");
			a += m->size + 4;
		}
	}
	uint16_t cpus; outw(0x510, 5); cpus = inb(0x511) | inb(0x511) << 8;
	puts("barebones: fw_cfg CPUs: "); putu(cpus); puts("\n");
	puts("barebones: fib(24) = "); putu(fib(24)); puts("\n");
	puts("barebones: halting\n");
}
