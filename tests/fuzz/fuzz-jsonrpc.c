/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: the JSON-RPC client's reader (helper/jsonrpc.c), fed
 * through its public entry, jsonrpc_call(), over a real Unix socket.
 *
 * Each input is what a server sends: it is written to the accepted end of
 * a connection, which is then shut down for writing, and jsonrpc_call()
 * reads it as the reply to its request (id 0).  Whatever the bytes, the
 * call must return (within its deadline) 0 with exactly one of result and
 * error, or an errno value with neither. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "deadline.h"
#include "jsonrpc.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char fuzz_dir[64];
static char fuzz_path[128];
static int fuzz_listener = -1;

static void
fuzz_cleanup(void)
{
    if (fuzz_listener >= 0) {
        close(fuzz_listener);
    }
    unlink(fuzz_path);
    rmdir(fuzz_dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    struct sockaddr_un sun;

    (void) argc;
    (void) argv;
    snprintf(fuzz_dir, sizeof fuzz_dir, "/tmp/fuzz-jsonrpc.XXXXXX");
    if (!mkdtemp(fuzz_dir)) {
        perror("mkdtemp");
        abort();
    }
    snprintf(fuzz_path, sizeof fuzz_path, "%s/sock", fuzz_dir);
    memset(&sun, 0, sizeof sun);
    sun.sun_family = AF_UNIX;
    snprintf(sun.sun_path, sizeof sun.sun_path, "%s", fuzz_path);
    fuzz_listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fuzz_listener < 0
        || bind(fuzz_listener, (struct sockaddr *) &sun, sizeof sun)
        || listen(fuzz_listener, 16)) {
        perror("listener");
        abort();
    }
    atexit(fuzz_cleanup);
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct jsonrpc_conn *conn;
    json_t *result, *error;
    size_t done = 0;
    int server, rc;
    int buf = 1 << 20;

    if (jsonrpc_open_unix(fuzz_path, deadline_after(1000), &conn)) {
        abort();
    }
    server = accept4(fuzz_listener, NULL, NULL, SOCK_CLOEXEC);
    if (server < 0) {
        abort();
    }
    /* Room for the whole input and for the client's answers to "echo"
     * requests in it, so that neither side blocks. */
    setsockopt(server, SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf);
    setsockopt(server, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
    fcntl(server, F_SETFL, O_NONBLOCK);
    while (done < size) {
        ssize_t n = write(server, data + done, size - done);

        if (n <= 0) {
            break;              /* Full: the rest is cut off. */
        }
        done += (size_t) n;
    }
    shutdown(server, SHUT_WR);

    rc = jsonrpc_call(conn, "echo", NULL, deadline_after(2000), &result,
                      &error);
    if (rc == 0) {
        if (!result == !error) {
            abort();            /* Exactly one of them. */
        }
    } else if (result || error || rc < 0) {
        abort();
    }
    json_decref(result);
    json_decref(error);
    jsonrpc_close(conn);
    close(server);
    return 0;
}
