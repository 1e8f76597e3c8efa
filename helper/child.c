/* SPDX-License-Identifier: Apache-2.0 */
#include "child.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <dirent.h>
#include <unistd.h>

#include "deadline.h"

extern char **environ;

/* Output kept per stream; anything beyond is dropped.  Also the most read
 * from a stream once the program has exited (what a daemon it left behind
 * keeps writing is not drained without end). */
#define CHILD_MAX_OUTPUT (1024 * 1024)

/* glibc >= 2.34 closes descriptors in the child itself (close_range(),
 * falling back to closing each open one). */
#if defined(__GLIBC__) && defined(__GLIBC_PREREQ)
#if __GLIBC_PREREQ(2, 34)
#define CHILD_HAVE_CLOSEFROM 1
#endif
#endif

struct child_buf {
    char *data;
    size_t len;
};

static int child_pidfd(pid_t);
static size_t child_read(int *fd, struct child_buf *);
static void child_drain(int *fd, struct child_buf *, long long deadline);
static int child_status(int wstatus);
static void child_buf_finish(struct child_buf *, char **);
static void child_sigchld_default(void);
static void child_cloexec_from(int first);
static int child_spawn(pid_t *, const char *const argv[], bool path,
                       posix_spawn_file_actions_t *, short flags);

struct child {
    pid_t pid;                  /* Also its process group. */
    int out_fd, err_fd, pidfd;
    struct child_buf out, err;
};

void
child_init(void)
{
    child_sigchld_default();
    child_cloexec_from(3);
}

int
child_start(const char *const argv[], struct child **cp)
{
    posix_spawn_file_actions_t fa;
    int outp[2] = { -1, -1 }, errp[2] = { -1, -1 };
    struct child *c;
    int error;

    *cp = NULL;
    c = calloc(1, sizeof *c);
    if (!c) {
        return ENOMEM;
    }
    if (pipe2(outp, O_CLOEXEC) || pipe2(errp, O_CLOEXEC)) {
        error = errno;
        goto fail;
    }
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, outp[1], 1);
    posix_spawn_file_actions_adddup2(&fa, errp[1], 2);
    error = child_spawn(&c->pid, argv, true, &fa, POSIX_SPAWN_SETPGROUP);
    posix_spawn_file_actions_destroy(&fa);
    close(outp[1]);
    close(errp[1]);
    outp[1] = errp[1] = -1;
    if (error) {
        goto fail;
    }
    fcntl(outp[0], F_SETFL, O_NONBLOCK);
    fcntl(errp[0], F_SETFL, O_NONBLOCK);
    c->out_fd = outp[0];
    c->err_fd = errp[0];
    c->pidfd = child_pidfd(c->pid);
    *cp = c;
    return 0;

fail:
    for (int i = 0; i < 2; i++) {
        if (outp[i] >= 0) {
            close(outp[i]);
        }
        if (errp[i] >= 0) {
            close(errp[i]);
        }
    }
    free(c);
    return error;
}

int
child_finish(struct child *c, long long deadline,
             struct child_result *result)
{
    int wstatus = 0, error;
    bool exited = false, lost = false;

