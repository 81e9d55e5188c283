# Test kernels: tests/guest/NAME.c (+ optional NAME.S) -> $(O)/guest/NAME.elf.
# Each links with kern/ (mk/kern.mk). Run them with tests/run-guest.sh, all of
# them with tests/suite-guest-qemu.sh or tests/suite-guest-vtx.sh.

GUEST_NAMES   := $(sort $(notdir $(basename $(wildcard tests/guest/*.c))))
GUEST_KERNELS := $(GUEST_NAMES:%=$(O)/guest/%.elf)
GUEST_DEMO    := $(O)/guest/demo.elf

$(O)/guest/%.o: tests/guest/%.c
	@mkdir -p $(dir $@)
	$(KCC) $(KERN_CFLAGS) -MMD -MP -c $< -o $@

$(O)/guest/%.s.o: tests/guest/%.S
	@mkdir -p $(dir $@)
	$(KCC) $(KERN_ASFLAGS) -MMD -MP -c $< -o $@

# A kernel's objects: its C file, plus its .S file when there is one.
guest_objs = $(O)/guest/$(1).o $(if $(wildcard tests/guest/$(1).S),$(O)/guest/$(1).s.o)

.SECONDEXPANSION:
$(O)/guest/%.elf64: $$(call guest_objs,$$*) $$(KERN_OBJS) kern/kernel.ld
	$(KCC) $(KERN_LDFLAGS) -o $@ $(KERN_OBJS) $(call guest_objs,$*) -lgcc

$(O)/guest/%.elf: $(O)/guest/%.elf64
	$(OBJCOPY) -O elf32-i386 $< $@

.PRECIOUS: $(O)/guest/%.elf64 $(O)/guest/%.o $(O)/guest/%.s.o

.PHONY: guest run-demo-qemu check-guest-qemu
guest: $(GUEST_KERNELS)
# mk/kern.mk is read after this file: expand KERN_OBJS late.
all: $(GUEST_KERNELS)

run-demo-qemu: $(GUEST_DEMO)
	tests/run-guest.sh qemu $(GUEST_DEMO)

check-guest-qemu: $(GUEST_KERNELS)
	tests/suite-guest-qemu.sh
