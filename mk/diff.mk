# Differential tester (tests/diff, DESIGN.md "Correctness comes from outside
# oracles"): $(O)/diffcheck runs instruction sequences natively and on vtx's
# CPU and compares what is architecturally defined; $(O)/zydis-oracle
# compares vtx's decoder with Zydis. `make fuzz-diff SEED=.. COUNT=..` runs
# the random mode; tests/suite-diff.sh is the suite.

DIFF_ZYDIS := $(if $(wildcard /usr/include/Zydis/Zydis.h),1,)
DIFF_SRCS  := $(filter-out tests/diff/zydis_oracle.c,$(sort $(wildcard tests/diff/*.c)))
DIFF_OBJS  := $(DIFF_SRCS:%.c=$(O)/%.o) $(O)/tests/diff/native_entry.o
DIFF_LIBS  := $(if $(DIFF_ZYDIS),-lZydis)
ZORACLE_OBJS := $(addprefix $(O)/tests/diff/,zydis_oracle.o asm.o build.o undef.o case.o \
                templates.o templates_more.o templates_flow.o templates_ssefp.o templates_x87.o templates_seg.o random.o \
                runner.o vtxrun.o)

$(O)/tests/diff/%.o: HOST_CFLAGS += $(if $(DIFF_ZYDIS),-DDIFF_HAVE_ZYDIS)

$(O)/tests/diff/native_entry.o: tests/diff/native_entry.S
	@mkdir -p $(dir $@)
	$(CC) $(SAN) -c $< -o $@

$(O)/diffcheck: $(DIFF_OBJS) $(O)/libvtx.a
	$(CC) $(HOST_LDFLAGS) -o $@ $(DIFF_OBJS) $(O)/libvtx.a -lm $(DIFF_LIBS)

$(O)/zydis-oracle: $(ZORACLE_OBJS) $(O)/libvtx.a
	$(CC) $(HOST_LDFLAGS) -o $@ $(ZORACLE_OBJS) $(O)/libvtx.a -lm -lZydis

all: $(O)/diffcheck $(if $(DIFF_ZYDIS),$(O)/zydis-oracle)

SEED  ?= 1
COUNT ?= 10000
fuzz-diff: $(O)/diffcheck
	$(O)/diffcheck --random --seed $(SEED) --count $(COUNT)
