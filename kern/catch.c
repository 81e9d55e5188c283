/* Exception catching for tests (see ASM_TRY in kern.h). */
#include "kern.h"

volatile struct caught caught = { .vector = -1 };
volatile uint64_t catch_recover_rip, catch_recover_rsp;

/* Called by intr_dispatch for a vector without its own handler. */
bool catch_exception(struct intr_frame *f)
{
    if (!catch_recover_rip)
        return false;
    caught.vector = (int)f->vector;
    caught.error = f->error;
    caught.rip = f->rip;
    caught.cs = f->cs;
    caught.rflags = f->rflags;
    caught.rsp = f->rsp;
    caught.ss = f->ss;
    caught.cr2 = f->vector == EXC_PF ? read_cr2() : 0;
    memcpy((void *)&caught.frame, f, sizeof *f);

    /* Resume at the recovery point, at CPL 0, on the arming stack. */
    f->rip = catch_recover_rip;
    f->rsp = catch_recover_rsp;
    f->cs = SEL_KCODE;
    f->ss = SEL_KDATA;
    if ((caught.cs & 3) != 0)
        f->rflags = RFLAGS_FIXED1;
    else
        f->rflags &= ~(uint64_t)(RFLAGS_TF | RFLAGS_RF);
    catch_recover_rip = 0;
    return true;
}

volatile uint64_t try_start, try_end;

static bool check_exception(bool qemu_differs, const char *name, int vector, uint64_t error, uint64_t rip)
{
    bool ok = caught.vector == vector && caught.error == error &&
              (rip == RIP_ANY || caught.rip == rip);
    void (*rep)(bool, const char *, const char *, ...) = qemu_differs ? report_qemu_differs : reportf;
    if (ok || caught.vector != -1)
        rep(ok, name, "got vector %d error 0x%lx at RIP 0x%lx; want vector %d error 0x%lx at 0x%lx",
            caught.vector, caught.error, caught.rip, vector, error, rip);
    else
        rep(false, name, "no exception; want vector %d error 0x%lx", vector, error);
    return ok;
}

bool expect_exception(const char *name, int vector, uint64_t error, uint64_t rip)
{
    return check_exception(false, name, vector, error, rip);
}

bool expect_exception_qemu_differs(const char *name, int vector, uint64_t error, uint64_t rip)
{
    return check_exception(true, name, vector, error, rip);
}
