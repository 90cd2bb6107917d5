/* What the end-to-end tests of the headless commands share: the real
 * binary run as a user in the test's folder, its output, files and SQL
 * answers from that folder, and a CSV file taken apart and written back
 * the way a spreadsheet would save it. */
#ifndef GONHA_TESTS_E2E_FIXTURES_H
#define GONHA_TESTS_E2E_FIXTURES_H

#include <stdbool.h>
#include <stddef.h>

/* stdout and stderr of the last gn_e2e_run */
extern char gn_e2e_out[1 << 16], gn_e2e_err[1 << 16];

/* The binary under test: $GONHA_BIN, else ./gonha. */
const char *gn_e2e_bin(void);

/* `gonha <args>` (a shell fragment) in the test folder with GONHA_NOW
 * fixed, English messages, TMPDIR a folder of its own there, and env
 * (more NAME=value words, later ones winning); returns the exit status. */
int gn_e2e_run_env(const char *env, const char *args);
/* The same signed in as user (password demo). */
int gn_e2e_run(const char *user, const char *args);

/* A path in the test folder (eight kept at a time). */
const char *gn_e2e_path(const char *name);

char *gn_e2e_read(const char *name, size_t *len); /* malloc'd, NUL-ended; NULL if missing */
void gn_e2e_write(const char *name, const char *data, size_t len);
bool gn_e2e_same_files(const char *a, const char *b);

/* One SQL answer from a database in the test folder, as text ("" when none). */
const char *gn_e2e_sql1(const char *db, const char *sql);
/* Whether text holds want; if not, says so with the text (for CHECK). */
bool gn_e2e_has(const char *text, const char *want);

/* Every count and version that could change, in one string. */
const char *gn_e2e_fingerprint(const char *db);

/* A fresh test folder with a demo ward of 3 TDPs x 12 households. */
bool gn_e2e_demo(const char *db);

/* As the ward officer installs a form: `gonha form add DIR`, then `gonha
 * form use FORM_ID` for TDP tdp_code, or every TDP when it is NULL. 0 when
 * both commands succeed. */
int gn_e2e_form_install(const char *db, const char *dir, const char *form_id, const char *tdp_code);

/* The citizen IDs of a ward in the test folder, whole (an --with-ids
 * export by admin): up to max of them into ids[k][13]; how many. */
int gn_e2e_cccds(const char *db, char (*ids)[13], int max);
/* How many times needle occurs in the bytes of the file (-1: no file). */
int gn_e2e_occurrences(const char *name, const char *needle);

/* A PDF of the test folder read back with poppler-utils: its text laid
 * out as on the page (pdftotext -layout; malloc'd, NULL when it cannot be
 * read); the number of its fonts when every one is family (a subset
 * "ABCDEF+LiberationSans-Bold" counts) and embedded, else -1 (and says
 * which); its pages drawn as PNG files png_prefix-N.png (pdftoppm), how
 * many (-1 when it failed). */
char *gn_e2e_pdf_text(const char *name);
int gn_e2e_pdf_fonts(const char *name, const char *family);
int gn_e2e_pdf_pages(const char *name, const char *png_prefix);

/* A CSV file as cells. */
typedef struct gn_csv_table {
	char **cells;    /* row-major, owned */
	size_t cols, rows, n, cap;
} gn_csv_table;

bool gn_csv_read(const char *name, gn_csv_table *t); /* a BOM is skipped */
int gn_csv_col(const gn_csv_table *t, const char *header);
char *gn_csv_cell(gn_csv_table *t, size_t row, int col); /* row 0 is the header */
void gn_csv_set(gn_csv_table *t, size_t row, int col, const char *value);
/* Writes it back: sep ',' or ';', quote every cell or only where needed,
 * CRLF or LF, with or without a BOM. */
void gn_csv_write(const gn_csv_table *t, const char *name, char sep, bool quote_all, bool crlf, bool bom);
void gn_csv_free(gn_csv_table *t);

#endif
