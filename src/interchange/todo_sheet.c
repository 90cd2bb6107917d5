/* The people missing from an indicator, as a list, a CSV file and a
 * printable sheet. See include/gonha/interchange/todo_sheet.h. */
#include "gonha/interchange/todo_sheet.h"
#include "gonha/storage/db.h"
#include "gonha/core/i18n.h"
#include "gonha/domain/privacy.h"
#include "gonha/text/text.h"
#include "gonha/domain/ward.h"

#include <csv.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- the list ----------------------------------------------------------- */

static char *dup_text(const char *s)
{
	return strdup(s ? s : "");
}

typedef struct load_arg {
	gn_todo_list *list;
	bool oom;
} load_arg;

static bool add_person(void *argp, const gn_cov_person *p)
{
	load_arg *a = argp;
	gn_todo_list *l = a->list;
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 32;
		gn_todo_item *bigger = realloc(l->items, ncap * sizeof *bigger);
		if (!bigger) {
			a->oom = true;
			return false;
		}
		l->items = bigger;
		l->cap = ncap;
	}
	gn_todo_item *it = &l->items[l->n++];
	it->person_id = dup_text(p->person_id);
	it->full_name = dup_text(p->full_name);
	it->house_no = dup_text(p->house_no);
	it->alley = dup_text(p->alley);
	it->street = dup_text(p->street);
	it->tdp_code = dup_text(p->tdp_code);
	it->lacks = dup_text(p->lacks);
	it->birth_year = p->birth_year;
	it->age = p->birth_year ? p->age : -1;
	if (!it->person_id || !it->full_name || !it->house_no || !it->alley || !it->street || !it->tdp_code ||
	    !it->lacks) {
		a->oom = true;
		return false;
	}
	return true;
}

void gn_todo_list_free(gn_todo_list *list)
{
	for (size_t i = 0; i < list->n; i++) {
		gn_todo_item *it = &list->items[i];
		free(it->person_id);
		free(it->full_name);
		free(it->house_no);
		free(it->alley);
		free(it->street);
		free(it->tdp_code);
		free(it->lacks);
	}
	free(list->items);
	memset(list, 0, sizeof *list);
}

gn_status gn_todo_load(gn_ctx *ctx, const gn_cov_set *set, int indicator, const char *tdp_id,
                       gn_todo_list *out, gn_err *err)
{
	memset(out, 0, sizeof *out);
	out->indicator = indicator;
	gn_status st;
	if (tdp_id) {
		gn_tdp tdp;
		if ((st = gn_tdp_find(ctx, tdp_id, &tdp, err)) != GN_OK)
			return st;
		snprintf(out->tdp_id, sizeof out->tdp_id, "%s", tdp.id);
		snprintf(out->tdp_code, sizeof out->tdp_code, "%s", tdp.code);
		snprintf(out->tdp_name, sizeof out->tdp_name, "%s", tdp.name);
	}
	load_arg a = { out, false };
	st = gn_cov_missing(ctx, set, indicator, tdp_id ? out->tdp_id : NULL, add_person, &a, err);
	if (st == GN_OK && a.oom)
		st = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	if (st != GN_OK)
		gn_todo_list_free(out);
	return st;
}

gn_status gn_todo_count(gn_ctx *ctx, const gn_cov_set *set, int indicator, const char *tdp_id, size_t *n,
                        gn_err *err)
{
	*n = 0;
	if (indicator < 0 || (size_t)indicator >= set->n)
		return gn_fail(err, GN_ERR_NOT_FOUND, _("there is no such indicator"));
	gn_cov_row row;
	gn_status st = gn_cov_tdp(ctx, set, tdp_id, &row, err);
	if (st == GN_OK && row.ind[indicator].den > row.ind[indicator].num)
		*n = (size_t)(row.ind[indicator].den - row.ind[indicator].num);
	return st;
}

