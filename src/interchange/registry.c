/* The ward's forms (see registry.h): DB.forms/<form_id>/ holds the
 * form's CSV sheets, or its workbook as <form_id>.xlsx / .xls, and the
 * media files its questions read; tdp.form_id says which form a TDP
 * enters (NULL: census). */
#include "gonha/interchange/registry.h"
#include "gonha/interchange/xlsx.h"
#include "gonha/core/i18n.h"
#include "gonha/core/strbuf.h"
#include "gonha/storage/db.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n > k && strcasecmp(s + n - k, suffix) == 0;
}

gn_status gn_form_load_any(const char *path, sqlite3 *db, gn_form **out, bool *book, gn_form_problems *problems,
                           gn_err *err)
{
	struct stat sb;
	bool file = stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
	bool xls = file && ends_with(path, ".xls") && !gn_xlsx_is_zip(path);
	if (book)
		*book = file;
	return xls ? gn_form_load_xls(path, db, out, problems, err)
	       : file ? gn_form_load_xlsx(path, db, out, problems, err)
	              : gn_form_load(path, db, out, problems, err);
}

gn_status gn_registry_dir(const char *db_path, char *out, size_t size, gn_err *err)
{
	if ((size_t)snprintf(out, size, "%s.forms", db_path) >= size)
		return gn_fail(err, GN_ERR_INVALID, _("the database path is too long for its forms folder"));
	return GN_OK;
}

/* A form id that can name a folder: letters, digits, _ . - (not first '.'). */
static bool id_is_folder_name(const char *id)
{
	size_t n = strlen(id);
	return n > 0 && n < 64 && id[0] != '.' &&
	       strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == n;
}

static gn_status copy_file(const char *from, const char *to, gn_err *err)
{
	gn_status st = GN_OK;
	int in = open(from, O_RDONLY | O_CLOEXEC);
	int fd = in < 0 ? -1 : open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (in < 0 || fd < 0) {
		st = gn_fail(err, GN_ERR_IO, _("cannot copy %s: %s"), from, strerror(errno));
		goto out;
	}
	char buf[65536];
	ssize_t n;
	while ((n = read(in, buf, sizeof buf)) > 0)
		if (write(fd, buf, (size_t)n) != n) {
			n = -1;
			break;
		}
	if (n < 0 || fsync(fd) != 0)
		st = gn_fail(err, GN_ERR_IO, _("cannot copy %s: %s"), from, strerror(errno));
out:
	if (in >= 0)
		close(in);
	if (fd >= 0 && close(fd) != 0 && st == GN_OK)
		st = gn_fail(err, GN_ERR_IO, _("cannot copy %s: %s"), from, strerror(errno));
	return st;
}

/* Removes a folder this module made (its files, then itself). */
static void remove_folder(const char *dir)
{
	DIR *d = opendir(dir);
	if (d) {
		struct dirent *e;
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			char path[PATH_MAX];
			if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, e->d_name) < sizeof path)
				unlink(path);
		}
		closedir(d);
	}
	rmdir(dir);
}

/* The media files the form's questions read (select_one_from_file), each
 * once, space-separated in b; those missing from dir in missing. */
