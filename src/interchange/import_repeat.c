/* The import of one repeat's table (gonha export --what REPEAT): each row
 * is one entry, put into its household's answers by path (the encoding of
 * gonha/domain/answers.h); the household must be in this ward already
 * (its households file imported first). A row whose answers are those
 * stored is unchanged; otherwise the household's answers are written, its
 * entries' counts raised to hold the entry, and the change audited. Every
 * cell is checked by its question's type; a bad row is refused at its line
 * naming the column, and a file with any refused row changes nothing. */
#include "import.h"
#include "gonha/domain/answers.h"
#include "gonha/storage/db.h"
#include "gonha/core/i18n.h"
#include "gonha/core/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { RP_HOUSEHOLD, RP_TDP, RP_PARENT, RP_ENTRY };
static const char *const fixed_names[] = { "household_id", "tdp_code", "parent", "entry" };

void imp_repeat_header(importer *im)
{
	char **h = im->cells;
	im->rp_repeat = -1;
	im->rp_form = NULL;
	for (int k = 0; k < 4; k++)
		im->rp_fixed[k] = -1;
	im->rp_field = malloc((im->n_header ? im->n_header : 1) * sizeof *im->rp_field);
	im->rp_names = calloc(im->n_header ? im->n_header : 1, sizeof *im->rp_names);
	if (!im->rp_field || !im->rp_names) {
		im->status = gn_fail(im->err, GN_ERR_NOMEM, _("out of memory"));
		im->fatal = true;
		return;
	}
	for (size_t i = 0; i < im->n_header; i++) {
		im->map[i] = (int)i; /* every cell cleaned, by its column */
		im->rp_field[i] = -1;
		if (!(im->rp_names[i] = strdup(h[i]))) {
			im->status = gn_fail(im->err, GN_ERR_NOMEM, _("out of memory"));
			im->fatal = true;
			return;
		}
		for (int k = 0; k < 4; k++)
			if (strcmp(h[i], fixed_names[k]) == 0)
				im->rp_fixed[k] = (int)i;
	}
	for (int k = 0; k < 4; k++)
		if (im->rp_fixed[k] < 0)
			imp_problem(im, im->row_line, _("the column %s is missing"), fixed_names[k]);
	if (!im->census || !im->census->form)
		imp_problem(im, im->row_line, "%s", _("a repeat's table needs the form it was exported with"));
	if (im->rep->problems_total)
		im->fatal = true;
}

/* The repeat of an entry path ("woman[2]/child[1]": child) when its parent
 * path is `parent` and every step names the repeats around it; its index
 * in *index. -1 when the path is not one. */
static int entry_repeat(const gn_form *form, const char *entry, const char *parent, size_t *index)
{
	size_t plen = strlen(parent);
	if (plen && (strncmp(entry, parent, plen) != 0 || entry[plen] != '/'))
		return -1;
	const char *seg = plen ? entry + plen + 1 : entry;
	const char *open = strchr(seg, '[');
	char name[128], *end = NULL;
	if (!open || strchr(seg, '/') || (size_t)(open - seg) >= sizeof name)
		return -1;
	snprintf(name, sizeof name, "%.*s", (int)(open - seg), seg);
	long i = strtol(open + 1, &end, 10);
	if (i < 1 || !end || strcmp(end, "]") != 0)
		return -1;
	int r = gn_form_find(form, name);
	if (r < 0 || form->fields[r].type != GN_FT_BEGIN_REPEAT)
		return -1;
	/* the parent path: one entry of each repeat around this one */
	int around = gn_form_repeat_of(form, (size_t)r);
	if (!plen)
		return around < 0 ? (*index = (size_t)i, r) : -1;
	const char *slash = strrchr(parent, '/');
	char outer[512];
	snprintf(outer, sizeof outer, "%.*s", slash ? (int)(slash - parent) : 0, parent);
	size_t outer_index;
	if (around < 0 || entry_repeat(form, parent, outer, &outer_index) != around)
		return -1;
	*index = (size_t)i;
	return r;
}

