# vtx — one entry point. `make` builds build/vtx and every test kernel;
# `make run` boots the demo; `make check` runs every test; `make bench`
# measures vtx beside QEMU and Bochs. Fragments in mk/ each own one area.

CC      ?= cc
O       ?= build
SAN     ?=
WARN    := -Wall -Wextra -Werror
CFLAGS  ?= -O3 -g
HOST_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) -Iinclude -Iemu $(SAN)
HOST_LDFLAGS := $(SAN)

.PHONY: all run check bench fuzz-diff clean deps
all:

EMU_SRCS := $(sort $(wildcard emu/cpu/*.c emu/machine/*.c emu/dev/*.c))
EMU_OBJS := $(EMU_SRCS:%.c=$(O)/%.o)

$(O)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@

$(O)/libvtx.a: $(EMU_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(O)/vtx: $(O)/emu/main.o $(O)/libvtx.a
	$(CC) $(HOST_LDFLAGS) -o $@ $^ -lm

all: $(O)/vtx

include $(wildcard mk/*.mk)

# Installs missing Debian packages (QEMU, Bochs, GRUB, xorriso, Zydis),
# saying what it installs.
deps:
	@bash tools/deps.sh

# The main job: the demo kernel on vtx (what the CPU reports), then hv with
# its demo guests (on vtx once vtx advertises VMX; on Bochs until then).
run: deps
	@$(MAKE) --no-print-directory all
	@$(O)/vtx $(O)/guest/demo.elf; st=$$?; \
	  [ $$st -eq 1 ] || { echo "make run: the demo kernel ended with status $$st" >&2; exit 1; }
	@tests/hv/run.sh auto

# Every test, ending with one line "N passed, N failed, N skipped, N known QEMU differences".
check: deps
	@$(MAKE) --no-print-directory all
	@bash tests/check.sh

clean:
	rm -rf $(O)

-include $(shell find $(O) -name '*.d' 2>/dev/null)
