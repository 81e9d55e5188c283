/* Raising exceptions: unwind to the instruction boundary, and the rules
 * for an exception raised while another is being delivered — SDM Vol. 3A
 * "Interrupt 8—Double Fault Exception (#DF)", table "Conditions for
 * Generating a Double Fault". */
#include <stdio.h>

#include "cpu.h"
#include "exec.h"
#include "intr.h"
#include "machine/machine.h"

static const char *const exc_names[32] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "#09",
    "#TS", "#NP", "#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM",
    "#VE", "#CP", "#22", "#23", "#24", "#25", "#26", "#27", "#28", "#29",
    "#30", "#31",
};

const char *exc_name(int v)
{
    return v >= 0 && v < 32 ? exc_names[v] : "INTR";
}

static bool contributory(int v)
{
    return v == EXC_DE || v == EXC_TS || v == EXC_NP || v == EXC_SS || v == EXC_GP;
}

_Noreturn void cpu_fault(struct cpu *c, int vector, uint32_t error)
{
    bool has_err = exc_has_error_code(vector);
    if (c->stop_on_exception) {
        /* RFLAGS as the handler's frame would hold it: RF = 1 for faults
         * (SDM "Instruction-Breakpoint Exception Condition"). */
        if (!c->stop_is_trap)
            c->rflags |= RFLAGS_RF;
        c->stop_is_trap = false;
        c->stopped_vector = vector;
        c->stopped_error = has_err ? error : 0;
        c->exc_vector = vector;
        c->exc_error = error;
        c->exc_has_error = has_err;
        longjmp(c->unwind, 1);
    }
    int first = c->delivering;
    if (first >= 0) {
        /* A fault while delivering `first`. */
        if (c->exc_chain_len < 3)
            c->exc_chain[c->exc_chain_len++] = vector;
        bool first_pf = first == EXC_PF;
        bool second_bad = contributory(vector) || vector == EXC_PF;
        if (first == EXC_DF && second_bad) {
            c->triple = true;
            c->delivering = -1;
            longjmp(c->unwind, 1);
        }
        if ((contributory(first) && contributory(vector)) || (first_pf && second_bad)) {
            vector = EXC_DF;
            error = 0;
            has_err = true;
        }
    } else {
        c->exc_chain[0] = vector;
        c->exc_chain_len = 1;
    }
    c->delivering = -1;
    c->exc_vector = vector;
    c->exc_error = error;
    c->exc_has_error = has_err;
    longjmp(c->unwind, 1);
}

_Noreturn void cpu_fault_noerr(struct cpu *c, int vector)
{
    cpu_fault(c, vector, 0);
}

/* Deliver the exception that cpu_fault recorded (called from cpu_run after
 * the unwind). A fault inside delivery comes back through cpu_fault. */
void cpu_deliver_pending(struct cpu *c)
{
    int v = c->exc_vector;
    c->exc_vector = -1;
    if (c->debug & DBG_EXC)
        fprintf(machine_trace(c->m), "vtx: cpu%d %s error %#x at rip %#llx\n", c->index, exc_name(v),
                c->exc_error, (unsigned long long)c->rip);
    /* A trap-class exception raised by an instruction (e.g. single step)
     * sets its return RIP before calling cpu_fault; faults return to the
     * faulting instruction, which is still c->rip. */
    c->delivering = v;
    cpu_deliver_event(c, v, EV_EXCEPTION, c->exc_has_error, c->exc_error, c->rip);
    c->delivering = -1;
    c->exc_chain_len = 0;
}

/* The three faults: the first, the one raised while delivering it (which
 * made a double fault), and the one raised while delivering the #DF. */
void cpu_report_triple(struct cpu *c)
{
    const char *f[3] = { "?", "?", "?" };
    for (int k = 0; k < c->exc_chain_len && k < 3; k++)
        f[k] = exc_name(c->exc_chain[k]);
    fprintf(stderr, "vtx: triple fault at rip %#llx: %s, then %s while delivering it "
            "(double fault), then %s while delivering the #DF; machine shut down\n",
            (unsigned long long)c->rip, f[0], f[1], f[2]);
}

/* Run until `until` instructions or a stop. Faults longjmp back here, to
 * the instruction boundary, and are delivered before the loop goes on. */
enum cpu_stop cpu_run(struct cpu *c, uint64_t until)
{
    c->last_block = NULL;
    if (setjmp(c->unwind)) {
        c->last_block = NULL;
        /* An instruction that faults did not complete: the data
         * breakpoints it hit are not reported. */
        c->db_trap = false;
        c->db_hits = 0;
        if (c->stop_on_exception && c->exc_vector >= 0) {
            c->exc_vector = -1;
            return STOP_EXCEPTION;
        }
        if (c->triple) {
            cpu_report_triple(c);
            return STOP_TRIPLE;
        }
        if (c->exc_vector >= 0)
            cpu_deliver_pending(c);
    }
    return cpu_run_loop(c, until);
}
