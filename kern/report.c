/* One line per check: "PASS name", "FAIL name: why", "SKIP name: why",
 * and on QEMU "XFAIL name: why" for a failure tests/KNOWN-DIFFERENCES.md
 * records; report_summary() prints "N passed, N failed" and exits. */
#include "kern.h"

static unsigned passed, failed, skipped, xfailed;

void report(const char *name, bool ok)
{
    if (ok) { passed++; printf("PASS %s\n", name); }
    else { failed++; printf("FAIL %s\n", name); }
}

static void vreport(bool ok, const char *name, const char *fmt, va_list ap)
{
    if (ok) {
        passed++;
        printf("PASS %s\n", name);
        return;
    }
    failed++;
    printf("FAIL %s: ", name);
    vprintf(fmt, ap);
    printf("\n");
}

void reportf(bool ok, const char *name, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(ok, name, fmt, ap);
    va_end(ap);
}

void report_skip(const char *name, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    skipped++;
    printf("SKIP %s: ", name);
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
}

/* On QEMU a failure of a check that KNOWN-DIFFERENCES.md lists is
 * expected (XFAIL); a pass there means QEMU changed and the record is
 * stale, which fails so that somebody updates it. Elsewhere (vtx) the
 * check is an ordinary one. */
void report_qemu_differs(bool ok, const char *name, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (on_qemu && !ok) {
        xfailed++;
        printf("XFAIL %s: QEMU differs, see KNOWN-DIFFERENCES.md (", name);
        vprintf(fmt, ap);
        printf(")\n");
    } else if (on_qemu) {
        failed++;
        printf("FAIL %s: QEMU now passes: remove it from KNOWN-DIFFERENCES.md\n", name);
    } else {
        vreport(ok, name, fmt, ap);
    }
    va_end(ap);
}

int report_summary(void)
{
    printf("%u passed, %u failed", passed, failed);
    if (skipped)
        printf(", %u skipped", skipped);
    if (xfailed)
        printf(", %u known QEMU differences", xfailed);
    printf("\n");
    kexit(failed ? 1 : 0);
}
