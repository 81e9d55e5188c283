# Benchmarks: bench/NAME.c -> $(O)/bench/NAME.elf, kernels built like the
# test kernels (mk/guest.mk) with kern/ (mk/kern.mk). `make bench` runs
# bench/run.sh: each kernel on vtx, QEMU (TCG) and Bochs, timed, with the
# checksums compared; see bench/run.sh for the output and the knobs.

BENCH_NAMES   := $(sort $(notdir $(basename $(wildcard bench/*.c))))
BENCH_KERNELS := $(BENCH_NAMES:%=$(O)/bench/%.elf)

$(O)/bench/%.o: bench/%.c
	@mkdir -p $(dir $@)
	$(KCC) $(KERN_CFLAGS) -MMD -MP -c $< -o $@

# This file is read before mk/kern.mk defines KERN_OBJS: expand it late.
.SECONDEXPANSION:
$(O)/bench/%.elf64: $(O)/bench/%.o $$(KERN_OBJS) kern/kernel.ld
	$(KCC) $(KERN_LDFLAGS) -o $@ $(KERN_OBJS) $< -lgcc

$(O)/bench/%.elf: $(O)/bench/%.elf64
	$(OBJCOPY) -O elf32-i386 $< $@

.PRECIOUS: $(O)/bench/%.elf64 $(O)/bench/%.o

.PHONY: bench-kernels
bench-kernels: $(BENCH_KERNELS)
all: $(BENCH_KERNELS)

# `bench` is `all` then bench/run.sh. While parts of `all` do not build yet
# (the CPU core is unfinished), the benchmarks still run: whatever fails to
# build is reported, and if $(O)/vtx is not up to date afterwards, vtx is
# reported as SKIP / n/a rather than a stale binary measured.
# (The -q check goes through a variable so that `make -n bench` does not
# run the benchmarks: make runs a recipe line that names MAKE even then.)
BENCH_VTX_UP_TO_DATE = $(MAKE) --no-print-directory -q $(O)/vtx
bench: $(BENCH_KERNELS)
	-@$(MAKE) --no-print-directory -k all
	@if $(BENCH_VTX_UP_TO_DATE) 2>/dev/null; then \
	    O=$(O) bench/run.sh; \
	else \
	    O=$(O) BENCH_VTX_BUILD_FAILED=1 bench/run.sh; \
	fi
