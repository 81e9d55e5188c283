/* The MP specification 1.4 tables vtx gives the guest (mptable.c). */
#ifndef EMU_MPTABLE_H
#define EMU_MPTABLE_H

#include <stdbool.h>

struct machine;

#define MPTABLE_BASE      0xF1000u   /* after the ACPI tables, in the BIOS area */
#define MPTABLE_AREA_SIZE 0x400u

/* Writes the floating pointer and configuration table for ncpu CPUs into
 * guest RAM at MPTABLE_BASE; false if that is not RAM or they do not fit. */
bool mptable_build(struct machine *m, int ncpu);

#endif
