# kern/: freestanding support library for the test kernels and hv.
# Objects go to $(O)/kern; a kernel links $(KERN_OBJS) (boot.o first) with
# its own objects using kern/kernel.ld, then is converted to ELF32 because
# QEMU's -kernel loads only 32-bit multiboot ELF images.

KCC      ?= gcc
OBJCOPY  ?= objcopy
KERN_CFLAGS := -std=gnu11 -ffreestanding -fno-pic -fno-pie -mno-red-zone \
	-mno-sse -mno-mmx -mno-sse2 -mno-80387 -fno-stack-protector \
	-fno-asynchronous-unwind-tables -fno-omit-frame-pointer -nostdlib -static -O2 -g \
	-Wall -Wextra -Werror -Iinclude -Ikern
KERN_ASFLAGS := -Iinclude -Ikern -g
KERN_LDFLAGS := -nostdlib -static -no-pie -Wl,-T,kern/kernel.ld \
	-Wl,-z,max-page-size=0x1000 -Wl,--build-id=none -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments

# kern/X.c and kern/X.S both build $(O)/kern/X.o: keep base names distinct.
KERN_SRCS := $(sort $(wildcard kern/*.c kern/*.S))
KERN_OBJS := $(O)/kern/boot.o \
	$(filter-out $(O)/kern/boot.o,$(addsuffix .o,$(basename $(KERN_SRCS:kern/%=$(O)/kern/%))))

$(O)/kern/%.o: kern/%.c kern/kernel.ld
	@mkdir -p $(dir $@)
	$(KCC) $(KERN_CFLAGS) -MMD -MP -c $< -o $@

$(O)/kern/%.o: kern/%.S
	@mkdir -p $(dir $@)
	$(KCC) $(KERN_ASFLAGS) -MMD -MP -c $< -o $@

.PHONY: kern
kern: $(KERN_OBJS)
