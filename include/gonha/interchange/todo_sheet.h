/* The tech team's to-do list: the people of a TDP not yet counted in one
 * indicator, in walking order, with what each lacks. Kept in memory for
 * the screen, written as CSV (for Excel: UTF-8 with BOM, CRLF) or as a
 * plain-text sheet to print and carry. No curses here, so a headless
 * command can write the same files. CCCD numbers are never included. */
#ifndef GONHA_TODO_SHEET_H
#define GONHA_TODO_SHEET_H

#include <stdio.h>

#include "gonha/domain/coverage.h"
#include "gonha/forms/form.h"

typedef struct gn_todo_item {
	char *person_id, *full_name, *house_no, *alley, *street, *tdp_code;
	char *lacks; /* as gn_cov_person.lacks: "smartphone;online_services/cashless" */
	int birth_year, age; /* age -1 when the birth year is unknown */
} gn_todo_item;

typedef struct gn_todo_list {
	int indicator;          /* index in the set */
	char tdp_id[37];        /* "" for every TDP the user may see */
	char tdp_code[16], tdp_name[128];
	gn_todo_item *items;    /* owned */
	size_t n, cap;
} gn_todo_list;

/* Loads the people missing from an indicator (scope checked; tdp_id NULL
 * for every visible TDP). */
gn_status gn_todo_load(gn_ctx *ctx, const gn_cov_set *set, int indicator, const char *tdp_id,
                       gn_todo_list *out, gn_err *err);
void gn_todo_list_free(gn_todo_list *list);

/* A screen's worth, for one TDP: how many are missing, from the kept
 * counters (no row read), and the items [offset, offset + limit) of the
 * list gn_todo_load gives, read a page at a time (total: the count). */
gn_status gn_todo_count(gn_ctx *ctx, const gn_cov_set *set, int indicator, const char *tdp_id, size_t *n,
                        gn_err *err);
gn_status gn_todo_load_page(gn_ctx *ctx, const gn_cov_set *set, int indicator, const char *tdp_id,
                            size_t total, size_t offset, size_t limit, gn_todo_list *out, gn_err *err);

/* "12 ngõ 45/ngách 3, Lương Ngọc Quyến" */
void gn_todo_address(const gn_todo_item *it, char *out, size_t size);

/* What a person lacks, in words: the form's labels of the answers (the
 * names when form is NULL or does not have them), parts joined by "; ",
 * alternatives by " or ". */
void gn_todo_lacks_text(const gn_form *form, const char *lacks, char *out, size_t size);

/* An indicator's label in the UI language (its name when it has none). */
const char *gn_todo_indicator_label(const gn_cov_def *d);

typedef enum gn_todo_format {
	GN_TODO_CSV = 0,  /* BOM, CRLF, csv_fwrite quoting */
	GN_TODO_TEXT,     /* a sheet to print */
} gn_todo_format;

/* Writes the list. set and form give the indicator's and answers' labels
 * (form may be NULL). */
gn_status gn_todo_write(gn_ctx *ctx, const gn_cov_set *set, const gn_form *form, const gn_todo_list *list,
                        gn_todo_format format, FILE *out, gn_err *err);

/* Writes the list to a new file in dir (NULL = the current directory),
 * named "thieu-<indicator>-<tdp code>-<YYYYMMDD-HHMMSS>[-N].csv|txt", mode
 * 0600, whole or not at all (gn_private_create / gn_private_publish); never
 * replaces a file. The path written goes to path_out. */
gn_status gn_todo_export(gn_ctx *ctx, const gn_cov_set *set, const gn_form *form, const gn_todo_list *list,
                         gn_todo_format format, const char *dir, char *path_out, size_t path_size,
                         gn_err *err);

#endif