static void media_files(const gn_form *form, const char *dir, gn_strbuf *all, gn_strbuf *missing)
{
	for (size_t i = 0; i < form->n_fields; i++) {
		const char *m = form->fields[i].media_file;
		if (!m)
			continue;
		bool seen = false;
		for (size_t k = 0; k < i && !seen; k++)
			seen = form->fields[k].media_file && strcmp(form->fields[k].media_file, m) == 0;
		if (seen)
			continue;
		gn_sb_printf(all, "%s%s", all->len ? "\n" : "", m);
		char path[PATH_MAX];
		struct stat sb;
		if (strchr(m, '/') || (size_t)snprintf(path, sizeof path, "%s/%s", dir, m) >= sizeof path ||
		    stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
			gn_sb_printf(missing, "%s%s", missing->len ? ", " : "", m);
	}
}

static const char *const sheet_files[] = { "survey.csv", "choices.csv", "settings.csv", "external_choices.csv",
	                                       "indicators.csv", "renames.csv", NULL };

/* Copies the form into the new folder `to`: its sheets (or workbook) and media. */
static gn_status copy_form(const char *src, bool book, const char *src_dir, const char *id, const char *media,
                           const char *to, gn_err *err)
{
	char from[PATH_MAX], dest[PATH_MAX];
	gn_status st = GN_OK;
	bool fits = true;
	if (book) {
		const char *ext = ends_with(src, ".xls") && !gn_xlsx_is_zip(src) ? ".xls" : ".xlsx";
		fits = (size_t)snprintf(dest, sizeof dest, "%s/%s%s", to, id, ext) < sizeof dest;
		st = fits ? copy_file(src, dest, err) : GN_OK;
	}
	for (int i = 0; !book && fits && sheet_files[i] && st == GN_OK; i++) {
		fits = (size_t)snprintf(from, sizeof from, "%s/%s", src, sheet_files[i]) < sizeof from &&
		       (size_t)snprintf(dest, sizeof dest, "%s/%s", to, sheet_files[i]) < sizeof dest;
		if (fits && access(from, R_OK) == 0)
			st = copy_file(from, dest, err);
	}
	for (const char *m = media; *m && fits && st == GN_OK;) {
		int len = (int)strcspn(m, "\n");
		fits = (size_t)snprintf(from, sizeof from, "%s/%.*s", src_dir, len, m) < sizeof from &&
		       (size_t)snprintf(dest, sizeof dest, "%s/%.*s", to, len, m) < sizeof dest;
		if (fits && access(dest, F_OK) != 0) /* a sheet of the same name is already there */
			st = copy_file(from, dest, err);
		m += len + (m[len] == '\n');
	}
	if (!fits && st == GN_OK)
		st = gn_fail(err, GN_ERR_INVALID, _("the path of the form is too long: %s"), src);
	return st;
}

gn_status gn_registry_add(gn_ctx *ctx, const char *db_path, const char *src, gn_form_problems *problems,
                          char id[64], char version[64], gn_err *err)
{
	gn_form *form = NULL;
	bool book = false;
	gn_strbuf media = { 0 }, missing = { 0 };
	char dir[PATH_MAX], src_dir[PATH_MAX], tmp[PATH_MAX + 32], final[PATH_MAX + 80], old[PATH_MAX + 32];
	bool made_tmp = false;
	gn_status st = gn_scope_require_officer(ctx, err);
	if (st == GN_OK)
		st = gn_registry_dir(db_path, dir, sizeof dir, err);
	if (st == GN_OK)
		st = gn_form_load_any(src, ctx->db, &form, &book, problems, err);
	if (st != GN_OK)
		goto out;
	snprintf(id, 64, "%s", form->id);
	snprintf(version, 64, "%s", form->version);
	if (strcmp(form->id, GN_FORM_CENSUS) == 0) {
		st = gn_fail(err, GN_ERR_INVALID, _("%s is gonha's own form; give yours another form_id in its settings sheet"),
		             GN_FORM_CENSUS);
		goto out;
	}
	if (!id_is_folder_name(form->id)) {
		st = gn_fail(err, GN_ERR_INVALID,
		             _("the form_id %s cannot name the form's folder: use letters, digits, _ . - (at most 63)"),
		             form->id);
		goto out;
	}
	/* the media files beside it */
	snprintf(src_dir, sizeof src_dir, "%s", src);
	if (book) {
		char *slash = strrchr(src_dir, '/');
		if (slash)
			*slash = '\0';
		else
			snprintf(src_dir, sizeof src_dir, ".");
	}
	media_files(form, src_dir, &media, &missing);
	if (media.failed || missing.failed) {
		st = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
		goto out;
	}
	if (missing.len) {
		st = gn_fail(err, GN_ERR_NOT_FOUND, _("the form %s needs its media files beside it in %s, and these are missing: %s"),
		             form->id, src_dir, gn_sb_str(&missing));
		goto out;
	}
	/* written aside, then put in place in one rename */
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		st = gn_fail(err, GN_ERR_IO, _("cannot make the forms folder %s: %s"), dir, strerror(errno));
		goto out;
	}
	if ((size_t)snprintf(tmp, sizeof tmp, "%s/.add-%ld", dir, (long)getpid()) >= sizeof tmp ||
	    (size_t)snprintf(final, sizeof final, "%s/%s", dir, form->id) >= sizeof final ||
	    (size_t)snprintf(old, sizeof old, "%s/.old-%ld", dir, (long)getpid()) >= sizeof old) {
		st = gn_fail(err, GN_ERR_INVALID, _("the path of the form is too long: %s"), dir);
		goto out;
	}
	remove_folder(tmp);
	if (mkdir(tmp, 0700) != 0) {
		st = gn_fail(err, GN_ERR_IO, _("cannot make the forms folder %s: %s"), tmp, strerror(errno));
		goto out;
	}
	made_tmp = true;
	if ((st = copy_form(src, book, src_dir, form->id, gn_sb_str(&media), tmp, err)) != GN_OK)
		goto out;
	gn_strbuf changes = { 0 };
	gn_sb_add(&changes, "{\"version\":[null,");
	gn_sb_json_str(&changes, form->version);
	gn_sb_add(&changes, "],\"file\":[null,");
	gn_sb_json_str(&changes, src);
	gn_sb_add(&changes, "]}");
	st = gn_audit(ctx, "form_add", "form", form->id, NULL, gn_sb_str(&changes), err);
	gn_sb_free(&changes);
	if (st != GN_OK)
		goto out;
	bool replacing = access(final, F_OK) == 0;
	if ((replacing && rename(final, old) != 0) || rename(tmp, final) != 0) {
		st = gn_fail(err, GN_ERR_IO, _("cannot put the form in %s: %s"), final, strerror(errno));
		if (replacing)
			rename(old, final);
		goto out;
	}
	made_tmp = false;
	if (replacing)
		remove_folder(old);
out:
	if (made_tmp)
		remove_folder(tmp);
	gn_sb_free(&media);
	gn_sb_free(&missing);
	gn_form_free(form);
	return st;
}

