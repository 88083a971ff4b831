/* The "exec" source: figures from the output of a command run with /bin/sh -c. */
#include "source.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "util.h"

/* More output than this is not a list of figures but a runaway command. */
#define EXEC_STDOUT_MAX (1024 * 1024)
/* Only the first line of stderr goes into the error; the rest is read and dropped
 * so that the command never blocks on a full pipe. */
#define EXEC_STDERR_KEEP 4096
#define EXEC_TIMEOUT_DEFAULT_MS 10000

typedef struct {
    int fd;      /* -1 once at EOF */
    char *data;  /* what was kept */
    size_t len, cap;
    size_t keep; /* keep at most this many bytes */
    size_t total; /* bytes read, kept or not */
} capture_t;

/* Reads what is available on c->fd. Returns 0, or -1 with errno. */
static int capture_read(capture_t *c)
{
    char chunk[65536];
    ssize_t n = read(c->fd, chunk, sizeof chunk);
    if (n < 0)
        return errno == EINTR || errno == EAGAIN ? 0 : -1;
    if (n == 0) {
        close(c->fd);
        c->fd = -1;
        return 0;
    }
    c->total += (size_t)n;
    size_t take = (size_t)n;
    if (take > c->keep - c->len)
        take = c->keep - c->len;
    if (take == 0)
        return 0;
    if (c->len + take > c->cap) {
        size_t cap = c->cap ? c->cap : 16384;
        while (cap < c->len + take)
            cap *= 2;
        if (cap > c->keep)
            cap = c->keep;
        char *data = realloc(c->data, cap);
        if (!data) {
            errno = ENOMEM;
            return -1;
        }
        c->data = data;
        c->cap = cap;
    }
    memcpy(c->data + c->len, chunk, take);
    c->len += take;
    return 0;
}

/* The first line of stderr, printable ASCII only (it goes into a log line), into out. */
static const char *first_line(const capture_t *c, char *out, size_t outlen)
{
    size_t k = 0;
    for (size_t i = 0; i < c->len && k + 1 < outlen; i++) {
        unsigned char ch = (unsigned char)c->data[i];
        if (ch == '\n' || (ch == '\r' && (i + 1 == c->len || c->data[i + 1] == '\n')))
            break;
        out[k++] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
    }
    out[k] = '\0';
    return k ? out : "(nothing on stderr)";
}

/* Starts /bin/sh -c command as the leader of a new process group, stdin from
 * /dev/null, stdout and stderr into pipes. Returns 0 with *pid and the parent's
 * (non-blocking) read ends, or an errno value. */
static int spawn_shell(const char *command, pid_t *pid, int *out_fd, int *err_fd)
{
    int po[2] = {-1, -1}, pe[2] = {-1, -1};
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    bool fa_ok = false, attr_ok = false;
    int rc;

    if (pipe2(po, O_CLOEXEC) < 0 || pipe2(pe, O_CLOEXEC) < 0) {
        rc = errno;
        goto done;
    }
    if ((rc = posix_spawn_file_actions_init(&fa)) != 0)
        goto done;
    fa_ok = true;
    if ((rc = posix_spawnattr_init(&attr)) != 0)
        goto done;
    attr_ok = true;

    /* Its own group, so that a timeout kills whatever the shell started, too. */
    sigset_t none, dflt;
    sigemptyset(&none);
    sigemptyset(&dflt);
    /* An ignored signal stays ignored across exec; the command must not inherit
     * the daemon's SIG_IGN for SIGPIPE (or its other dispositions). */
    int reset[] = {SIGPIPE, SIGCHLD, SIGHUP, SIGINT, SIGQUIT, SIGTERM,
                   SIGALRM, SIGUSR1, SIGUSR2, SIGXFSZ, SIGTSTP, SIGTTIN, SIGTTOU};
    for (size_t i = 0; i < sizeof reset / sizeof reset[0]; i++)
        sigaddset(&dflt, reset[i]);
    if ((rc = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF |
                                                  POSIX_SPAWN_SETSIGMASK)) != 0 ||
        (rc = posix_spawnattr_setpgroup(&attr, 0)) != 0 ||
        (rc = posix_spawnattr_setsigdefault(&attr, &dflt)) != 0 ||
        (rc = posix_spawnattr_setsigmask(&attr, &none)) != 0)
        goto done;

    if ((rc = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0)) != 0 ||
        (rc = posix_spawn_file_actions_adddup2(&fa, po[1], 1)) != 0 ||
        (rc = posix_spawn_file_actions_adddup2(&fa, pe[1], 2)) != 0)
        goto done;
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    /* Descriptors the daemon opened without O_CLOEXEC stay ours. */
    if ((rc = posix_spawn_file_actions_addclosefrom_np(&fa, 3)) != 0)
        goto done;
#endif

    char *argv[] = {(char *)"sh", (char *)"-c", (char *)command, NULL};
    rc = posix_spawn(pid, "/bin/sh", &fa, &attr, argv, environ);

done:
    if (fa_ok)
        posix_spawn_file_actions_destroy(&fa);
    if (attr_ok)
        posix_spawnattr_destroy(&attr);
    if (po[1] >= 0)
        close(po[1]);
    if (pe[1] >= 0)
        close(pe[1]);
    if (rc != 0) {
        if (po[0] >= 0)
            close(po[0]);
        if (pe[0] >= 0)
            close(pe[0]);
        return rc;
    }
    fcntl(po[0], F_SETFL, fcntl(po[0], F_GETFL) | O_NONBLOCK);
    fcntl(pe[0], F_SETFL, fcntl(pe[0], F_GETFL) | O_NONBLOCK);
    *out_fd = po[0];
    *err_fd = pe[0];
    return 0;
}