/* The columns after the fixed four: the first row's repeat's questions. */
static bool map_questions(importer *im, const gn_form *form, int r)
{
	bool ok = true;
	for (size_t i = 0; i < im->n_header; i++) {
		bool fixed = false;
		for (int k = 0; k < 4; k++)
			fixed |= im->rp_fixed[k] == (int)i;
		if (fixed)
			continue;
		int f = -1;
		for (size_t k = 0; k < form->n_fields && f < 0; k++)
			if (gn_form_repeat_of(form, k) == r && gn_field_is_question(&form->fields[k]) &&
			    strcmp(form->fields[k].name, im->rp_names[i]) == 0)
				f = (int)k;
		if (f < 0) {
			imp_problem(im, 1, _("column \"%s\" is not a question of the repeat %s"), im->rp_names[i],
			            form->fields[r].name);
			ok = false;
		}
		im->rp_field[i] = f;
	}
	return ok;
}

/* The entries' counts from the outermost repeat in: each at least the
 * index its path names ("woman[2]/child[3]": woman >= 2, woman[2]/child >= 3). */
static gn_status raise_counts(sqlite3 *db, char **answers, const char *entry, gn_err *err)
{
	char path[512];
	for (const char *p = entry; (p = strchr(p, '[')) != NULL; p++) {
		snprintf(path, sizeof path, "%.*s", (int)(p - entry), entry);
		size_t want = (size_t)strtoul(p + 1, NULL, 10);
		if (gn_repeat_count(db, *answers, path) < want) {
			gn_status st = gn_repeat_set_count(db, answers, path, want, err);
			if (st != GN_OK)
				return st;
		}
	}
	return GN_OK;
}