gn_status gn_todo_load_page(gn_ctx *ctx, const gn_cov_set *set, int indicator, const char *tdp_id,
                            size_t total, size_t offset, size_t limit, gn_todo_list *out, gn_err *err)
{
	memset(out, 0, sizeof *out);
	out->indicator = indicator;
	gn_tdp tdp;
	gn_status st = gn_tdp_find(ctx, tdp_id, &tdp, err);
	if (st != GN_OK)
		return st;
	snprintf(out->tdp_id, sizeof out->tdp_id, "%s", tdp.id);
	snprintf(out->tdp_code, sizeof out->tdp_code, "%s", tdp.code);
	snprintf(out->tdp_name, sizeof out->tdp_name, "%s", tdp.name);
	if (limit == 0 || offset >= total)
		return GN_OK;
	if (limit > total - offset)
		limit = total - offset;
	/* past the middle, counted from the end: what is stepped over is the
	 * shorter part of the TDP */
	bool from_end = offset > total - offset - limit;
	load_arg a = { out, false };
	st = gn_cov_missing_page(ctx, set, indicator, out->tdp_id, from_end ? total - offset - limit : offset, limit,
	                         from_end, add_person, &a, err);
	if (st == GN_OK && a.oom)
		st = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	if (st != GN_OK) {
		gn_todo_list_free(out);
		return st;
	}
	for (size_t i = 0; from_end && i < out->n / 2; i++) { /* back to walking order */
		gn_todo_item t = out->items[i];
		out->items[i] = out->items[out->n - 1 - i];
		out->items[out->n - 1 - i] = t;
	}
	return GN_OK;
}

void gn_todo_address(const gn_todo_item *it, char *out, size_t size)
{
	snprintf(out, size, "%s%s%s%s%s", it->house_no, it->house_no[0] && it->alley[0] ? " " : "", it->alley,
	         (it->house_no[0] || it->alley[0]) && it->street[0] ? ", " : "", it->street);
}

static const char *answer_label(const gn_form *form, const char *name)
{
	int i = form ? gn_form_field_of(form, name) : -1;
	if (i < 0)
		return name;
	const char *label = gn_field_label(&form->fields[i]);
	return label && *label ? label : name;
}

void gn_todo_lacks_text(const gn_form *form, const char *lacks, char *out, size_t size)
{
	size_t len = 0;
	out[0] = '\0';
	const char *p = lacks ? lacks : "";
	while (*p && len + 1 < size) {
		size_t part = strcspn(p, ";");
		if (part) {
			if (len)
				len += (size_t)snprintf(out + len, size - len, "; ");
			const char *q = p;
			bool first = true;
			while (q < p + part && len + 1 < size) {
				size_t n = strcspn(q, "/;");
				char name[96];
				snprintf(name, sizeof name, "%.*s", (int)n, q);
				if (len < size)
					len += (size_t)snprintf(out + len, size - len, "%s%s", first ? "" : _(" or "),
					                        answer_label(form, name));
				first = false;
				q += n + (q[n] == '/');
			}
		}
		p += part + (p[part] == ';');
	}
	if (len >= size)
		out[size - 1] = '\0';
}

const char *gn_todo_indicator_label(const gn_cov_def *d)
{
	const char *l = strcmp(gn_i18n_lang(), "vi") == 0 ? d->label_vi : d->label_en;
	return l && *l ? l : d->name;
}

/* ---- CSV ---------------------------------------------------------------- */

static void cell(FILE *f, bool *first, const char *s)
{
	if (!*first)
		fputc(',', f);
	*first = false;
	/* Excel must not run a cell as a formula. */
	if (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') {
		size_t n = strlen(s);
		char *guarded = malloc(n + 2);
		if (guarded) {
			guarded[0] = '\'';
			memcpy(guarded + 1, s, n + 1);
			csv_fwrite(f, guarded, n + 1);
			free(guarded);
			return;
		}
	}
	csv_fwrite(f, s, strlen(s));
}

