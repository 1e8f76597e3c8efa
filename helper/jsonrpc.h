/* SPDX-License-Identifier: Apache-2.0 */
/* JSON-RPC 1.0 client for ovsdb-server.
 *
 * Talks to ovsdb-server's sockets (the unixctl control socket, through
 * unixctl.h, and the OVSDB client sockets, unix or tcp) with the framing it
 * uses: bare JSON texts,
 * one after another, no delimiter.  Every call is bounded by an absolute
 * deadline (see deadline.h); while waiting for a reply the client skips
 * notifications and answers the server's "echo" requests. */
#ifndef JSONRPC_H
#define JSONRPC_H 1

#include <jansson.h>
#include <stddef.h>

struct jsonrpc_conn;

/* Connects to the Unix stream socket at 'path' before 'deadline'.  On success
 * stores a new connection in '*connp' and returns 0; otherwise stores NULL and
 * returns a positive errno value (ETIMEDOUT if the deadline passed). */
int jsonrpc_open_unix(const char *path, long long deadline,
                      struct jsonrpc_conn **connp);

/* Connects over TCP to 'host' (an IPv4 or IPv6 literal, without brackets) on
 * 'port' before 'deadline'.  Same conventions as jsonrpc_open_unix(). */
int jsonrpc_open_tcp(const char *host, int port, long long deadline,
                     struct jsonrpc_conn **connp);

/* Closes 'conn' and frees it.  Accepts NULL. */
void jsonrpc_close(struct jsonrpc_conn *conn);

/* Sends the request {"id":N,"method":'method',"params":'params'} on 'conn'
 * and waits, until 'deadline', for the reply with the same id.  Takes
 * ownership of 'params' (a JSON array; NULL means []).
 *
 * On success returns 0 and sets exactly one of '*resultp' (the reply's
 * non-null "result") and '*errorp' (the reply's non-null "error"); the caller
 * owns it and must json_decref() it.  On failure returns a positive errno
 * value (ETIMEDOUT, EPROTO for a malformed reply or garbage on the socket,
 * EMSGSIZE for a message over the connection's limit, ECONNRESET if the
 * server closed the connection, or an I/O errno) and sets both to NULL.
 * The limit is 1 MiB on a Unix socket (the local servers) and 64 KiB over
 * TCP (a remote peer): what any peer sends costs a bounded amount of
 * memory, and the deadline holds however fast it sends. */
int jsonrpc_call(struct jsonrpc_conn *conn, const char *method,
                 json_t *params, long long deadline,
                 json_t **resultp, json_t **errorp);

/* The two halves of jsonrpc_call(), to have requests to several servers
 * under way at once: jsonrpc_send() sends the request (taking ownership of
 * 'params') without waiting; jsonrpc_wait() then waits for its reply, with
 * jsonrpc_call()'s conventions.  One request may be outstanding per
 * connection (EINVAL otherwise). */
int jsonrpc_send(struct jsonrpc_conn *conn, const char *method,
                 json_t *params, long long deadline);
int jsonrpc_wait(struct jsonrpc_conn *conn, long long deadline,
                 json_t **resultp, json_t **errorp);

#endif /* jsonrpc.h */