/* The installed form's file to load: its workbook, else its folder. */
static void installed_path(const char *dir, const char *id, char *out, size_t size)
{
	snprintf(out, size, "%s/%s/%s.xlsx", dir, id, id);
	if (access(out, R_OK) == 0)
		return;
	snprintf(out, size, "%s/%s/%s.xls", dir, id, id);
	if (access(out, R_OK) == 0)
		return;
	snprintf(out, size, "%s/%s", dir, id);
}

gn_status gn_registry_load(sqlite3 *db, const char *db_path, const char *form_id, gn_form **out,
                           gn_form_problems *problems, gn_err *err)
{
	char dir[PATH_MAX], path[PATH_MAX + 160];
	*out = NULL;
	if (strcmp(form_id, GN_FORM_CENSUS) == 0) {
		snprintf(path, sizeof path, "%s/%s", gn_forms_dir(dir, sizeof dir), GN_FORM_CENSUS);
		return gn_form_load(path, db, out, problems, err);
	}
	gn_status st = gn_registry_dir(db_path, dir, sizeof dir, err);
	if (st != GN_OK)
		return st;
	if (!id_is_folder_name(form_id))
		return gn_fail(err, GN_ERR_NOT_FOUND, _("there is no form %s in this ward"), form_id);
	installed_path(dir, form_id, path, sizeof path);
	if (access(path, R_OK) != 0)
		return gn_fail(err, GN_ERR_NOT_FOUND, _("there is no form %s in this ward (gonha form add installs one)"),
		               form_id);
	return gn_form_load_any(path, db, out, NULL, problems, err);
}

