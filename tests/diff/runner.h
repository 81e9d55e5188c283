/* A runner executes cases in a forked worker process, so that a guest
 * sequence (native side) or an emulator bug (vtx side) that crashes or hangs
 * costs one outcome, not the whole test run. Parent and worker share one
 * request/result area; a byte on a pipe says "go" and "done". */
#ifndef DIFF_RUNNER_H
#define DIFF_RUNNER_H

#include <sys/types.h>

#include "diff.h"

struct runner_ops {
    const char *name;
    /* In the worker: set up once; return 0, or -1 with a reason in err. */
    int (*init)(char *err, size_t errlen);
    /* In the worker: run one case. */
    void (*run)(const struct dcase *c, struct doutcome *o);
    /* In the worker: CPUID-derived FEAT_* bits. */
    uint32_t (*features)(void);
    int timeout_ms;
};

struct runner_shm {
    int cmd;
    uint32_t feat;
    int init_failed;
    char init_err[160];
    struct dcase in;
    struct doutcome out;
};

struct runner {
    const struct runner_ops *ops;
    pid_t pid;
    int req, resp;           /* parent's pipe ends */
    struct runner_shm *shm;
    int restarts;
};

struct runner *runner_new(const struct runner_ops *ops);

#endif