static void cell_int(FILE *f, bool *first, int v, bool blank)
{
	char buf[16] = "";
	if (!blank)
		snprintf(buf, sizeof buf, "%d", v);
	if (!*first)
		fputc(',', f);
	*first = false;
	fputs(buf, f);
}

static void write_csv(const gn_form *form, const gn_todo_list *list, FILE *f)
{
	static const char *const head[] = { "no", "tdp_code", "full_name", "birth_year", "age", "house_no", "alley",
	                                    "street", "lacks", "lacks_fields" };
	fputs("\xef\xbb\xbf", f); /* BOM: Excel reads UTF-8 */
	bool first = true;
	for (size_t i = 0; i < sizeof head / sizeof *head; i++)
		cell(f, &first, head[i]);
	fputs("\r\n", f);
	for (size_t i = 0; i < list->n; i++) {
		const gn_todo_item *it = &list->items[i];
		char lacks[1024];
		gn_todo_lacks_text(form, it->lacks, lacks, sizeof lacks);
		first = true;
		cell_int(f, &first, (int)i + 1, false);
		cell(f, &first, it->tdp_code);
		cell(f, &first, it->full_name);
		cell_int(f, &first, it->birth_year, it->birth_year == 0);
		cell_int(f, &first, it->age, it->age < 0);
		cell(f, &first, it->house_no);
		cell(f, &first, it->alley);
		cell(f, &first, it->street);
		cell(f, &first, lacks);
		cell(f, &first, it->lacks);
		fputs("\r\n", f);
	}
}

/* ---- the printed sheet -------------------------------------------------- */

static void rule(FILE *f)
{
	fputs("--------------------------------------------------------------------------------\n", f);
}

/* Writes prefix + text wrapped at `width` columns, continuation lines
 * indented by `indent` spaces (a sheet is printed on paper). */
static void wrapped(FILE *f, const char *prefix, const char *text, int indent, int width)
{
	fputs(prefix, f);
	int col = gn_text_width(prefix);
	bool line_start = true;
	const char *p = text;
	while (*p) {
		size_t n = strcspn(p, " ");
		char word[512];
		snprintf(word, sizeof word, "%.*s", (int)(n < sizeof word ? n : sizeof word - 1), p);
		int w = gn_text_width(word);
		if (!line_start && col + 1 + w > width) {
			fprintf(f, "\n%*s", indent, "");
			col = indent;
			line_start = true;
		}
		if (!line_start) {
			fputc(' ', f);
			col++;
		}
		fputs(word, f);
		col += w;
		line_start = false;
		p += n;
		while (*p == ' ')
			p++;
	}
	fputc('\n', f);
}

static void write_text(gn_ctx *ctx, const gn_cov_set *set, const gn_form *form, const gn_todo_list *list,
                       FILE *f)
{
	const gn_cov_def *d = &set->defs[list->indicator];
	char *ward = gn_ward_name(ctx->db);
	char now[32];
	gn_now_iso(now);
	fprintf(f, "%s\n", ward ? ward : "");
	free(ward);
	fprintf(f, "%s\n", _("PEOPLE TO HELP (tech team's list)"));
	wrapped(f, _("Indicator: "), gn_todo_indicator_label(d), 4, 80);
	if (list->tdp_id[0])
		fprintf(f, "%s (%s)\n", list->tdp_name, list->tdp_code);
	fprintf(f, _("As of %.10s, in walking order: %zu people\n"), now, list->n);
	rule(f);
	for (size_t i = 0; i < list->n; i++) {
		const gn_todo_item *it = &list->items[i];
		char addr[400], lacks[1024], age[32] = "";
		gn_todo_address(it, addr, sizeof addr);
		gn_todo_lacks_text(form, it->lacks, lacks, sizeof lacks);
		if (it->age >= 0)
			snprintf(age, sizeof age, _("%d years"), it->age);
		fprintf(f, "[ ] %3zu. %s", i + 1, it->full_name);
		if (age[0])
			fprintf(f, " (%s)", age);
		fprintf(f, "\n         %s", addr[0] ? addr : "—");
		if (!list->tdp_id[0])
			fprintf(f, " · %s %s", _("TDP"), it->tdp_code);
		fputc('\n', f);
		if (lacks[0])
			wrapped(f, _("         lacks: "), lacks, 9, 80);
	}
	rule(f);
	wrapped(f, "", _("Tick [x] when done; note the date and who helped, then update the household in gonha."), 0, 80);
}