    memset(result, 0, sizeof *result);
    if (!c) {
        return EINVAL;
    }
    while (!exited) {
        struct pollfd pfd[3] = {
            { .fd = c->out_fd, .events = POLLIN },
            { .fd = c->err_fd, .events = POLLIN },
            { .fd = c->pidfd, .events = POLLIN },
        };
        int timeout = deadline_left(deadline);
        pid_t pid = waitpid(c->pid, &wstatus, WNOHANG);

        if (pid == c->pid) {
            exited = true;
            break;
        }
        if (pid < 0 && errno == ECHILD) {
            /* Reaped behind our back (SIGCHLD ignored, which child_init()
             * undoes): the status is lost.  Do not wait for nothing. */
            lost = true;
            break;
        }
        if (timeout == 0) {
            break;
        }
        if (c->pidfd < 0 && timeout > 5) {
            timeout = 5;        /* No pidfd: check the child every 5 ms. */
        }
        if (poll(pfd, 3, timeout) < 0 && errno != EINTR) {
            break;
        }
        if (pfd[0].revents) {
            child_read(&c->out_fd, &c->out);
        }
        if (pfd[1].revents) {
            child_read(&c->err_fd, &c->err);
        }
    }
    if (lost) {
        /* Its group may live on: it is still ours to kill (the pid
         * itself may already belong to another process). */
        kill(-c->pid, SIGKILL);
        error = ECHILD;
    } else if (!exited) {
        /* The whole group: what the program started dies with it. */
        kill(-c->pid, SIGKILL);
        kill(c->pid, SIGKILL);      /* Not reaped yet: still ours. */
        while (waitpid(c->pid, &wstatus, 0) < 0 && errno == EINTR) {
            continue;
        }
        error = ETIMEDOUT;
    } else {
        /* Take what is already in the pipes, but do not wait for EOF: a
         * daemon may still hold them, and may still be writing. */
        child_drain(&c->out_fd, &c->out, deadline);
        child_drain(&c->err_fd, &c->err, deadline);
        result->status = child_status(wstatus);
        child_buf_finish(&c->out, &result->out);
        child_buf_finish(&c->err, &result->err);
        error = 0;
    }

    free(c->out.data);
    free(c->err.data);
    if (c->out_fd >= 0) {
        close(c->out_fd);
    }
    if (c->err_fd >= 0) {
        close(c->err_fd);
    }
    if (c->pidfd >= 0) {
        close(c->pidfd);
    }
    free(c);
    return error;
}

int
child_run(const char *const argv[], long long deadline,
          struct child_result *result)
{
    struct child *c;
    int error;

    memset(result, 0, sizeof *result);
    error = child_start(argv, &c);
    return error ? error : child_finish(c, deadline, result);
}

void
child_result_free(struct child_result *result)
{
    free(result->out);
    free(result->err);
    result->out = result->err = NULL;
}

char *
child_result_line(const struct child_result *result, char *buf, size_t size)
{
    const char *text = result->err && result->err[0] ? result->err
                       : result->out ? result->out : "";
    const char *end = text + strlen(text);
    const char *start;
    size_t len;

    if (size == 0) {
        return buf;
    }

    while (end > text && (end[-1] == '\n' || end[-1] == ' ')) {
        end--;
    }
    start = end;
    while (start > text && start[-1] != '\n') {
        start--;
    }
    len = end - start;
    if (len >= size) {
        len = size - 1;
    }
    memcpy(buf, start, len);
    buf[len] = '\0';
    return buf;
}

static int
child_pidfd(pid_t pid)
{
#ifdef SYS_pidfd_open
    long fd = syscall(SYS_pidfd_open, pid, 0);

    if (fd >= 0) {
        fcntl((int) fd, F_SETFD, FD_CLOEXEC);
        return (int) fd;
    }
#else
    (void) pid;
#endif
    return -1;
}

/* Reads what is available on '*fd' (one read) into 'buf'.  Closes '*fd'
 * and sets it to -1 at EOF or on error.  Returns the number of bytes read
 * (0 if none). */
static size_t
child_read(int *fd, struct child_buf *buf)
{
    char chunk[4096];
    ssize_t n;

    if (*fd < 0) {
        return 0;
    }
    n = read(*fd, chunk, sizeof chunk);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        return 0;
    }
    if (n <= 0) {
        close(*fd);
        *fd = -1;
        return 0;
    }
    if (buf->len + n <= CHILD_MAX_OUTPUT) {
        char *p = realloc(buf->data, buf->len + n + 1);

        if (p) {
            buf->data = p;
            memcpy(buf->data + buf->len, chunk, n);
            buf->len += n;
            buf->data[buf->len] = '\0';
        }
    }
    return (size_t) n;
}

/* Reads what is already in '*fd' after the program exited: until the pipe
 * is empty, but never more than CHILD_MAX_OUTPUT bytes nor past 'deadline'
 * (after a first read). */
static void
child_drain(int *fd, struct child_buf *buf, long long deadline)
{
    size_t taken = 0;

    for (;;) {
        size_t n = child_read(fd, buf);

        if (!n) {
            break;
        }
        taken += n;
        if (taken >= CHILD_MAX_OUTPUT || deadline_expired(deadline)) {
            break;
        }
    }
}

