/* The built-in guests' ELF images (built from hv/guests/ by mk/hv.mk),
 * embedded in hv as read-only data for guest_builtin.c. */
    .macro image name
    .globl guest_\name\()_start, guest_\name\()_end
    .balign 16
guest_\name\()_start:
    .incbin "\name\().elf"
guest_\name\()_end:
    .endm

    .section .rodata
    image primes
    image realmode
    image probe
    image hostile
    image bench
    image crash