gn_status gn_registry_form_of_tdp(sqlite3 *db, const char *tdp_id, char id[64], gn_err *err)
{
	sqlite3_stmt *q = NULL;
	snprintf(id, 64, "%s", GN_FORM_CENSUS);
	if (sqlite3_prepare_v2(db, "SELECT " GN_SQL_TDP_FORM("?1"), -1, &q, NULL) != SQLITE_OK)
		return gn_db_fail(db, err, "tdp");
	sqlite3_bind_text(q, 1, tdp_id, -1, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		snprintf(id, 64, "%s", (const char *)sqlite3_column_text(q, 0));
	gn_status st = rc == SQLITE_ROW || rc == SQLITE_DONE ? GN_OK : gn_db_fail(db, err, "tdp");
	sqlite3_finalize(q);
	return st;
}

/* The TDPs entering each form, "01 02". */
static gn_status tdps_of(sqlite3 *db, const char *form_id, char *out, size_t size, gn_err *err)
{
	sqlite3_stmt *q = NULL;
	out[0] = '\0';
	if (sqlite3_prepare_v2(db, "SELECT code FROM tdp WHERE coalesce(form_id, '" GN_FORM_CENSUS "') = ?1 "
	                       "ORDER BY sort_order, code", -1, &q, NULL) != SQLITE_OK)
		return gn_db_fail(db, err, "tdp");
	sqlite3_bind_text(q, 1, form_id, -1, SQLITE_STATIC);
	size_t len = 0;
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW && len + 1 < size)
		len += (size_t)snprintf(out + len, size - len, "%s%s", len ? " " : "", (const char *)sqlite3_column_text(q, 0));
	gn_status st = rc == SQLITE_ROW || rc == SQLITE_DONE ? GN_OK : gn_db_fail(db, err, "tdp");
	sqlite3_finalize(q);
	return st;
}

static int by_id(const void *a, const void *b)
{
	return strcmp(((const gn_reg_form *)a)->id, ((const gn_reg_form *)b)->id);
}

gn_status gn_registry_list(gn_ctx *ctx, const char *db_path, gn_reg_form **out, size_t *n, gn_err *err)
{
	char dir[PATH_MAX];
	*out = NULL;
	*n = 0;
	gn_status st = gn_registry_dir(db_path, dir, sizeof dir, err);
	if (st != GN_OK)
		return st;
	size_t cap = 8;
	gn_reg_form *list = calloc(cap, sizeof *list);
	if (!list)
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	snprintf(list[(*n)++].id, sizeof list->id, "%s", GN_FORM_CENSUS);
	DIR *d = opendir(dir); /* none yet: only census */
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL) {
		if (!id_is_folder_name(e->d_name) || strcmp(e->d_name, GN_FORM_CENSUS) == 0)
			continue;
		if (*n == cap) {
			gn_reg_form *more = realloc(list, 2 * cap * sizeof *more);
			if (!more) {
				st = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
				break;
			}
			list = more;
			cap *= 2;
		}
		memset(&list[*n], 0, sizeof *list);
		memcpy(list[(*n)++].id, e->d_name, strlen(e->d_name) + 1); /* fits: id_is_folder_name */
	}
	if (d)
		closedir(d);
	if (*n > 1)
		qsort(list + 1, *n - 1, sizeof *list, by_id);
	for (size_t i = 0; i < *n && st == GN_OK; i++) {
		gn_form *form = NULL;
		gn_form_problems problems = { 0 };
		gn_err ignored = { 0 };
		list[i].loads = gn_registry_load(ctx->db, db_path, list[i].id, &form, &problems, &ignored) == GN_OK;
		if (form) {
			snprintf(list[i].version, sizeof list[i].version, "%s", form->version);
			snprintf(list[i].title, sizeof list[i].title, "%s", gn_form_title(form));
		}
		gn_form_free(form);
		gn_form_problems_free(&problems);
		st = tdps_of(ctx->db, list[i].id, list[i].tdps, sizeof list[i].tdps, err);
	}
	if (st != GN_OK) {
		free(list);
		*n = 0;
		return st;
	}
	*out = list;
	return GN_OK;
}

