/* Native runner: the case runs on the host CPU, at CPL 3, in a forked
 * worker. Code and data live at the fixed addresses of diff.h; the signal
 * handlers run on an alternate stack (so the kernel's signal frame never
 * touches the guest's stack page) and capture the state from the
 * ucontext: REG_TRAPNO is the real vector, REG_ERR the error code, REG_CR2
 * the page-fault address. INT3 ends a sequence: SIGTRAP, vector 3, RIP
 * after the INT3. */
#include <cpuid.h>
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <ucontext.h>
#include <unistd.h>

#include "runner.h"

_Static_assert(offsetof(struct dstate, rip) == 128, "native_entry.S layout");
_Static_assert(offsetof(struct dstate, rflags) == 136, "native_entry.S layout");
_Static_assert(offsetof(struct dstate, xmm) == 144, "native_entry.S layout");
_Static_assert(offsetof(struct dstate, mxcsr) == 400, "native_entry.S layout");

void diff_native_enter(const struct dstate *st);

/* Worker-process state (one per worker process; signal handlers need it
 * in static storage). */
static uint8_t *code_page, *data_pages;
static sigjmp_buf guest_exit;
static volatile sig_atomic_t in_guest;
static struct doutcome *volatile cur_out;
static struct dstate entry_state;

#define GUEST_TIMEOUT_S 2

/* gregs index for each GPR in encoding order. */
static const int greg_of[16] = {
    REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
    REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
};

static void on_signal(int sig, siginfo_t *si, void *ucv)
{
    /* The guest may have left RFLAGS.AC set, and the kernel does not clear
     * it for the handler: clear it before touching memory unaligned. */
    __asm__ volatile("pushfq; andq $~0x40000, (%%rsp); popfq" ::: "memory", "cc");
    if (!in_guest) {
        if (sig == SIGALRM)
            return;
        /* A fault in the runner itself: die with it, the parent reports. */
        signal(sig, SIG_DFL);
        return;
    }
    in_guest = 0;
    ucontext_t *uc = ucv;
    greg_t *g = uc->uc_mcontext.gregs;
    struct doutcome *o = cur_out;
    if (sig == SIGALRM) {
        o->kind = OUT_TIMEOUT;
        snprintf(o->msg, sizeof o->msg, "native: still running after %d s", GUEST_TIMEOUT_S);
    } else {
        o->kind = OUT_EXC;
        o->vector = (int)g[REG_TRAPNO];
        o->error = (uint32_t)g[REG_ERR];
        if (o->vector == 14)
            o->addr = (uint64_t)g[REG_CR2];
        else if (sig == SIGSEGV || sig == SIGBUS)
            o->addr = (uint64_t)(uintptr_t)si->si_addr;
    }
    for (int i = 0; i < 16; i++)
        o->st.r[i] = (uint64_t)g[greg_of[i]];
    o->st.rip = (uint64_t)g[REG_RIP];
    o->st.rflags = (uint64_t)g[REG_EFL];
    if (uc->uc_mcontext.fpregs) {
        for (int i = 0; i < 16; i++)
            memcpy(o->st.xmm[i], uc->uc_mcontext.fpregs->_xmm[i].element, 16);
        o->st.mxcsr = uc->uc_mcontext.fpregs->mxcsr;
        /* FXSAVE image: registers in ST(i) order, abridged physical tags. */
        o->st.fcw = uc->uc_mcontext.fpregs->cwd;
        o->st.fsw = uc->uc_mcontext.fpregs->swd;
        o->st.ftw = (uint8_t)uc->uc_mcontext.fpregs->ftw;
        for (int i = 0; i < 8; i++) {
            memcpy(o->st.st[i], uc->uc_mcontext.fpregs->_st[i].significand, 8);
            memcpy(o->st.st[i] + 8, &uc->uc_mcontext.fpregs->_st[i].exponent, 2);
        }
    }
    siglongjmp(guest_exit, 1);
}

