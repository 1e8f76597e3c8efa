/* SPDX-License-Identifier: Apache-2.0 */
/* JSON-RPC 1.0 client for ovsdb-server.  See jsonrpc.h.
 *
 * Framing: ovsdb-server writes bare JSON texts back to back with no
 * delimiter.  Incoming bytes accumulate in a buffer; a small scanner, which
 * keeps its state between reads so that a message arriving byte by byte costs
 * linear time, finds the end of the first top-level object (honouring strings
 * and escapes), and only that span is handed to jansson.  Bytes after it stay
 * in the buffer for the next message.  (jansson's JSON_DISABLE_EOF_CHECK
 * reports the consumed length reliably on success, but a message cut inside
 * a string escape, a literal or a UTF-8 sequence is reported as an invalid
 * token rather than as premature end of input, so it cannot tell "incomplete"
 * from "garbage" by itself.) */
#include "jsonrpc.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "deadline.h"
#include "sock.h"

/* Largest message accepted, so that a peer sending garbage cannot make us
 * allocate without bound (jansson's tree of a message takes up to twenty
 * times its size).  What the helper asks of a remote peer (its server ID)
 * takes a few hundred bytes; what it asks of the local servers (status,
 * small selects) a few KiB. */
#define JSONRPC_MAX_REMOTE (64 * 1024)
#define JSONRPC_MAX_LOCAL (1024 * 1024)

/* Free buffer space guaranteed before each recv(), and growth step. */
#define JSONRPC_READ_CHUNK 65536

/* A connection to a JSON-RPC server. */
struct jsonrpc_conn {
    int fd;
    long long next_id;          /* Id of the next request. */
    int status;                 /* Sticky error: once set, calls fail. */
    size_t max_msg;             /* Largest message accepted. */
    json_t *pending;            /* Id of the request sent by jsonrpc_send()
                                 * whose reply is not collected yet. */

    /* Received bytes not yet consumed: buf[0..len).  */
    char *buf;
    size_t len;
    size_t cap;

    /* Scanner state for the message at the start of 'buf'. */
    size_t scan_pos;            /* Bytes of 'buf' already scanned. */
    size_t scan_start;          /* Offset of the message's first byte. */
    size_t depth;               /* Nesting depth; 0 before the first '{'. */
    bool in_string;
    bool escaped;
};

static int jsonrpc_wrap(int error, int fd, size_t max_msg,
                        struct jsonrpc_conn **connp);
static int send_all(struct jsonrpc_conn *, const char *data, size_t size,
                    long long deadline);
static int send_json(struct jsonrpc_conn *, const json_t *msg,
                     long long deadline);
static int recv_msg(struct jsonrpc_conn *, long long deadline,
                    json_t **msgp);
static int scan_msg(struct jsonrpc_conn *, size_t *endp);
static void consume(struct jsonrpc_conn *, size_t n);
static void drop_leading(struct jsonrpc_conn *);
static int fill_buf(struct jsonrpc_conn *, long long deadline);
static int handle_msg(struct jsonrpc_conn *, json_t *msg, const json_t *id,
                      long long deadline, json_t **resultp,
                      json_t **errorp, bool *donep);

int
jsonrpc_open_unix(const char *path, long long deadline,
                  struct jsonrpc_conn **connp)
{
    int fd;
    int error = sock_connect_unix(path, deadline, &fd);

    return jsonrpc_wrap(error, fd, JSONRPC_MAX_LOCAL, connp);
}

int
jsonrpc_open_tcp(const char *host, int port, long long deadline,
                 struct jsonrpc_conn **connp)
{
    int fd;
    int error = sock_connect_tcp(host, port, deadline, &fd);

    return jsonrpc_wrap(error, fd, JSONRPC_MAX_REMOTE, connp);
}

/* Closes and frees 'conn'.  See jsonrpc.h. */
void
jsonrpc_close(struct jsonrpc_conn *conn)
{
    if (!conn) {
        return;
    }
    if (conn->fd >= 0) {
        close(conn->fd);
    }
    json_decref(conn->pending);
    free(conn->buf);
    free(conn);
}

