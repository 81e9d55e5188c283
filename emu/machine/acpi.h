/* The ACPI tables vtx gives the guest (acpi.c). */
#ifndef EMU_ACPI_H
#define EMU_ACPI_H

#include <stdbool.h>
#include <stdint.h>

struct machine;

#define ACPI_BASE       0xF0000u    /* the tables, in the reserved BIOS area */
#define ACPI_AREA_SIZE  0x1000u     /* below boot.c's GDT at 0xFFF00 */
#define ACPI_LAPIC_ADDR 0xFEE00000u
#define ACPI_IOAPIC_ADDR 0xFEC00000u
#define ACPI_IOAPIC_ID  0
#define ACPI_SCI_IRQ    9
#define ACPI_S5_SLP_TYP 0           /* QEMU's \_S5 package: {0, 0, 0, 0} */

/* Writes RSDP, RSDT, XSDT, MADT (ncpu local APICs), FADT, FACS and DSDT
 * into guest RAM at ACPI_BASE; false if that is not RAM. */
bool acpi_build(struct machine *m, int ncpu);

#endif