gn_status gn_registry_use(gn_ctx *ctx, const char *db_path, const char *form_id, const char *tdp_code,
                          long *changed, gn_err *err)
{
	sqlite3_stmt *q = NULL, *set = NULL;
	gn_form *form = NULL;
	gn_form_problems problems = { 0 };
	*changed = 0;
	gn_status st = gn_scope_require_officer(ctx, err);
	if (st == GN_OK) /* it must load, here and now */
		st = gn_registry_load(ctx->db, db_path, form_id, &form, &problems, err);
	gn_form_problems_free(&problems);
	if (st != GN_OK)
		return st;
	bool census = strcmp(form_id, GN_FORM_CENSUS) == 0;
	if ((st = gn_db_exec(ctx->db, "BEGIN IMMEDIATE", err)) != GN_OK)
		goto out;
	if (sqlite3_prepare_v2(ctx->db, "SELECT id, code, coalesce(form_id, '" GN_FORM_CENSUS "') FROM tdp "
	                       "WHERE (?1 IS NULL OR code = ?1) ORDER BY sort_order, code", -1, &q, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(ctx->db, "UPDATE tdp SET form_id = ?2 WHERE id = ?1", -1, &set, NULL) != SQLITE_OK) {
		st = gn_db_fail(ctx->db, err, "tdp");
		goto rollback;
	}
	if (tdp_code)
		sqlite3_bind_text(q, 1, tdp_code, -1, SQLITE_STATIC);
	long seen = 0;
	int rc = SQLITE_DONE;
	while (st == GN_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		seen++;
		const char *id = (const char *)sqlite3_column_text(q, 0), *was = (const char *)sqlite3_column_text(q, 2);
		if (strcmp(was, form_id) == 0)
			continue;
		sqlite3_reset(set);
		sqlite3_bind_text(set, 1, id, -1, SQLITE_TRANSIENT);
		if (census)
			sqlite3_bind_null(set, 2);
		else
			sqlite3_bind_text(set, 2, form_id, -1, SQLITE_STATIC);
		if (sqlite3_step(set) != SQLITE_DONE) {
			st = gn_db_fail(ctx->db, err, "tdp");
			break;
		}
		gn_strbuf changes = { 0 };
		gn_sb_add(&changes, "{\"form_id\":[");
		gn_sb_json_str(&changes, was);
		gn_sb_add(&changes, ",");
		gn_sb_json_str(&changes, form_id);
		gn_sb_add(&changes, "]}");
		st = gn_audit(ctx, "form_use", "tdp", id, id, gn_sb_str(&changes), err);
		gn_sb_free(&changes);
		(*changed)++;
	}
	if (st == GN_OK && rc != SQLITE_DONE)
		st = gn_db_fail(ctx->db, err, "tdp");
	if (st == GN_OK && seen == 0)
		st = gn_fail(err, GN_ERR_NOT_FOUND, _("there is no TDP %s"), tdp_code ? tdp_code : "");
	if (st == GN_OK) {
		st = gn_db_exec(ctx->db, "COMMIT", err);
		goto out;
	}
rollback:
	{
		gn_err ignored = { 0 };
		gn_db_exec(ctx->db, "ROLLBACK", &ignored);
		*changed = 0;
	}
out:
	sqlite3_finalize(q);
	sqlite3_finalize(set);
	gn_form_free(form);
	return st;
}

void gn_tdp_forms_init(gn_tdp_forms *c, sqlite3 *db, const char *db_path, gn_form *base)
{
	memset(c, 0, sizeof *c);
	c->db = db;
	snprintf(c->db_path, sizeof c->db_path, "%s", db_path ? db_path : "");
	c->base = base;
}

gn_status gn_tdp_forms_by_id(gn_tdp_forms *c, const char *form_id, gn_form **out, gn_err *err)
{
	*out = NULL;
	if (strcmp(form_id, GN_FORM_CENSUS) == 0 || (c->base && strcmp(form_id, c->base->id) == 0)) {
		if (!c->base)
			return gn_fail(err, GN_ERR_NOT_FOUND, _("there is no form %s in this ward"), form_id);
		*out = c->base;
		return GN_OK;
	}
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->slots[i].id, form_id) == 0) {
			*out = c->slots[i].form;
			return GN_OK;
		}
	gn_tdp_form_slot *grown = realloc(c->slots, (c->n + 1) * sizeof *grown);
	if (!grown)
		return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	c->slots = grown;
	gn_form *form = NULL;
	gn_form_problems problems = { 0 };
	gn_err e = { 0 };
	gn_status st = gn_registry_load(c->db, c->db_path, form_id, &form, &problems, &e);
	gn_form_problems_free(&problems);
	if (st != GN_OK)
		return gn_fail(err, st, _("This TDP enters the form %s, which does not load: %s (gonha form check shows why)"),
		               form_id, e.msg);
	snprintf(c->slots[c->n].id, sizeof c->slots[c->n].id, "%s", form_id);
	c->slots[c->n++].form = form;
	*out = form;
	return GN_OK;
}

