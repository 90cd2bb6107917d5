/* Errors are values: every library call returns a gn_status and, when it
 * fails, may fill a gn_err with a one-line message for the user (already
 * translated with _()). Library code never prints and never exits; the UI or
 * main decides what the user sees. */
#ifndef GONHA_STATUS_H
#define GONHA_STATUS_H

#include <stddef.h>

typedef enum gn_status {
	GN_OK = 0,
	GN_ERR_NOMEM,      /* out of memory */
	GN_ERR_IO,         /* a file could not be read or written */
	GN_ERR_DB,         /* SQLite said no (message carries its text) */
	GN_ERR_NOT_FOUND,  /* no such record */
	GN_ERR_INVALID,    /* bad input: the message says which field and why */
	GN_ERR_DENIED,     /* outside the signed-in user's scope, or wrong password */
	GN_ERR_CONFLICT,   /* changed on both sides / unique value taken */
	GN_ERR_VERSION,    /* database made by a newer gonha */
	GN_ERR_NOT_GONHA,  /* the file is not a gonha database */
	GN_ERR_BUSY,       /* another process holds the database too long */
	GN_ERR_STALE,      /* the record changed in the database since it was opened */
} gn_status;

#define GN_ERR_MSG_MAX 512

typedef struct gn_err {
	gn_status status;
	char msg[GN_ERR_MSG_MAX]; /* UTF-8, one line, no trailing newline */
	char field[64];          /* the form field or column the error is about, or "" */
	long line;               /* CSV or form file line, or 0 */
	int sys_errno;           /* the system error behind a failed write, or 0 */
} gn_err;

/* Fills err (if not NULL) and returns status, so callers can write
 * `return gn_fail(err, GN_ERR_INVALID, _("..."), ...);`. */
gn_status gn_fail(gn_err *err, gn_status status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Same, naming the field the error belongs to. */
gn_status gn_fail_field(gn_err *err, gn_status status, const char *field,
                        const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

void gn_err_clear(gn_err *err);

/* A short, translated description of a status, for when no message was set. */
const char *gn_status_str(gn_status status);

#endif
