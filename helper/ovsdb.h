/* SPDX-License-Identifier: Apache-2.0 */
/* One OVSDB transaction against an ovsdb-server's client socket: connect,
 * "transact", check that every operation succeeded, close.  The one place
 * that turns an operation's error into an errno value. */
#ifndef OVSDB_H
#define OVSDB_H 1

#include <jansson.h>

struct jsonrpc_conn;

/* Runs the transaction 'ops' (a JSON array of operations; this function
 * takes ownership of it) on database 'db' over 'conn', before 'deadline'.
 * On success returns 0 and stores the result array (one object per
 * operation, none with an "error") in '*resultp', which the caller must
 * json_decref().  Returns EROFS if an operation failed with "not allowed"
 * (the database is a read-only backup), EPROTO for any other failed
 * operation or a malformed reply, or the connection's errno value; then
 * '*resultp' is NULL. */
int ovsdb_transact_on(struct jsonrpc_conn *conn, const char *db,
                      json_t *ops, long long deadline, json_t **resultp);

/* ovsdb_transact_on() on a fresh connection to the Unix socket 'sock'. */
int ovsdb_transact(const char *sock, const char *db, json_t *ops,
                   long long deadline, json_t **resultp);

/* Returns the "rows" of the result of operation 'i' of 'result' (a select),
 * or NULL. */
json_t *ovsdb_rows(const json_t *result, size_t i);

#endif /* ovsdb.h */
