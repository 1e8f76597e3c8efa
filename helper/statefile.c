/* SPDX-License-Identifier: Apache-2.0 */
#include "statefile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

/* Temporary names tried before giving up. */
#define STATEFILE_TRIES 8

/* Splits 'path' into its directory, opened in '*dirfdp', and its last
 * component in 'name'.  Returns 0 or a positive errno value. */
static int
statefile_open_dir(const char *path, int *dirfdp, char *name, size_t size)
{
    char dir[PATH_MAX];
    const char *slash = strrchr(path, '/');
    size_t dir_len = slash ? (size_t) (slash - path) : 0;

    *dirfdp = -1;
    if (!slash) {
        snprintf(dir, sizeof dir, ".");
    } else if (dir_len >= sizeof dir) {
        return ENAMETOOLONG;
    } else {
        memcpy(dir, path, dir_len);
        dir[dir_len] = '\0';
        if (!dir_len) {
            snprintf(dir, sizeof dir, "/");
        }
    }
    if (snprintf(name, size, "%s", slash ? slash + 1 : path) >= (int) size
        || !name[0]) {
        return ENAMETOOLONG;
    }
    *dirfdp = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    return *dirfdp < 0 ? errno : 0;
}

/* Writes all 'len' bytes of 'data' to 'fd'.  Returns 0 or an errno. */
static int
statefile_write_all(int fd, const char *data, size_t len)
{
    while (len) {
        ssize_t n = write(fd, data, len);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return n < 0 ? errno : EIO;
        }
        data += n;
        len -= (size_t) n;
    }
    return 0;
}

int
statefile_write(const char *path, const char *data, size_t len)
{
    char name[NAME_MAX + 1], tmp[NAME_MAX + 1];
    const char *step = "open the directory of";
    struct stat st;
    int dirfd, fd = -1, error;

    error = statefile_open_dir(path, &dirfd, name, sizeof name);
    if (!error && !fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW)
        && !S_ISREG(st.st_mode)) {
        /* Never replace what is not a plain file (a planted symlink, for
         * one): someone else's file, or a mistake to report. */
        close(dirfd);
        log_err("%s is %s, not a plain file: not writing it (remove it)",
                path, S_ISLNK(st.st_mode) ? "a symlink" : "something else");
        return S_ISLNK(st.st_mode) ? ELOOP : EEXIST;
    }
    if (!error) {
        int try;

        /* A name no one else uses: this process's, and a try count in case
         * a crashed process with the same pid left one behind. */
        step = "create a temporary file for";
        for (try = 0; try < STATEFILE_TRIES; try++) {
            if (snprintf(tmp, sizeof tmp, ".%s.%ld.%d.tmp", name,
                         (long) getpid(), try) >= (int) sizeof tmp) {
                error = ENAMETOOLONG;
                break;
            }
            fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW
                        | O_CLOEXEC, 0644);
            error = fd < 0 ? errno : 0;
            if (error != EEXIST) {
                break;
            }
        }
    }
    if (!error) {
        step = "write";
        error = statefile_write_all(fd, data, len);
        if (!error && fsync(fd)) {
            error = errno;
        }
        if (close(fd) && !error) {
            error = errno;
        }
        if (!error && renameat(dirfd, tmp, dirfd, name)) {
            step = "rename a temporary file onto";
            error = errno;
        }
        if (error) {
            unlinkat(dirfd, tmp, 0);
        } else if (fsync(dirfd)) {
            step = "sync the directory of";
            error = errno;
        }
    }
    if (dirfd >= 0) {
        close(dirfd);
    }
    if (error) {
        log_err("cannot %s %s: %s", step, path, strerror(error));
    }
    return error;
}

bool
statefile_rewrite(const char *path, const char *data, size_t len)
{
    struct stat st;
    bool done = false;
    int fd = open(path, O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

    if (fd < 0) {
        return false;
    }
    if (!fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_size >= 0
        && (size_t) st.st_size == len) {
        done = pwrite(fd, data, len, 0) == (ssize_t) len;
    }
    if (close(fd)) {
        done = false;
    }
    return done;
}

int
statefile_read(const char *path, char *buf, size_t size)
{
    size_t len = 0;
    int fd, error = 0;

    if (size) {
        buf[0] = '\0';
    }
    fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        return errno;
    }
    while (len + 1 < size) {
        ssize_t n = read(fd, buf + len, size - 1 - len);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            error = errno;
        }
        if (n <= 0) {
            break;
        }
        len += (size_t) n;
    }
    close(fd);
    if (size) {
        buf[len] = '\0';
    }
    return error;
}

int
statefile_remove(const char *path)
{
    if (unlink(path) && errno != ENOENT) {
        int error = errno;

        log_err("cannot remove %s: %s", path, strerror(error));
        return error;
    }
    return 0;
}
