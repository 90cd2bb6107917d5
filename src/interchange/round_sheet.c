/* Paper for the round: the walk sheet, the revisit list and the people
 * not yet counted, as PDF (gonha/interchange/round_sheet.h). */
#include "gonha/interchange/round_sheet.h"
#include "gonha/interchange/sheet_pdf.h"
#include "gonha/interchange/todo_sheet.h"
#include "gonha/core/date.h"
#include "gonha/core/i18n.h"
#include "gonha/core/outdir.h"
#include "gonha/domain/household.h"
#include "gonha/domain/household_list.h"
#include "gonha/domain/review.h"
#include "gonha/domain/privacy.h"
#include "gonha/domain/ward.h"
#include "gonha/storage/db.h"
#include "gonha/text/text.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool gn_sheet_kind_parse(const char *name, gn_sheet_kind *out)
{
	static const char *const names[] = { [GN_SHEET_WALK] = "walk", [GN_SHEET_REVISIT] = "revisit",
		                             [GN_SHEET_MISSING] = "missing" };
	for (size_t i = 0; name && i < sizeof names / sizeof *names; i++)
		if (strcmp(name, names[i]) == 0) {
			*out = (gn_sheet_kind)i;
			return true;
		}
	return false;
}

/* What a sheet lists, loaded before any file is made. */
typedef struct sheet_data {
	const gn_sheet_request *rq;
	gn_tdp tdp;
	bool has_tdp;
	gn_hh_row *rows;  /* walk, revisit */
	char (*sent_back)[GN_REVIEW_REASON_MAX + 1]; /* per row: the reason it was sent back, or "" */
	gn_todo_list todo; /* missing */
	size_t n;
	char group[400];
} sheet_data;

static void data_free(sheet_data *d)
{
	free(d->rows);
	free(d->sent_back);
	gn_todo_list_free(&d->todo);
}

/* "ngõ 9, Lương Ngọc Quyến" */
static void place(char *out, size_t size, const char *alley, const char *street)
{
	snprintf(out, size, "%s%s%s", alley, *alley && *street ? ", " : "", street);
	if (!*out)
		snprintf(out, size, "%s", _("(no alley)"));
}

static const char *hh_group(void *arg, size_t r)
{
	sheet_data *d = arg;
	const gn_hh_row *h = &d->rows[r];
	if (r > 0 && strcmp(h->alley, d->rows[r - 1].alley) == 0 && strcmp(h->street, d->rows[r - 1].street) == 0)
		return NULL;
	place(d->group, sizeof d->group, h->alley, h->street);
	return d->group;
}

static void hh_cell(void *arg, size_t r, size_t c, char *buf, size_t size)
{
	const sheet_data *d = arg;
	const gn_hh_row *h = &d->rows[r];
	switch (c) {
	case 0: snprintf(buf, size, "%zu", r + 1); break;
	case 1: snprintf(buf, size, "%s", h->house_no); break;
	case 2: snprintf(buf, size, "%s", h->head_name[0] ? h->head_name : "—"); break;
	case 3: snprintf(buf, size, "%d", h->n_members); break;
	case 4: {
		/* the day and month of the last visit: this year's round */
		char *dmy = h->visit_date[0] ? gn_date_to_dmy(h->visit_date) : NULL;
		snprintf(buf, size, "%s%s%.5s", gn_visit_status_label(h->visit_status), dmy ? " " : "", dmy ? dmy : "");
		free(dmy);
		break;
	}
	case 6: /* written at the door; a review's reason to send it back first */
		if (d->sent_back && d->sent_back[r][0])
			snprintf(buf, size, _("Sent back: %s"), d->sent_back[r]);
		else
			buf[0] = '\0';
		break;
	default: buf[0] = '\0'; break; /* written at the door */
	}
}

static void todo_cell(void *arg, size_t r, size_t c, char *buf, size_t size)
{
	const sheet_data *d = arg;
	const gn_todo_item *it = &d->todo.items[r];
	char addr[400];
	switch (c) {
	case 0: snprintf(buf, size, "%zu", r + 1); break;
	case 1: snprintf(buf, size, "%s", it->full_name); break;
	case 2:
		if (it->age >= 0)
			snprintf(buf, size, "%d", it->age);
		else
			buf[0] = '\0';
		break;
	case 3:
		gn_todo_address(it, addr, sizeof addr);
		if (d->has_tdp)
			snprintf(buf, size, "%s", addr[0] ? addr : "—");
		else
			snprintf(buf, size, "%s %s · %s", _("TDP"), it->tdp_code, addr[0] ? addr : "—");
		break;
	case 4: gn_todo_lacks_text(d->rq->form, it->lacks, buf, size); break;
	default: buf[0] = '\0'; break;
	}
}

