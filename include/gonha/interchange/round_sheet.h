/* Paper for the round, as PDF on A4 (sheet_pdf.h), for the screens and
 * `gonha sheet` alike:
 *   - the walk sheet: a TDP's households (or one alley's) by alley in
 *     walking order, with blank columns for the outcome at each door and
 *     blank rows for households the list does not have yet;
 *   - the revisit list: the households marked "revisit", the same way;
 *   - the people not yet counted in one indicator (todo_sheet.h), with
 *     what each lacks and room to note who helped.
 * Each is a bulk read of personal data (docs/privacy.md): written 0600,
 * whole or not at all (gn_private_create, .part, gn_private_publish),
 * audited (bulk_read, "ids": "masked": no sheet prints a CCCD), and not
 * made when it cannot be recorded. Nothing is written when there is
 * nothing to list. */
#ifndef GONHA_ROUND_SHEET_H
#define GONHA_ROUND_SHEET_H

#include <stddef.h>

#include "gonha/domain/coverage.h"
#include "gonha/domain/session.h"
#include "gonha/forms/form.h"

typedef enum gn_sheet_kind {
	GN_SHEET_WALK = 0,
	GN_SHEET_REVISIT,
	GN_SHEET_MISSING,
} gn_sheet_kind;

typedef struct gn_sheet_request {
	gn_sheet_kind kind;
	const char *tdp;        /* code or id; NULL for every TDP only with GN_SHEET_MISSING */
	const char *alley;      /* walk and revisit: one alley (as typed, accents optional), or NULL */
	const gn_cov_set *set;  /* missing: the indicators */
	const gn_form *form;    /* missing: the answers' labels (may be NULL) */
	int indicator;          /* missing: index in set */
} gn_sheet_request;

/* The kind named "walk", "revisit" or "missing"; false for another name. */
bool gn_sheet_kind_parse(const char *name, gn_sheet_kind *out);

/* Writes the sheet to path, which must not exist (GN_ERR_CONFLICT). A TDP
 * (or alley) with nothing to list is GN_ERR_NOT_FOUND with a message that
 * says so, and no file. *records (may be NULL): the households or people
 * listed. */
gn_status gn_sheet_write(gn_ctx *ctx, const gn_sheet_request *rq, const char *path, long *records, gn_err *err);

/* The same in the folder dir (gn_output_dir) under a name of its own,
 * "di-tung-nha-<tdp>[-<alley>]-<YYYYMMDD>.pdf", "quay-lai-<tdp>-..." or
 * "thieu-<indicator>-<tdp>-...", "-2", "-3" ... when taken (the local
 * date); the path written goes to path_out. */
gn_status gn_sheet_export(gn_ctx *ctx, const gn_sheet_request *rq, const char *dir, char *path_out,
                          size_t path_size, long *records, gn_err *err);

#endif
