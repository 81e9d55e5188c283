/* Worker processes for the runners (runner.h). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runner.h"

enum { CMD_RUN, CMD_FEATURES };

struct runner *runner_new(const struct runner_ops *ops)
{
    struct runner *rn = calloc(1, sizeof *rn);
    if (!rn)
        return NULL;
    rn->ops = ops;
    rn->shm = mmap(NULL, sizeof *rn->shm, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (rn->shm == MAP_FAILED) {
        free(rn);
        return NULL;
    }
    rn->req = rn->resp = -1;
    signal(SIGPIPE, SIG_IGN);
    return rn;
}

static void worker_main(struct runner *rn, int req, int resp)
{
    struct runner_shm *s = rn->shm;
    s->init_failed = rn->ops->init(s->init_err, sizeof s->init_err) != 0;
    for (;;) {
        char ch;
        ssize_t k = read(req, &ch, 1);
        if (k <= 0)
            _exit(0);
        if (s->cmd == CMD_RUN) {
            if (s->init_failed) {
                memset(&s->out, 0, sizeof s->out);
                s->out.kind = OUT_SETUP;
                snprintf(s->out.msg, sizeof s->out.msg, "%s", s->init_err);
            } else {
                rn->ops->run(&s->in, &s->out);
            }
        } else {
            s->feat = s->init_failed ? 0 : rn->ops->features();
        }
        if (write(resp, &ch, 1) != 1)
            _exit(0);
    }
}

static int runner_start(struct runner *rn)
{
    int a[2], b[2];
    if (pipe(a) || pipe(b))
        return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        /* Keep only our own pipe ends: other runners' pipes inherited here
         * would keep their workers from seeing end-of-file. */
        for (int fd = 3; fd < 1024; fd++)
            if (fd != a[0] && fd != b[1])
                close(fd);
        worker_main(rn, a[0], b[1]);
        _exit(0);
    }
    close(a[0]);
    close(b[1]);
    rn->pid = pid;
    rn->req = a[1];
    rn->resp = b[0];
    return 0;
}

static void runner_stop(struct runner *rn, bool kill_it)
{
    if (rn->pid > 0) {
        if (kill_it)
            kill(rn->pid, SIGKILL);
        close(rn->req);
        close(rn->resp);
        waitpid(rn->pid, NULL, 0);
    }
    rn->pid = 0;
    rn->req = rn->resp = -1;
}

/* Sends a command; 0 when the worker answered, else fills an outcome
 * describing why not. */
static int runner_call(struct runner *rn, int cmd, struct doutcome *o)
{
    if (rn->pid <= 0 && runner_start(rn) < 0) {
        o->kind = OUT_SETUP;
        snprintf(o->msg, sizeof o->msg, "%s: cannot start worker: %s", rn->ops->name, strerror(errno));
        return -1;
    }
    rn->shm->cmd = cmd;
    char ch = 'x';
    if (write(rn->req, &ch, 1) != 1)
        goto died;
    struct pollfd p = { .fd = rn->resp, .events = POLLIN };
    int k;
    do
        k = poll(&p, 1, rn->ops->timeout_ms);
    while (k < 0 && errno == EINTR);
    if (k == 0) {
        runner_stop(rn, true);
        rn->restarts++;
        o->kind = OUT_TIMEOUT;
        snprintf(o->msg, sizeof o->msg, "%s worker did not answer in %d ms (killed)",
                 rn->ops->name, rn->ops->timeout_ms);
        return -1;
    }
    if (read(rn->resp, &ch, 1) == 1)
        return 0;
died:;
    int st = 0;
    close(rn->req);
    close(rn->resp);
    waitpid(rn->pid, &st, 0);
    rn->pid = 0;
    rn->restarts++;
    o->kind = OUT_CRASH;
    if (WIFSIGNALED(st))
        snprintf(o->msg, sizeof o->msg, "%s worker died: signal %d (%s)", rn->ops->name,
                 WTERMSIG(st), strsignal(WTERMSIG(st)));
    else
        snprintf(o->msg, sizeof o->msg, "%s worker exited with status %d", rn->ops->name,
                 WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    return -1;
}

void runner_run(struct runner *rn, const struct dcase *c, struct doutcome *o)
{
    rn->shm->in = *c;
    memset(&rn->shm->out, 0, offsetof(struct doutcome, data));
    memset(o, 0, offsetof(struct doutcome, data));
    if (runner_call(rn, CMD_RUN, o) == 0)
        *o = rn->shm->out;
}

uint32_t runner_features(struct runner *rn)
{
    struct doutcome o;
    if (runner_call(rn, CMD_FEATURES, &o) != 0)
        return 0;
    return rn->shm->feat;
}

void runner_free(struct runner *rn)
{
    if (!rn)
        return;
    runner_stop(rn, true);
    munmap(rn->shm, sizeof *rn->shm);
    free(rn);
}