static gn_status load(gn_ctx *ctx, const gn_sheet_request *rq, sheet_data *d, gn_err *err)
{
	memset(d, 0, sizeof *d);
	d->rq = rq;
	gn_status st;
	if (rq->tdp) {
		if ((st = gn_tdp_find(ctx, rq->tdp, &d->tdp, err)) != GN_OK)
			return st;
		d->has_tdp = true;
	} else if (rq->kind != GN_SHEET_MISSING) {
		return gn_fail(err, GN_ERR_INVALID, "%s", _("a walk sheet or revisit list is made for one TDP"));
	}
	const char *alley = rq->alley && *rq->alley ? rq->alley : NULL;
	if (rq->kind == GN_SHEET_MISSING) {
		if (!rq->set || rq->indicator < 0 || (size_t)rq->indicator >= rq->set->n)
			return gn_fail(err, GN_ERR_NOT_FOUND, _("there is no such indicator"));
		if ((st = gn_todo_load(ctx, rq->set, rq->indicator, d->has_tdp ? d->tdp.id : NULL, &d->todo, err)) != GN_OK)
			return st;
		d->n = d->todo.n;
		if (d->n == 0)
			return d->has_tdp ? gn_fail(err, GN_ERR_NOT_FOUND,
			                            _("nobody in TDP %s is missing from \"%s\": no sheet was written"),
			                            d->tdp.code, gn_todo_indicator_label(&rq->set->defs[rq->indicator]))
			                  : gn_fail(err, GN_ERR_NOT_FOUND, _("nobody is missing from \"%s\": no sheet was written"),
			                            gn_todo_indicator_label(&rq->set->defs[rq->indicator]));
		return GN_OK;
	}
	gn_hh_filter filter = rq->kind == GN_SHEET_REVISIT ? GN_HH_REVISIT : GN_HH_ALL;
	if ((st = gn_hh_sheet_list(ctx, d->tdp.id, filter, alley, &d->rows, &d->n, err)) != GN_OK)
		return st;
	for (size_t i = 0; i < d->n && st == GN_OK; i++) {
		if (!d->rows[i].sent_back)
			continue;
		if (!d->sent_back && !(d->sent_back = calloc(d->n, sizeof *d->sent_back)))
			return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
		gn_review r;
		if ((st = gn_review_latest(ctx, d->rows[i].id, &r, err)) == GN_OK)
			snprintf(d->sent_back[i], sizeof d->sent_back[i], "%s", r.reason);
	}
	if (st != GN_OK)
		return st;
	if (d->n > 0)
		return GN_OK;
	size_t any = 0;
	if ((st = gn_hh_count(ctx, d->tdp.id, GN_HH_ALL, NULL, &any, err)) != GN_OK)
		return st;
	if (any == 0)
		return gn_fail(err, GN_ERR_NOT_FOUND, _("TDP %s has no households yet: no sheet was written"), d->tdp.code);
	if (filter == GN_HH_REVISIT)
		return alley ? gn_fail(err, GN_ERR_NOT_FOUND, _("no household in %s of TDP %s is to be visited again: "
		                                                "no sheet was written"), alley, d->tdp.code)
		             : gn_fail(err, GN_ERR_NOT_FOUND, _("no household of TDP %s is to be visited again: no sheet "
		                                                "was written"), d->tdp.code);
	return gn_fail(err, GN_ERR_NOT_FOUND, _("TDP %s has no household in %s: no sheet was written"), d->tdp.code,
	               alley);
}