typedef enum { RUN_DONE, RUN_TIMEOUT, RUN_TOO_BIG, RUN_FAILED } run_end_t;

/* Reads both pipes to EOF and waits for the shell to exit, all by the deadline.
 * Leaves the shell exited or running but never reaped (so its pid, which is also
 * the group's id, cannot be reused before the caller kills the group). */
static run_end_t collect(pid_t pid, capture_t *out, capture_t *errc, int64_t deadline,
                         int *saved_errno)
{
    while (out->fd >= 0 || errc->fd >= 0) {
        int64_t left = deadline - cchc_mono_ms();
        if (left <= 0)
            return RUN_TIMEOUT;
        struct pollfd pfd[2];
        capture_t *who[2];
        nfds_t n = 0;
        if (out->fd >= 0) {
            pfd[n] = (struct pollfd){.fd = out->fd, .events = POLLIN};
            who[n++] = out;
        }
        if (errc->fd >= 0) {
            pfd[n] = (struct pollfd){.fd = errc->fd, .events = POLLIN};
            who[n++] = errc;
        }
        int r = poll(pfd, n, left > INT_MAX ? INT_MAX : (int)left);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            *saved_errno = errno;
            return RUN_FAILED;
        }
        for (nfds_t i = 0; i < n; i++) {
            if (pfd[i].revents == 0)
                continue;
            if (capture_read(who[i]) < 0) {
                *saved_errno = errno;
                return RUN_FAILED;
            }
        }
        if (out->total > EXEC_STDOUT_MAX)
            return RUN_TOO_BIG;
    }

    /* Both pipes are closed, but the shell may still run (it closed them itself). */
    for (;;) {
        siginfo_t si;
        memset(&si, 0, sizeof si);
        if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0) {
            if (errno == EINTR)
                continue;
            *saved_errno = errno;
            return RUN_FAILED;
        }
        if (si.si_pid == pid)
            return RUN_DONE;
        int64_t left = deadline - cchc_mono_ms();
        if (left <= 0)
            return RUN_TIMEOUT;
        poll(NULL, 0, left < 10 ? (int)left : 10);
    }
}

static int exec_read(const cchc_source_conf_t *conf, cchc_figures_t *figs, char *err,
                     size_t errlen)
{
    const char *name = conf->name ? conf->name : "(unnamed)";
    if (!conf->command || !conf->command[0]) {
        cchc_errf(err, errlen, "source %s: no command set (command = a shell command expected)", name);
        return -1;
    }
    int64_t timeout = conf->timeout_ms > 0 ? conf->timeout_ms : EXEC_TIMEOUT_DEFAULT_MS;

    capture_t out = {.fd = -1, .keep = EXEC_STDOUT_MAX + 1};
    capture_t errc = {.fd = -1, .keep = EXEC_STDERR_KEEP};
    pid_t pid = -1;
    int rc = spawn_shell(conf->command, &pid, &out.fd, &errc.fd);
    if (rc != 0) {
        cchc_errf(err, errlen, "source %s: cannot start /bin/sh: %s", name, strerror(rc));
        return -1;
    }

    int saved_errno = 0;
    run_end_t end = collect(pid, &out, &errc, cchc_mono_ms() + timeout, &saved_errno);

    /* Whatever the end, the whole group goes: on a timeout or a runaway that is the
     * point, and after a normal exit it removes what the command left running in the
     * background, which on a site box nobody would notice for months. */
    kill(-pid, SIGKILL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (out.fd >= 0)
        close(out.fd);
    if (errc.fd >= 0)
        close(errc.fd);

    char line[256];
    rc = -1;
    switch (end) {
    case RUN_TIMEOUT:
        cchc_errf(err, errlen,
             "source %s: command timed out after %lld ms (killed; a faster command or a larger "
             "timeout expected)",
             name, (long long)timeout);
        break;
    case RUN_TOO_BIG:
        cchc_errf(err, errlen,
             "source %s: command wrote more than 1 MiB to stdout (killed; at most %d bytes of "
             "\"indicator value\" lines expected)",
             name, EXEC_STDOUT_MAX);
        break;
    case RUN_FAILED:
        cchc_errf(err, errlen, "source %s: reading the command's output: %s", name,
             strerror(saved_errno));
        break;
    case RUN_DONE:
        if (WIFSIGNALED(status)) {
            int sig = WTERMSIG(status);
            const char *abbrev = sigabbrev_np(sig);
            cchc_errf(err, errlen, "source %s: command killed by signal %d (SIG%s): %s", name, sig,
                 abbrev ? abbrev : "?", first_line(&errc, line, sizeof line));
        } else if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
            cchc_errf(err, errlen, "source %s: command exited with status %d: %s", name,
                 WEXITSTATUS(status), first_line(&errc, line, sizeof line));
        } else {
            char perr[512];
            if (cchc_parse_command_output(out.data, out.len, figs, perr, sizeof perr) < 0)
                cchc_errf(err, errlen, "source %s: command output: %s", name, perr);
            else
                rc = 0;
        }
        break;
    }
    free(out.data);
    free(errc.data);
    return rc;
}

const cchc_source_type_t cchc_source_exec = {
    .name = "exec",
    .read = exec_read,
};
