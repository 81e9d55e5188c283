/* The opcode table: every *.def file, concatenated. */
#include "ops.h"

const struct opdef opdefs[] = {
#define OP(map, opcode, ext, pfx, form, attr, name, fn) { map, opcode, ext, pfx, form, attr, name, fn },
#include "gp.def"
#include "system.def"
#include "sse.def"
#include "x87.def"
#undef OP
};

const int opdefs_count = (int)(sizeof opdefs / sizeof opdefs[0]);