/* Draws the loaded sheet to out. */
static gn_status render(gn_ctx *ctx, const sheet_data *dc, FILE *out, gn_err *err)
{
	sheet_data *d = (sheet_data *)dc;
	const gn_sheet_request *rq = d->rq;
	static const gn_pdf_col hh_cols[] = {
		{ N_("No."), 24, true },
		{ N_("House"), 46, false },
		{ N_("Head of household"), 116, false },
		{ N_("People"), 36, true },
		{ N_("So far"), 82, false },
		{ N_("Outcome"), 66, false },
		{ N_("Notes, day to come back"), 145, false },
	};
	static const gn_pdf_col todo_cols[] = {
		{ N_("No."), 24, true },
		{ N_("Full name"), 118, false },
		{ N_("Age"), 30, true },
		{ N_("Address"), 110, false },
		{ N_("Lacks"), 143, false },
		{ N_("Helped: day, by whom"), 90, false },
	};
	gn_pdf_col cols[8];
	const gn_pdf_col *src = rq->kind == GN_SHEET_MISSING ? todo_cols : hh_cols;
	size_t n_cols = rq->kind == GN_SHEET_MISSING ? sizeof todo_cols / sizeof *todo_cols
	                                             : sizeof hh_cols / sizeof *hh_cols;
	for (size_t i = 0; i < n_cols; i++) {
		cols[i] = src[i];
		cols[i].head = _(src[i].head);
	}
	char today[11], tdp_line[300], detail[700], count[128];
	gn_today_iso(today);
	char *date = gn_date_to_dmy(today);
	char *ward = gn_ward_name(ctx->db);
	if (d->has_tdp)
		snprintf(tdp_line, sizeof tdp_line, _("TDP %s · %s"), d->tdp.code, d->tdp.name);
	else
		snprintf(tdp_line, sizeof tdp_line, "%s", _("Every TDP"));
	gn_pdf_sheet s = { .ward = ward ? ward : "", .date = date ? date : today, .tdp = tdp_line, .detail = detail,
	                   .cols = cols, .n_cols = n_cols, .n_rows = d->n, .arg = d };
	switch (rq->kind) {
	case GN_SHEET_WALK:
	case GN_SHEET_REVISIT:
		s.title = rq->kind == GN_SHEET_WALK ? _("WALK SHEET: door to door") : _("HOUSEHOLDS TO VISIT AGAIN");
		snprintf(count, sizeof count, ngettext("%zu household", "%zu households", (unsigned long)d->n), d->n);
		if (rq->alley && *rq->alley) {
			char where[400];
			place(where, sizeof where, d->rows[0].alley, d->rows[0].street);
			snprintf(detail, sizeof detail, "%s · %s", where, count);
		} else {
			snprintf(detail, sizeof detail, "%s", count);
		}
		s.legend = rq->kind == GN_SHEET_WALK
		           ? _("Outcome: V visited, form filled · R come back (write the day agreed) · X refused · "
		               "M moved away. A household not on the list: write it on an empty line. Enter every "
		               "household in gonha after the round; no citizen ID is printed on this sheet.")
		           : _("Outcome: V visited, form filled · R come back (write the day agreed) · X refused · "
		               "M moved away. Enter every household in gonha after the round; no citizen ID is "
		               "printed on this sheet.");
		s.cell = hh_cell;
		s.group = hh_group;
		s.blank_rows = rq->kind == GN_SHEET_WALK ? 5 : 0;
		break;
	case GN_SHEET_MISSING:
		s.title = _("PEOPLE TO HELP (tech team's list)");
		snprintf(count, sizeof count, ngettext("%zu person", "%zu people", (unsigned long)d->n), d->n);
		snprintf(detail, sizeof detail, "%s%s · %s", _("Indicator: "),
		         gn_todo_indicator_label(&rq->set->defs[rq->indicator]), count);
		s.legend = _("In walking order. Note the day and who helped in the last column, then update the "
		             "person in gonha; no citizen ID is printed on this sheet.");
		s.cell = todo_cell;
		break;
	}
	gn_status st = gn_pdf_sheet_write(&s, out, err);
	free(date);
	free(ward);
	return st;
}

static const char *audit_what(gn_sheet_kind k)
{
	return k == GN_SHEET_WALK ? "walk_sheet" : k == GN_SHEET_REVISIT ? "revisit_sheet" : "missing_sheet";
}

