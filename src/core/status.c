#include "gonha/core/status.h"
#include "gonha/core/i18n.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void set_msg(gn_err *err, gn_status status, const char *fmt, va_list ap)
{
	err->status = status;
	err->sys_errno = 0;
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	/* One line: a message must never break a screen or a log line. */
	for (char *p = err->msg; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
}

gn_status gn_fail(gn_err *err, gn_status status, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		set_msg(err, status, fmt, ap);
		va_end(ap);
		err->field[0] = '\0';
	}
	return status;
}

gn_status gn_fail_field(gn_err *err, gn_status status, const char *field,
                        const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		set_msg(err, status, fmt, ap);
		va_end(ap);
		snprintf(err->field, sizeof err->field, "%s", field ? field : "");
	}
	return status;
}

void gn_err_clear(gn_err *err)
{
	if (err)
		memset(err, 0, sizeof *err);
}

const char *gn_status_str(gn_status status)
{
	switch (status) {
	case GN_OK: return _("ok");
	case GN_ERR_NOMEM: return _("out of memory");
	case GN_ERR_IO: return _("cannot read or write the file");
	case GN_ERR_DB: return _("database error");
	case GN_ERR_NOT_FOUND: return _("not found");
	case GN_ERR_INVALID: return _("invalid input");
	case GN_ERR_DENIED: return _("not allowed");
	case GN_ERR_CONFLICT: return _("conflict");
	case GN_ERR_VERSION: return _("the database was made by a newer gonha");
	case GN_ERR_NOT_GONHA: return _("not a gonha database");
	case GN_ERR_BUSY: return _("the database is busy");
	case GN_ERR_STALE: return _("changed elsewhere since it was opened");
	}
	return _("unknown error");
}
