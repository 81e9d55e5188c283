/* A multiboot kernel in the a.out-kludge format (header flag 16): a flat
 * binary whose header gives load, BSS and entry addresses. Prints one
 * line and exits through the debug-exit port with status 42. */
.code32
.set MAGIC, 0x1BADB002
.set FLAGS, (1<<16) | (1<<1)
.globl start
start:
	jmp entry
.align 4
header:
	.long MAGIC, FLAGS, -(MAGIC + FLAGS)
	.long header, start, end_load, end_bss, entry
entry:
	mov $msg, %esi
1:	lodsb
	test %al, %al
	jz 3f
	mov %al, %ah
	mov $0x3fd, %dx
2:	inb %dx, %al
	test $0x20, %al
	jz 2b
	mov %ah, %al
	mov $0x3f8, %dx
	outb %al, %dx
	jmp 1b
3:	mov $42, %eax
	outl %eax, $0xf4
	cli
	hlt
msg: .asciz "aoutkludge: loaded by its multiboot header's addresses, exiting with 42\n"
end_load:
	.skip 4096
end_bss:
