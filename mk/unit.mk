# Host unit tests: build/tests/unit/NAME from tests/unit/NAME.c linked with
# libvtx.a. `make unit` builds them all; tests/suite-unit.sh builds and runs
# each one on its own, so one that does not link does not stop the others.

UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(O)/tests/unit/%)

$(UNIT_BINS): $(O)/tests/unit/%: $(O)/tests/unit/%.o $(O)/libvtx.a
	$(CC) $(HOST_LDFLAGS) -o $@ $^ -lm

.PHONY: unit
unit: $(UNIT_BINS)