/* Sends a request and waits for its reply.  See jsonrpc.h. */
int
jsonrpc_call(struct jsonrpc_conn *conn, const char *method,
             json_t *params, long long deadline,
             json_t **resultp, json_t **errorp)
{
    int error;

    *resultp = NULL;
    *errorp = NULL;
    error = jsonrpc_send(conn, method, params, deadline);
    return error ? error : jsonrpc_wait(conn, deadline, resultp, errorp);
}

/* Sends a request without waiting for its reply.  See jsonrpc.h. */
int
jsonrpc_send(struct jsonrpc_conn *conn, const char *method, json_t *params,
             long long deadline)
{
    json_t *method_json = NULL;
    json_t *request = NULL;
    json_t *id = NULL;
    int error;

    if (!params) {
        params = json_array();
        if (!params) {
            return ENOMEM;
        }
    }
    if (!conn || !method || !json_is_array(params) || conn->pending) {
        json_decref(params);
        return EINVAL;
    }
    if (conn->status) {
        json_decref(params);
        return conn->status;
    }

    method_json = json_string(method);
    if (!method_json) {
        /* Not valid UTF-8 (or out of memory). */
        error = EINVAL;
        goto out;
    }
    id = json_integer(conn->next_id++);
    request = json_object();
    if (!id || !request
        || json_object_set(request, "id", id)
        || json_object_set(request, "method", method_json)
        || json_object_set(request, "params", params)) {
        error = ENOMEM;
        goto out;
    }

    error = send_json(conn, request, deadline);
    if (!error) {
        conn->pending = id;
        id = NULL;
    }

out:
    if (error && error != ETIMEDOUT && error != ENOMEM && error != EINVAL
        && !conn->status) {
        conn->status = error;
    }
    json_decref(request);
    json_decref(params);
    json_decref(method_json);
    json_decref(id);
    return error;
}

/* Waits for the reply to the request jsonrpc_send() sent.  See
 * jsonrpc.h. */
int
jsonrpc_wait(struct jsonrpc_conn *conn, long long deadline,
             json_t **resultp, json_t **errorp)
{
    json_t *id;
    int error;

    *resultp = NULL;
    *errorp = NULL;
    if (!conn || !conn->pending) {
        return EINVAL;
    }
    id = conn->pending;
    conn->pending = NULL;

    for (;;) {
        json_t *msg;
        bool done = false;

        error = recv_msg(conn, deadline, &msg);
        if (error) {
            break;
        }
        error = handle_msg(conn, msg, id, deadline, resultp, errorp, &done);
        json_decref(msg);
        if (error || done) {
            break;
        }
    }
    if (error && error != ETIMEDOUT && error != ENOMEM && error != EINVAL
        && !conn->status) {
        conn->status = error;
    }
    json_decref(id);
    return error;
}

/* Sends all 'size' bytes of 'data' on 'conn' before 'deadline'.  Returns 0
 * or a positive errno value.  If only part of the data was sent, marks the
 * connection as failed, since the stream is then out of sync. */
static int
send_all(struct jsonrpc_conn *conn, const char *data, size_t size,
         long long deadline)
{
    size_t sent = 0;
    int error = 0;

    while (sent < size) {
        ssize_t n = send(conn->fd, data + sent, size - sent, MSG_NOSIGNAL);

        if (n >= 0) {
            sent += (size_t) n;
            continue;
        }
        error = errno;
        if (error == EINTR) {
            continue;
        } else if (error == EAGAIN || error == EWOULDBLOCK) {
            error = sock_wait(conn->fd, POLLOUT, deadline);
            if (!error) {
                continue;
            }
        }
        if (error == EPIPE) {
            error = ECONNRESET;
        }
        break;
    }
    if (error && sent && !conn->status) {
        conn->status = error;
    }
    return error;
}