void imp_repeat_row(importer *im)
{
	sqlite3 *db = im->ctx->db;
	row_values r = { 0 };
	char *answers = NULL;
	gn_strbuf audit = { 0 };
	if (!im->census || !im->census->form || !imp_clean_row(im, im->n_header, &r))
		goto out;
	const char *hid = imp_val(&r, im->rp_fixed[RP_HOUSEHOLD]), *entry = imp_val(&r, im->rp_fixed[RP_ENTRY]);
	const char *parent = imp_val(&r, im->rp_fixed[RP_PARENT]);
	/* the household, in this ward and the user's TDP */
	if (!hid || !imp_is_uuid(hid)) {
		imp_cell_problem(im, "household_id", hid, _("not a record id"));
		goto out;
	}
	if (imp_prepare(im, &im->rp_get, "SELECT tdp_id, answers FROM household WHERE id = ?1 AND deleted = 0") != GN_OK)
		goto out;
	sqlite3_reset(im->rp_get);
	sqlite3_bind_text(im->rp_get, 1, hid, -1, SQLITE_TRANSIENT);
	int step = sqlite3_step(im->rp_get);
	char tdp_id[37] = "";
	if (step == SQLITE_ROW) {
		gn_db_col_copy(im->rp_get, 0, tdp_id, sizeof tdp_id);
		const char *a = (const char *)sqlite3_column_text(im->rp_get, 1);
		answers = strdup(a ? a : "{}");
	}
	sqlite3_reset(im->rp_get);
	if (step != SQLITE_ROW && step != SQLITE_DONE) {
		imp_db_error(im, "import");
		goto out;
	}
	if (step == SQLITE_DONE) {
		imp_cell_problem(im, "household_id", hid, _("no such household in this ward: import its households file first"));
		goto out;
	}
	/* read with the form its TDP enters (gonha form use), one for the file */
	if (!imp_row_form(im, &r, tdp_id))
		goto out;
	const gn_form *form = im->row_form ? im->row_form : im->census->form;
	if (im->rp_form && form != im->rp_form) {
		imp_cell_problem(im, "household_id", hid, _("this household's TDP enters another form than the file's first row"));
		goto out;
	}
	size_t index = 0;
	int rep = entry ? entry_repeat(form, entry, parent ? parent : "", &index) : -1;
	if (rep < 0) {
		imp_cell_problem(im, "entry", entry, _("this is not an entry of the form's repeats under its parent"));
		goto out;
	}
	if (im->rp_repeat < 0 && (im->rp_repeat = rep, im->rp_form = form, !map_questions(im, form, rep))) {
		im->fatal = true;
		goto out;
	}
	if (rep != im->rp_repeat) {
		imp_cell_problem(im, "entry", entry, _("this file is the table of another repeat"));
		goto out;
	}
	gn_err e = { 0 };
	if (!answers) {
		im->status = gn_fail(im->err, GN_ERR_NOMEM, _("out of memory"));
		im->fatal = true;
		goto out;
	}
	if (gn_scope_require_tdp(im->ctx, tdp_id, &e) != GN_OK) {
		imp_cell_problem(im, "household_id", hid, e.msg);
		goto out;
	}
	char *before = strdup(answers);
	if (!before)
		goto out;
	bool ok = true;
	for (size_t i = 0; ok && i < im->n_header; i++) {
		int k = im->rp_field[i];
		if (k < 0)
			continue;
		const gn_field *f = &form->fields[k];
		const char *v = imp_val(&r, (int)i);
		char key[600];
		if (gn_form_check_type(f, v, &e) != GN_OK) {
			imp_cell_problem(im, f->name, v, e.msg);
			ok = false;
		} else if (!gn_repeat_key(key, sizeof key, entry, f->name) ||
		           gn_answers_set(db, &answers, key, v ? v : "",
		                          !v ? GN_ANSWER_NONE
		                          : (f->type == GN_FT_INTEGER || f->type == GN_FT_DECIMAL) && gn_answers_is_number(v)
		                              ? GN_ANSWER_NUMBER : GN_ANSWER_TEXT, &e) != GN_OK) {
			imp_cell_problem(im, f->name, v, e.msg);
			ok = false;
		}
	}
	if (ok && raise_counts(db, &answers, entry, &e) != GN_OK) {
		imp_cell_problem(im, "entry", entry, e.msg);
		ok = false;
	}
	bool same = ok && strcmp(before, answers) == 0;
	free(before);
	if (!ok)
		goto out;
	if (same) {
		im->rep->unchanged++;
		goto out;
	}
	char now[32];
	gn_now_iso(now);
	if (imp_prepare(im, &im->rp_put, "UPDATE household SET answers = json(?2), updated_at = ?3, updated_by = ?4, "
	                "rev = rev + 1 WHERE id = ?1") != GN_OK)
		goto out;
	sqlite3_reset(im->rp_put);
	sqlite3_bind_text(im->rp_put, 1, hid, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(im->rp_put, 2, answers, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(im->rp_put, 3, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(im->rp_put, 4, im->ctx->user.login, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(im->rp_put) != SQLITE_DONE) {
		imp_db_error(im, "import");
		goto out;
	}
	sqlite3_reset(im->rp_put);
	gn_sb_add(&audit, "{\"file\":");
	gn_sb_json_str(&audit, im->source ? im->source : "");
	gn_sb_add(&audit, ",\"entry\":");
	gn_sb_json_str(&audit, entry);
	gn_sb_add(&audit, "}");
	imp_audit(im, "import_update", "household", hid, tdp_id, gn_sb_str(&audit));
	imp_touch(im, tdp_id);
	im->rep->updated++;
out:
	gn_sb_free(&audit);
	free(answers);
	imp_row_values_free(&r);
}

void imp_repeat_free(importer *im)
{
	sqlite3_finalize(im->rp_get);
	sqlite3_finalize(im->rp_put);
	free(im->rp_field);
	for (size_t i = 0; im->rp_names && i < im->n_header; i++)
		free(im->rp_names[i]);
	free(im->rp_names);
}
