# hv: the bare-metal VT-x hypervisor (hv/) and its built-in guests
# (hv/guests/). Links with kern/ (mk/kern.mk) like a test kernel.
#   make hv            build $(O)/hv/hv.elf (ELF32 multiboot, for GRUB/QEMU/vtx)
#   make run-hv        boot it with the demo guests: on vtx once vtx has VMX,
#                      else on Bochs (tests/hv/run.sh says which)
#   make run-hv-bochs  boot it on Bochs from a GRUB ISO
#   make check-hv      tests/suite-hv.sh (Bochs + the QEMU refusal)
#   make bench-hv      bench/extra-hv.sh: VM-exit round trips per second

HV_SRCS     := $(sort $(wildcard hv/*.c))
HV_ASRCS    := hv/vmrun.S hv/guest_images.S
HV_OBJS     := $(HV_SRCS:hv/%.c=$(O)/hv/%.o) $(HV_ASRCS:hv/%.S=$(O)/hv/%.s.o)
HV_GUESTS64 := primes probe hostile bench
HV_GUEST_ELFS := $(HV_GUESTS64:%=$(O)/hv/guests/%.elf) $(O)/hv/guests/realmode.elf \
	$(O)/hv/guests/crash.elf
HV_GLIB     := $(O)/hv/guests/gstart.s.o $(O)/hv/guests/glib.o
# kern's printf and serial driver, reused by the guests (their COM1 is hv's virtual UART)
HV_GUEST_KERN = $(O)/kern/printf.o $(O)/kern/serial.o $(O)/kern/lib.o
HV_CFLAGS   := -Ihv
HV_ELF      := $(O)/hv/hv.elf

$(O)/hv/%.o: hv/%.c
	@mkdir -p $(dir $@)
	$(KCC) $(KERN_CFLAGS) $(HV_CFLAGS) -MMD -MP -c $< -o $@

$(O)/hv/vmrun.s.o: hv/vmrun.S
	@mkdir -p $(dir $@)
	$(KCC) $(KERN_ASFLAGS) -MMD -MP -c $< -o $@

$(O)/hv/guest_images.s.o: hv/guest_images.S $(HV_GUEST_ELFS)
	@mkdir -p $(dir $@)
	$(KCC) $(KERN_ASFLAGS) -Wa,-I$(O)/hv/guests -c $< -o $@

$(O)/hv/guests/%.o: hv/guests/%.c hv/guests/glib.h hv/hypercall.h
	@mkdir -p $(dir $@)
	$(KCC) $(KERN_CFLAGS) $(HV_CFLAGS) -MMD -MP -c $< -o $@

$(O)/hv/guests/%.s.o: hv/guests/%.S hv/hypercall.h
	@mkdir -p $(dir $@)
	$(KCC) $(KERN_ASFLAGS) -c $< -o $@

.SECONDEXPANSION:
$(O)/hv/guests/%.elf: $(O)/hv/guests/%.o $$(HV_GLIB) $$(HV_GUEST_KERN) hv/guests/guest64.ld
	$(KCC) -nostdlib -static -no-pie -Wl,-T,hv/guests/guest64.ld -Wl,--build-id=none -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments \
		-Wl,-z,max-page-size=0x1000 -o $@ $(HV_GLIB) $< $(HV_GUEST_KERN) -lgcc
	$(OBJCOPY) --strip-all $@

# The real-mode and 32-bit guests: one assembly file each, own link address.
HV_FLAT_LD := -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments
$(O)/hv/guests/realmode.elf: $(O)/hv/guests/realmode.s.o hv/guests/real.ld
	$(KCC) $(HV_FLAT_LD) -Wl,-T,hv/guests/real.ld -o $@ $<
	$(OBJCOPY) --strip-all $@

$(O)/hv/guests/crash.elf: $(O)/hv/guests/crash.s.o hv/guests/crash.ld
	$(KCC) $(HV_FLAT_LD) -Wl,-T,hv/guests/crash.ld -o $@ $<
	$(OBJCOPY) --strip-all $@

$(O)/hv/hv.elf64: $(HV_OBJS) $$(KERN_OBJS) kern/kernel.ld
	$(KCC) $(KERN_LDFLAGS) -o $@ $(KERN_OBJS) $(HV_OBJS) -lgcc

$(HV_ELF): $(O)/hv/hv.elf64
	$(OBJCOPY) -O elf32-i386 $< $@

.PRECIOUS: $(O)/hv/guests/%.o $(O)/hv/guests/%.s.o

.PHONY: hv run-hv run-hv-bochs check-hv bench-hv
hv: $(HV_ELF)
all: $(HV_ELF)

run-hv: $(HV_ELF) $(GUEST_KERNELS)
	tests/hv/run.sh auto

run-hv-bochs: $(HV_ELF) $(GUEST_KERNELS)
	tests/hv/run.sh bochs

check-hv: $(HV_ELF) $(GUEST_KERNELS)
	tests/suite-hv.sh

bench-hv: $(HV_ELF)
	bash bench/extra-hv.sh

# Multiboot kernels written without kern/ (tests/hv/kernels/): an i386 ELF
# in the OSDev "Bare Bones" style and an a.out-kludge flat binary.
HV_TEST_KERNELS := $(O)/hv/kernels/barebones.elf $(O)/hv/kernels/aout.bin

$(O)/hv/kernels/barebones.elf: tests/hv/kernels/barebones-boot.S tests/hv/kernels/barebones.c tests/hv/kernels/barebones.ld
	@mkdir -p $(dir $@)
	$(KCC) -m32 -c tests/hv/kernels/barebones-boot.S -o $(O)/hv/kernels/barebones-boot.o
	$(KCC) -m32 -std=gnu11 -ffreestanding -fno-pic -fno-pie -O2 -fno-stack-protector -Wall -Wextra -Werror \
		-c tests/hv/kernels/barebones.c -o $(O)/hv/kernels/barebones.o
	$(KCC) -m32 -nostdlib -static -no-pie -Wl,-T,tests/hv/kernels/barebones.ld -Wl,--build-id=none \
		-Wl,-z,noexecstack -Wl,--no-warn-rwx-segments -o $@ $(O)/hv/kernels/barebones-boot.o $(O)/hv/kernels/barebones.o

$(O)/hv/kernels/aout.bin: tests/hv/kernels/aout.S
	@mkdir -p $(dir $@)
	$(KCC) -m32 -c $< -o $(O)/hv/kernels/aout.o
	$(KCC) -m32 -nostdlib -static -no-pie -Wl,-Ttext=0x200000 -Wl,--oformat=binary -Wl,-e,start \
		-Wl,--build-id=none -Wl,-z,noexecstack -o $@ $(O)/hv/kernels/aout.o

hv: $(HV_TEST_KERNELS)
all: $(HV_TEST_KERNELS)
check-hv: $(HV_TEST_KERNELS)