/* Serializes 'msg' and sends it on 'conn' before 'deadline'.  Returns 0 or a
 * positive errno value. */
static int
send_json(struct jsonrpc_conn *conn, const json_t *msg, long long deadline)
{
    char *text = json_dumps(msg, JSON_COMPACT | JSON_ENCODE_ANY);
    int error;

    if (!text) {
        return ENOMEM;
    }
    error = send_all(conn, text, strlen(text), deadline);
    free(text);
    return error;
}

/* Receives the next complete JSON message on 'conn' before 'deadline' and
 * stores it in '*msgp'.  Returns 0 or a positive errno value (with '*msgp'
 * set to NULL). */
static int
recv_msg(struct jsonrpc_conn *conn, long long deadline, json_t **msgp)
{
    *msgp = NULL;
    for (;;) {
        size_t end;
        int error;

        /* However fast the peer sends, the deadline holds. */
        if (deadline_expired(deadline)) {
            return ETIMEDOUT;
        }
        error = scan_msg(conn, &end);
        if (error) {
            return error;
        }
        if (end) {
            size_t start = conn->scan_start;
            json_error_t jerr;
            json_t *msg;

            msg = json_loadb(conn->buf + start, end - start, 0, &jerr);
            consume(conn, end);
            if (!msg) {
                return EPROTO;
            }
            *msgp = msg;
            return 0;
        }

        error = fill_buf(conn, deadline);
        if (error) {
            return error;
        }
    }
}

/* Scans the not yet scanned bytes of 'conn''s buffer for the end of the
 * top-level JSON object that starts the buffer (after optional whitespace).
 * Stores in '*endp' the offset just past that object, or 0 if it is not
 * complete yet.  Returns 0, or EPROTO if the buffer does not start with an
 * object. */
static int
scan_msg(struct jsonrpc_conn *conn, size_t *endp)
{
    size_t i;

    *endp = 0;
    for (i = conn->scan_pos; i < conn->len; i++) {
        char c = conn->buf[i];

        if (!conn->depth) {
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                continue;
            } else if (c != '{') {
                conn->scan_pos = i;
                return EPROTO;
            }
            conn->scan_start = i;
            conn->depth = 1;
        } else if (conn->in_string) {
            if (conn->escaped) {
                conn->escaped = false;
            } else if (c == '\\') {
                conn->escaped = true;
            } else if (c == '"') {
                conn->in_string = false;
            }
        } else if (c == '"') {
            conn->in_string = true;
        } else if (c == '{' || c == '[') {
            conn->depth++;
        } else if (c == '}' || c == ']') {
            if (!--conn->depth) {
                *endp = i + 1;
                conn->scan_pos = i + 1;
                return 0;
            }
        }
    }
    conn->scan_pos = i;
    return 0;
}

/* Drops the first 'n' bytes of 'conn''s buffer, which must end a message,
 * and resets the scanner for the next one. */
static void
consume(struct jsonrpc_conn *conn, size_t n)
{
    memmove(conn->buf, conn->buf + n, conn->len - n);
    conn->len -= n;
    conn->scan_pos = 0;
    conn->scan_start = 0;
    conn->depth = 0;
    conn->in_string = false;
    conn->escaped = false;
}

/* Drops the whitespace that precedes the pending message in 'conn''s buffer,
 * keeping the scanner's progress within the message. */
static void
drop_leading(struct jsonrpc_conn *conn)
{
    size_t n = conn->depth ? conn->scan_start : conn->scan_pos;

    if (n) {
        memmove(conn->buf, conn->buf + n, conn->len - n);
        conn->len -= n;
        conn->scan_pos -= n;
        conn->scan_start = 0;
    }
}

/* Reads more bytes from 'conn''s socket into its buffer, waiting until
 * 'deadline' for them.  Returns 0 or a positive errno value: ECONNRESET at
 * end of stream, EMSGSIZE if the pending message reaches the limit. */
