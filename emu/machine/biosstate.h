/* The PIC, PIT and IVT as SeaBIOS leaves them for a multiboot kernel
 * (biosstate.c). */
#ifndef EMU_BIOSSTATE_H
#define EMU_BIOSSTATE_H

struct machine;

void bios_leave_state(struct machine *m);

#endif
