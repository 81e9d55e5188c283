/* Decode-time choice of specialised handlers (fastpath.c). */
#ifndef EMU_FASTPATH_H
#define EMU_FASTPATH_H

#include "insn.h"

/* Returns the handler to use for a decoded instruction; may rewrite its
 * operand fields to the specialised handler's convention. */
insn_fn fastpath_select(struct insn *in, int code_size);

#endif