static int
fill_buf(struct jsonrpc_conn *conn, long long deadline)
{
    drop_leading(conn);
    if (conn->len >= conn->max_msg) {
        return EMSGSIZE;
    }
    if (conn->cap - conn->len < JSONRPC_READ_CHUNK) {
        size_t cap = conn->len + JSONRPC_READ_CHUNK;
        char *buf;

        if (cap < conn->cap * 2) {
            cap = conn->cap * 2;
        }
        if (cap > conn->max_msg + JSONRPC_READ_CHUNK) {
            /* Never read far past the limit, however fast the peer. */
            cap = conn->max_msg + JSONRPC_READ_CHUNK;
        }
        buf = realloc(conn->buf, cap);
        if (!buf) {
            return ENOMEM;
        }
        conn->buf = buf;
        conn->cap = cap;
    }

    for (;;) {
        ssize_t n = recv(conn->fd, conn->buf + conn->len,
                         conn->cap - conn->len, 0);
        int error;

        if (n > 0) {
            conn->len += (size_t) n;
            return 0;
        } else if (!n) {
            return ECONNRESET;
        }
        error = errno;
        if (error == EINTR) {
            continue;
        } else if (error == EAGAIN || error == EWOULDBLOCK) {
            error = sock_wait(conn->fd, POLLIN, deadline);
            if (!error) {
                continue;
            }
        }
        return error;
    }
}

/* Processes 'msg', received on 'conn' while waiting for the reply to the
 * request with id 'id'.  If it is that reply, stores its result or error in
 * '*resultp' or '*errorp' and sets '*donep' to true.  Answers "echo"
 * requests; skips notifications, other requests and other replies.  Returns
 * 0 or a positive errno value (EPROTO for a malformed message). */
static int
handle_msg(struct jsonrpc_conn *conn, json_t *msg, const json_t *id,
           long long deadline, json_t **resultp, json_t **errorp,
           bool *donep)
{
    json_t *msg_id;
    json_t *method;
    json_t *result;
    json_t *error;

    *donep = false;
    if (!json_is_object(msg)) {
        return EPROTO;
    }
    msg_id = json_object_get(msg, "id");
    method = json_object_get(msg, "method");

    if (method) {
        json_t *params = json_object_get(msg, "params");
        json_t *reply;
        int retval;

        if (!json_is_string(method)) {
            return EPROTO;
        }
        if (!msg_id || json_is_null(msg_id)
            || strcmp(json_string_value(method), "echo")) {
            /* A notification, or a request we do not serve. */
            return 0;
        }
        reply = json_object();
        if (!reply
            || json_object_set(reply, "id", msg_id)
            || json_object_set_new(reply, "result",
                                   params ? json_incref(params)
                                   : json_array())
            || json_object_set_new(reply, "error", json_null())) {
            json_decref(reply);
            return ENOMEM;
        }
        retval = send_json(conn, reply, deadline);
        json_decref(reply);
        return retval;
    }

    if (!msg_id || !json_equal(msg_id, id)) {
        /* A reply to some other request. */
        return 0;
    }

    result = json_object_get(msg, "result");
    error = json_object_get(msg, "error");
    if (error && !json_is_null(error)) {
        *errorp = json_incref(error);
    } else if (result && !json_is_null(result)) {
        *resultp = json_incref(result);
    } else {
        return EPROTO;
    }
    *donep = true;
    return 0;
}

/* Wraps the connected socket 'fd' (if 'error' is 0) in a new connection
 * stored in '*connp'.  Returns 'error', or ENOMEM. */
static int
jsonrpc_wrap(int error, int fd, size_t max_msg, struct jsonrpc_conn **connp)
{
    struct jsonrpc_conn *conn;

    *connp = NULL;
    if (error) {
        return error;
    }
    conn = calloc(1, sizeof *conn);
    if (!conn) {
        close(fd);
        return ENOMEM;
    }
    conn->fd = fd;
    conn->max_msg = max_msg;
    *connp = conn;
    return 0;
}
