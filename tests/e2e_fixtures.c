/* Shared fixtures of the end-to-end tests (e2e_fixtures.h). */
#include "e2e_fixtures.h"
#include "testlib.h"

#include <csv.h>
#include <sqlite3.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

char gn_e2e_out[1 << 16], gn_e2e_err[1 << 16];

const char *gn_e2e_bin(void)
{
	const char *b = getenv("GONHA_BIN");
	return b && *b ? b : "./gonha";
}

static void slurp(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, size - 1, f) : 0;
	buf[n] = '\0';
	if (f)
		fclose(f);
}

int gn_e2e_run_env(const char *env, const char *args)
{
	char cmd[8192], o[512], e[512];
	const char *dir = gn_test_tmpdir();
	snprintf(o, sizeof o, "%s/out.txt", dir);
	snprintf(e, sizeof e, "%s/err.txt", dir);
	snprintf(cmd, sizeof cmd,
	         "cd '%s' && mkdir -p tmp && env TMPDIR='%s/tmp' GONHA_NOW=2026-11-20T09:00:00Z GONHA_LANG=en %s '%s' %s "
	         "</dev/null >'%s' 2>'%s'",
	         dir, dir, env ? env : "", gn_e2e_bin(), args, o, e);
	int status = system(cmd);
	slurp(o, gn_e2e_out, sizeof gn_e2e_out);
	slurp(e, gn_e2e_err, sizeof gn_e2e_err);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

int gn_e2e_run(const char *user, const char *args)
{
	char env[256];
	snprintf(env, sizeof env, "GONHA_USER=%s GONHA_PASSWORD=demo GONHA_NEW_PASSWORD=demo", user);
	return gn_e2e_run_env(env, args);
}

bool gn_e2e_same_files(const char *a, const char *b)
{
	size_t la, lb;
	char *x = gn_e2e_read(a, &la), *y = gn_e2e_read(b, &lb);
	bool same = x && y && la == lb && memcmp(x, y, la) == 0;
	free(x);
	free(y);
	return same;
}

const char *gn_e2e_path(const char *name)
{
	static char buf[8][1024];
	static int k;
	k = (k + 1) % 8;
	int n = snprintf(buf[k], sizeof buf[k], "%s/%s", gn_test_tmpdir(), name);
	return n >= 0 && (size_t)n < sizeof buf[k] ? buf[k] : "/nonexistent/path-too-long"; /* never a cut path */
}

char *gn_e2e_read(const char *name, size_t *len)
{
	FILE *f = fopen(gn_e2e_path(name), "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *data = malloc((size_t)n + 1);
	size_t got = data ? fread(data, 1, (size_t)n, f) : 0;
	if (data)
		data[got] = '\0';
	fclose(f);
	if (len)
		*len = got;
	return data;
}

void gn_e2e_write(const char *name, const char *data, size_t len)
{
	FILE *f = fopen(gn_e2e_path(name), "wb");
	if (!f)
		return;
	fwrite(data, 1, len, f);
	fclose(f);
}

const char *gn_e2e_sql1(const char *db, const char *sql)
{
	static char buf[1 << 14];
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	buf[0] = '\0';
	if (sqlite3_open_v2(gn_e2e_path(db), &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_text(st, 0))
		snprintf(buf, sizeof buf, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(h);
	return buf;
}

/* The refusals the log records are no change: left out. */
const char *gn_e2e_fingerprint(const char *db)
{
	static char buf[1 << 14];
	snprintf(buf, sizeof buf, "%s",
	         gn_e2e_sql1(db, "SELECT (SELECT count(*) || ':' || total(rev) || ':' || group_concat(version) FROM "
	                         "(SELECT rev, version FROM household ORDER BY id)) || '|' || (SELECT count(*) || ':' || "
	                         "total(rev) || ':' || group_concat(version) FROM (SELECT rev, version FROM person ORDER BY "
	                         "id)) || '|' || (SELECT count(*) FROM audit_log WHERE action <> 'refused') || '|' || "
	                         "(SELECT count(*) FROM merge_conflict)"));
	return buf;
}

bool gn_e2e_demo(const char *db)
{
	char args[512];
	snprintf(args, sizeof args, "rm -rf '%s'/*", gn_test_tmpdir());
	if (system(args) != 0)
		return false;
	snprintf(args, sizeof args, "demo --db %s --tdps 3 --households 12 --seed 7", db);
	return gn_e2e_run("admin", args) == 0;
}

int gn_e2e_form_install(const char *db, const char *dir, const char *form_id, const char *tdp_code)
{
	static const char officer[] = "GONHA_USER=admin GONHA_PASSWORD=demo";
	char args[2 * PATH_MAX + 256];
	snprintf(args, sizeof args, "form add '%s' --db '%s'", dir, db);
	if (gn_e2e_run_env(officer, args) != 0)
		return 1;
	snprintf(args, sizeof args, "form use '%s' %s%s --db '%s'", form_id, tdp_code ? "--tdp " : "--all",
	         tdp_code ? tdp_code : "", db);
	return gn_e2e_run_env(officer, args);
}

int gn_e2e_cccds(const char *db, char (*ids)[13], int max)
{
	char args[1024];
	snprintf(args, sizeof args, "export --db %s --what persons --with-ids --out ids-of-%s.csv", db, db);
	gn_e2e_run_env("GONHA_USER=admin GONHA_PASSWORD=demo", args);
	snprintf(args, sizeof args, "ids-of-%s.csv", db);
	gn_csv_table t = { 0 };
	int n = 0;
	if (!gn_csv_read(args, &t))
		return 0;
	int col = gn_csv_col(&t, "cccd");
	for (size_t r = 1; col >= 0 && r < t.rows && n < max; r++) {
		const char *c = gn_csv_cell(&t, r, col);
		if (c && strlen(c) == 12)
			snprintf(ids[n++], 13, "%s", c);
	}
	gn_csv_free(&t);
	unlink(gn_e2e_path(args));
	return n;
}

int gn_e2e_occurrences(const char *name, const char *needle)
{
	size_t len = 0;
	char *data = gn_e2e_read(name, &len);
	if (!data)
		return -1;
	int n = 0;
	size_t nl = strlen(needle);
	for (size_t i = 0; nl && i + nl <= len; i++)
		n += memcmp(data + i, needle, nl) == 0;
	free(data);
	return n;
}

/* ---- CSV tables ---------------------------------------------------------- */

static void on_cell(void *data, size_t len, void *arg)
{
	gn_csv_table *t = arg;
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 1024;
		t->cells = realloc(t->cells, t->cap * sizeof *t->cells);
	}
	t->cells[t->n++] = strndup(data ? data : "", len);
}

static void on_row_end(int c, void *arg)
{
	(void)c;
	gn_csv_table *t = arg;
	if (t->rows == 0)
		t->cols = t->n;
	t->rows++;
}

bool gn_csv_read(const char *name, gn_csv_table *t)
{
	memset(t, 0, sizeof *t);
	size_t len;
	char *data = gn_e2e_read(name, &len);
	if (!data)
		return false;
	size_t skip = len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
	struct csv_parser p;
	csv_init(&p, CSV_APPEND_NULL);
	csv_parse(&p, data + skip, len - skip, on_cell, on_row_end, t);
	csv_fini(&p, on_cell, on_row_end, t);
	csv_free(&p);
	free(data);
	return t->cols > 0 && t->n == t->cols * t->rows;
}

int gn_csv_col(const gn_csv_table *t, const char *header)
{
	for (size_t c = 0; c < t->cols; c++)
		if (strcmp(t->cells[c], header) == 0)
			return (int)c;
	return -1;
}

char *gn_csv_cell(gn_csv_table *t, size_t row, int col)
{
	return col >= 0 && row < t->rows ? t->cells[row * t->cols + (size_t)col] : NULL;
}

void gn_csv_set(gn_csv_table *t, size_t row, int col, const char *value)
{
	if (col < 0 || row >= t->rows)
		return;
	char *copy = strdup(value); /* value may be the cell itself */
	free(t->cells[row * t->cols + (size_t)col]);
	t->cells[row * t->cols + (size_t)col] = copy;
}

void gn_csv_write(const gn_csv_table *t, const char *name, char sep, bool quote_all, bool crlf, bool bom)
{
	FILE *f = fopen(gn_e2e_path(name), "wb");
	if (!f)
		return;
	if (bom)
		fputs("\xef\xbb\xbf", f);
	for (size_t r = 0; r < t->rows; r++) {
		for (size_t c = 0; c < t->cols; c++) {
			const char *v = t->cells[r * t->cols + c];
			if (c)
				fputc(sep, f);
			bool quote = quote_all || strchr(v, sep) || strchr(v, '"') || strchr(v, '\n') || strchr(v, '\r');
			if (!quote) {
				fputs(v, f);
				continue;
			}
			fputc('"', f);
			for (const char *p = v; *p; p++) {
				if (*p == '"')
					fputc('"', f);
				fputc(*p, f);
			}
			fputc('"', f);
		}
		fputs(crlf ? "\r\n" : "\n", f);
	}
	fclose(f);
}

void gn_csv_free(gn_csv_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->cells[i]);
	free(t->cells);
	memset(t, 0, sizeof *t);
}

bool gn_e2e_has(const char *text, const char *want)
{
	if (strstr(text, want))
		return true;
	fprintf(stderr, "  expected \"%s\" in:\n%s\n", want, text);
	return false;
}

/* The output of a shell command, malloc'd (NULL when it failed). */
static char *command_output(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	if (!p)
		return NULL;
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	while (buf) {
		if (len + 4096 > cap) {
			char *bigger = realloc(buf, cap * 2);
			if (!bigger) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = bigger;
			cap *= 2;
		}
		size_t n = fread(buf + len, 1, cap - len - 1, p);
		if (n == 0)
			break;
		len += n;
	}
	int status = pclose(p);
	if (buf)
		buf[len] = '\0';
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

char *gn_e2e_pdf_text(const char *name)
{
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "pdftotext -layout -enc UTF-8 '%s' - 2>/dev/null", gn_e2e_path(name));
	return command_output(cmd);
}

int gn_e2e_pdf_fonts(const char *name, const char *family)
{
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "pdffonts '%s' 2>/dev/null", gn_e2e_path(name));
	char *out = command_output(cmd);
	if (!out)
		return -1;
	/* name type... emb sub uni object ID: after the two header lines */
	int n = 0;
	bool bad = false;
	char *save = NULL;
	int lineno = 0;
	for (char *l = strtok_r(out, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (lineno++ < 2)
			continue;
		char font[256] = "";
		sscanf(l, "%255s", font);
		const char *plus = strchr(font, '+'); /* ABCDEF+LiberationSans: a subset */
		const char *fam = plus ? plus + 1 : font;
		/* emb is the third field from the right of "emb sub uni object ID" */
		char emb[8] = "";
		char *f[16];
		int k = 0;
		for (char *w = strtok(l, " "); w && k < 16; w = strtok(NULL, " "))
			f[k++] = w;
		if (k >= 5)
			snprintf(emb, sizeof emb, "%s", f[k - 5]);
		if (strncmp(fam, family, strlen(family)) != 0 || strcmp(emb, "yes") != 0) {
			fprintf(stderr, "  font %s (embedded: %s) is not %s, embedded\n", font, emb, family);
			bad = true;
		}
		n++;
	}
	free(out);
	return bad ? -1 : n;
}

int gn_e2e_pdf_pages(const char *name, const char *png_prefix)
{
	char cmd[4096];
	snprintf(cmd, sizeof cmd, "pdftoppm -png -r 70 '%s' '%s' 2>/dev/null && ls '%s'-*.png 2>/dev/null | wc -l",
	         gn_e2e_path(name), png_prefix, png_prefix);
	char *out = command_output(cmd);
	int n = out ? atoi(out) : -1;
	free(out);
	return n;
}