gn_status gn_tdp_forms_of(gn_tdp_forms *c, const char *tdp_id, gn_form **out, gn_err *err)
{
	char id[64];
	*out = NULL;
	gn_status st = gn_registry_form_of_tdp(c->db, tdp_id, id, err);
	if (st == GN_OK)
		st = gn_tdp_forms_by_id(c, id, out, err);
	return st;
}

gn_status gn_tdp_forms_used(gn_tdp_forms *c, char (**ids)[64], size_t *n, gn_err *err)
{
	sqlite3_stmt *q = NULL;
	*ids = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(c->db, "SELECT DISTINCT coalesce(form_id, '" GN_FORM_CENSUS "') AS f FROM tdp "
	                       "ORDER BY f <> '" GN_FORM_CENSUS "', f", -1, &q, NULL) != SQLITE_OK)
		return gn_db_fail(c->db, err, "tdp");
	gn_status st = GN_OK;
	int rc = SQLITE_DONE;
	while (st == GN_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		char (*grown)[64] = realloc(*ids, (*n + 1) * sizeof *grown);
		if (!grown) {
			st = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
			break;
		}
		*ids = grown;
		snprintf((*ids)[(*n)++], 64, "%s", (const char *)sqlite3_column_text(q, 0));
	}
	if (st == GN_OK && rc != SQLITE_DONE)
		st = gn_db_fail(c->db, err, "tdp");
	sqlite3_finalize(q);
	if (st == GN_OK && *n == 0) { /* a ward with no TDP yet: census */
		if (!(*ids = calloc(1, sizeof **ids)))
			return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
		snprintf((*ids)[0], sizeof (*ids)[0], "%s", GN_FORM_CENSUS);
		*n = 1;
	}
	if (st != GN_OK) {
		free(*ids);
		*ids = NULL;
		*n = 0;
	}
	return st;
}

bool gn_tdp_forms_measures(const gn_tdp_forms *c, const gn_form *form)
{
	return form && form == c->base;
}

void gn_tdp_forms_free(gn_tdp_forms *c)
{
	for (size_t i = 0; i < c->n; i++)
		gn_form_free(c->slots[i].form);
	free(c->slots);
	memset(c, 0, sizeof *c);
}