gn_status gn_todo_write(gn_ctx *ctx, const gn_cov_set *set, const gn_form *form, const gn_todo_list *list,
                        gn_todo_format format, FILE *out, gn_err *err)
{
	if (list->indicator < 0 || (size_t)list->indicator >= set->n)
		return gn_fail(err, GN_ERR_NOT_FOUND, _("there is no such indicator"));
	if (format == GN_TODO_CSV)
		write_csv(form, list, out);
	else
		write_text(ctx, set, form, list, out);
	if (ferror(out))
		return gn_fail(err, GN_ERR_IO, _("could not write the list"));
	return GN_OK;
}

gn_status gn_todo_export(gn_ctx *ctx, const gn_cov_set *set, const gn_form *form, const gn_todo_list *list,
                         gn_todo_format format, const char *dir, char *path_out, size_t path_size,
                         gn_err *err)
{
	if (list->indicator < 0 || (size_t)list->indicator >= set->n)
		return gn_fail(err, GN_ERR_NOT_FOUND, _("there is no such indicator"));
	char now[32], stamp[32];
	gn_now_iso(now); /* 2026-11-20T09:00:00Z */
	snprintf(stamp, sizeof stamp, "%.4s%.2s%.2s-%.2s%.2s%.2s", now, now + 5, now + 8, now + 11, now + 14,
	         now + 17);
	const char *ext = format == GN_TODO_CSV ? "csv" : "txt";
	const char *code = list->tdp_id[0] ? list->tdp_code : "all";
	char path[PATH_MAX], part[PATH_MAX + 8];
	gn_err local = { 0 };
	/* Lists cut short (gonha killed) left .part files under names that are
	 * never used again: remove those nobody is writing. */
	gn_private_sweep(dir && *dir ? dir : ".", "thieu-");
	for (int n = 1; n < 100; n++) {
		char suffix[8] = "";
		if (n > 1)
			snprintf(suffix, sizeof suffix, "-%d", n);
		int w = snprintf(path, sizeof path, "%s/thieu-%s-%s-%s%s.%s", dir && *dir ? dir : ".",
		                 set->defs[list->indicator].name, code, stamp, suffix, ext);
		if (w < 0 || (size_t)w >= sizeof path)
			return gn_fail(err, GN_ERR_IO, _("the folder name is too long: %s"), dir);
		if (access(path, F_OK) == 0)
			continue;
		gn_private_part_path(path, part, sizeof part);
		FILE *f = gn_private_create(part, &local);
		if (!f) {
			if (local.status == GN_ERR_CONFLICT || local.status == GN_ERR_BUSY)
				continue; /* another export at the same second */
			if (err)
				*err = local;
			return local.status;
		}
		gn_status st = gn_todo_write(ctx, set, form, list, format, f, err);
		if (fclose(f) != 0 && st == GN_OK)
			st = gn_fail(err, GN_ERR_IO, _("could not write %s"), path);
		if (st != GN_OK) {
			gn_private_discard(part);
			return st;
		}
		if ((st = gn_private_publish(part, path, err)) != GN_OK)
			return st;
		if ((st = gn_audit_bulk_read(ctx, "missing_list", list->tdp_id[0] ? list->tdp_id : NULL, (long)list->n,
		                             false, path, err)) != GN_OK) {
			unlink(path); /* not recorded: not made */
			return st;
		}
		snprintf(path_out, path_size, "%s", path);
		return GN_OK;
	}
	return gn_fail(err, GN_ERR_CONFLICT, _("too many lists written this second; try again"));
}