static int map_fixed(uint64_t addr, size_t len, uint8_t **out, char *err, size_t errlen)
{
    void *p = mmap((void *)(uintptr_t)addr, len, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE | MAP_POPULATE, -1, 0);
    if (p == MAP_FAILED || p != (void *)(uintptr_t)addr) {
        snprintf(err, errlen, "native: cannot map %#llx (+%#zx): %s",
                 (unsigned long long)addr, len, p == MAP_FAILED ? strerror(errno) : "placed elsewhere");
        return -1;
    }
    *out = p;
    return 0;
}

static int native_init(char *err, size_t errlen)
{
    if (map_fixed(DIFF_CODE, DIFF_PAGE, &code_page, err, errlen) ||
        map_fixed(DIFF_DATA, DIFF_DATA_SIZE, &data_pages, err, errlen))
        return -1;
    stack_t ss = { .ss_size = 1 << 16 };
    ss.ss_sp = malloc(ss.ss_size);
    if (!ss.ss_sp || sigaltstack(&ss, NULL)) {
        snprintf(err, errlen, "native: sigaltstack: %s", strerror(errno));
        return -1;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigfillset(&sa.sa_mask);
    static const int sigs[] = { SIGTRAP, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGALRM };
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        if (sigaction(sigs[i], &sa, NULL)) {
            snprintf(err, errlen, "native: sigaction: %s", strerror(errno));
            return -1;
        }
    return 0;
}

static void native_run(const struct dcase *c, struct doutcome *o)
{
    memset(o, 0, offsetof(struct doutcome, data));
    /* Code page: INT3 everywhere, the sequence at code_off, read + exec. */
    if (mprotect(code_page, DIFF_PAGE, PROT_READ | PROT_WRITE)) {
        o->kind = OUT_SETUP;
        snprintf(o->msg, sizeof o->msg, "native: mprotect: %s", strerror(errno));
        return;
    }
    memset(code_page, 0xcc, DIFF_PAGE);
    int off = c->code_off < 0 ? 0 : c->code_off >= (int)DIFF_PAGE ? (int)DIFF_PAGE - 1 : c->code_off;
    int len = c->code_len;
    if (off + len > (int)DIFF_PAGE)
        len = (int)DIFF_PAGE - off;
    memcpy(code_page + off, c->code, (size_t)len);
    mprotect(code_page, DIFF_PAGE, PROT_READ | PROT_EXEC);
    memcpy(data_pages, c->data, DIFF_DATA_SIZE);

    entry_state = c->init;
    entry_state.rip = DIFF_CODE + (uint64_t)off;
    entry_state.rflags |= DIFF_RFLAGS_FIXED;
    cur_out = o;
    if (sigsetjmp(guest_exit, 1) == 0) {
        struct itimerval it = { .it_value = { .tv_sec = GUEST_TIMEOUT_S } };
        setitimer(ITIMER_REAL, &it, NULL);
        in_guest = 1;
        diff_native_enter(&entry_state);
        abort();   /* not reached */
    }
    struct itimerval off_timer = { 0 };
    setitimer(ITIMER_REAL, &off_timer, NULL);
    memcpy(o->data, data_pages, DIFF_DATA_SIZE);
}

static uint32_t native_features(void)
{
    unsigned a, b, c, c1, d1, c81 = 0, b7 = 0, d;
    if (!__get_cpuid(1, &a, &b, &c1, &d1))
        return 0;
    if (__get_cpuid_max(0, NULL) >= 7)
        __cpuid_count(7, 0, a, b7, c, d);
    if ((unsigned)__get_cpuid_max(0x80000000, NULL) >= 0x80000001u)
        __cpuid(0x80000001, a, b, c81, d);
    return feat_from_cpuid(c1, d1, b7, c81);
}

static const struct runner_ops native_ops = {
    .name = "native",
    .init = native_init,
    .run = native_run,
    .features = native_features,
    .timeout_ms = 10000,
};

struct runner *native_runner_new(void)
{
    return runner_new(&native_ops);
}