static int
child_status(int wstatus)
{
    if (WIFEXITED(wstatus)) {
        return WEXITSTATUS(wstatus);
    }
    if (WIFSIGNALED(wstatus)) {
        return 128 + WTERMSIG(wstatus);
    }
    return 255;
}

static void
child_buf_finish(struct child_buf *buf, char **dst)
{
    *dst = buf->data ? buf->data : strdup("");
    buf->data = NULL;
    buf->len = 0;
}

int
child_spawn_detached(const char *const argv[])
{
    posix_spawn_file_actions_t fa;
    pid_t pid;
    int error;

    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    error = child_spawn(&pid, argv, false, &fa, POSIX_SPAWN_SETSID);
    posix_spawn_file_actions_destroy(&fa);
    return error;
}

bool
child_in_path(const char *name)
{
    const char *path = getenv("PATH");
    char file[PATH_MAX];

    if (!path) {
        path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    }
    while (*path) {
        size_t len = strcspn(path, ":");

        snprintf(file, sizeof file, "%.*s/%s", (int) len, path, name);
        if (len && !access(file, X_OK)) {
            return true;
        }
        path += len + (path[len] == ':');
    }
    return false;
}

/* Spawns 'argv' (looked up in PATH if 'path') with the file actions 'fa'
 * and the extra attribute 'flags' (a new process group or session), with
 * every signal at its default disposition and none blocked, and no
 * descriptor beyond 0, 1 and 2. */
static int
child_spawn(pid_t *pidp, const char *const argv[], bool path,
            posix_spawn_file_actions_t *fa, short flags)
{
    posix_spawnattr_t attr;
    sigset_t all, none;
    int error;

    child_sigchld_default();
#ifdef CHILD_HAVE_CLOSEFROM
    posix_spawn_file_actions_addclosefrom_np(fa, 3);
#else
    child_cloexec_from(3);
#endif
    sigfillset(&all);
    sigdelset(&all, SIGKILL);
    sigdelset(&all, SIGSTOP);
    sigemptyset(&none);
    posix_spawnattr_init(&attr);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setsigmask(&attr, &none);
    if (flags & POSIX_SPAWN_SETPGROUP) {
        posix_spawnattr_setpgroup(&attr, 0);
    }
    posix_spawnattr_setflags(&attr, flags | POSIX_SPAWN_SETSIGDEF
                             | POSIX_SPAWN_SETSIGMASK);
    error = (path ? posix_spawnp : posix_spawn)(pidp, argv[0], fa, &attr,
                                                (char *const *) argv,
                                                environ);
    posix_spawnattr_destroy(&attr);
    return error;
}

/* With SIGCHLD ignored (inherited from a parent that ignores it), the
 * kernel reaps children at once and waitpid() can never see them exit. */
static void
child_sigchld_default(void)
{
    struct sigaction sa;

    if (!sigaction(SIGCHLD, NULL, &sa) && sa.sa_handler == SIG_IGN) {
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = SIG_DFL;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGCHLD, &sa, NULL);
    }
}

/* Marks every descriptor from 'first' up close-on-exec, so that none that
 * this process inherited reaches the programs it runs: close_range() if
 * the kernel has it (5.11), else each descriptor in /proc/self/fd. */
static void
child_cloexec_from(int first)
{
    DIR *d;
    struct dirent *de;

#if defined(SYS_close_range) && defined(CLOSE_RANGE_CLOEXEC)
    if (!syscall(SYS_close_range, (unsigned int) first, ~0U,
                 CLOSE_RANGE_CLOEXEC)) {
        return;
    }
#endif
    d = opendir("/proc/self/fd");
    if (!d) {
        return;
    }
    for (de = readdir(d); de; de = readdir(d)) {
        char *end;
        long fd = strtol(de->d_name, &end, 10);

        if (*end || end == de->d_name || fd < first || fd == dirfd(d)) {
            continue;
        }
        fcntl((int) fd, F_SETFD, fcntl((int) fd, F_GETFD) | FD_CLOEXEC);
    }
    closedir(d);
}