/* Writes the loaded sheet to path: whole or not at all, then audited. */
static gn_status write_loaded(gn_ctx *ctx, const sheet_data *d, const char *path, gn_err *err)
{
	if (access(path, F_OK) == 0)
		return gn_fail(err, GN_ERR_CONFLICT, _("%s already exists; it was left as it is"), path);
	char part[PATH_MAX];
	gn_private_part_path(path, part, sizeof part);
	FILE *out = gn_private_create(part, err);
	if (!out)
		return err->status ? err->status : GN_ERR_IO;
	gn_status st = render(ctx, d, out, err);
	int write_errno = err->sys_errno ? err->sys_errno : ferror(out) ? errno : 0;
	if (fclose(out) != 0 && !write_errno)
		write_errno = errno;
	if (write_errno && (st == GN_OK || st == GN_ERR_IO)) /* a full disk says so, with the file */
		st = gn_private_write_fail(err, path, write_errno);
	if (st != GN_OK) {
		gn_private_discard(part);
		return st;
	}
	if ((st = gn_private_publish(part, path, err)) != GN_OK)
		return st;
	st = gn_audit_bulk_read(ctx, audit_what(d->rq->kind), d->has_tdp ? d->tdp.id : NULL, (long)d->n, false, path,
	                        err);
	if (st != GN_OK)
		unlink(path); /* not recorded: not made */
	return st;
}

gn_status gn_sheet_write(gn_ctx *ctx, const gn_sheet_request *rq, const char *path, long *records, gn_err *err)
{
	sheet_data d;
	gn_status st = load(ctx, rq, &d, err);
	if (st == GN_OK)
		st = write_loaded(ctx, &d, path, err);
	if (records)
		*records = st == GN_OK ? (long)d.n : 0;
	data_free(&d);
	return st;
}

/* "ngo-9-luong-ngoc-quyen": a folded name for a file. */
static void slug(const char *text, char *out, size_t size)
{
	char *folded = NULL;
	size_t len = 0;
	out[0] = '\0';
	if (gn_text_fold(text, &folded) != GN_OK)
		return;
	for (const char *p = folded; *p && len + 2 < size && len < 40; p++) {
		bool alnum = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9');
		if (alnum)
			out[len++] = *p;
		else if (len && out[len - 1] != '-')
			out[len++] = '-';
	}
	while (len && out[len - 1] == '-')
		len--;
	out[len] = '\0';
	free(folded);
}

gn_status gn_sheet_export(gn_ctx *ctx, const gn_sheet_request *rq, const char *dir, char *path_out,
                          size_t path_size, long *records, gn_err *err)
{
	sheet_data d;
	gn_status st = load(ctx, rq, &d, err);
	if (st != GN_OK) {
		data_free(&d);
		return st;
	}
	static const char *const prefixes[] = { [GN_SHEET_WALK] = "di-tung-nha-", [GN_SHEET_REVISIT] = "quay-lai-",
		                                [GN_SHEET_MISSING] = "thieu-" };
	char today[11], stem[200], alley[48] = "";
	gn_today_iso(today);
	if (rq->kind != GN_SHEET_MISSING && rq->alley && *rq->alley)
		slug(d.rows[0].alley, alley, sizeof alley);
	const char *code = d.has_tdp ? d.tdp.code : "all";
	if (rq->kind == GN_SHEET_MISSING)
		snprintf(stem, sizeof stem, "%s%s-%s-%.4s%.2s%.2s", prefixes[rq->kind], rq->set->defs[rq->indicator].name,
		         code, today, today + 5, today + 8);
	else
		snprintf(stem, sizeof stem, "%s%s%s%s-%.4s%.2s%.2s", prefixes[rq->kind], code, alley[0] ? "-" : "", alley,
		         today, today + 5, today + 8);
	const char *folder = dir && *dir ? dir : ".";
	/* sheets cut short (gonha killed) left .part files nobody writes */
	gn_private_sweep(folder, prefixes[rq->kind]);
	char path[PATH_MAX];
	for (int tries = 0; tries < 5; tries++) {
		if ((st = gn_output_path(folder, stem, "pdf", path, sizeof path, err)) != GN_OK)
			break;
		st = write_loaded(ctx, &d, path, err);
		if (st != GN_ERR_CONFLICT && st != GN_ERR_BUSY)
			break; /* else another gonha took the name meanwhile: the next one */
	}
	if (st == GN_OK) {
		snprintf(path_out, path_size, "%s", path);
		if (records)
			*records = (long)d.n;
	}
	data_free(&d);
	return st;
}
