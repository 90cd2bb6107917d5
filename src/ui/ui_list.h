/* The one list widget: the cursor, the first row drawn, the rows drawn and
 * paging, for every list screen (home, a TDP, the accounts, the audit log,
 * the coverage screens, the conflicts, help). The view says how many rows
 * its list has and how many lines it draws them in; the main loop moves
 * the cursor (ui.c: handle), so paging always goes by the rows actually
 * drawn. Without curses, so that it can be tested on its own. */
#ifndef GONHA_UI_LIST_H
#define GONHA_UI_LIST_H

#include <stdbool.h>
#include <stddef.h>

typedef struct ui_list {
	size_t n;       /* rows in the list */
	size_t cur;     /* the row under the cursor (0 when the list is empty) */
	size_t top;     /* the first row drawn */
	size_t lines;   /* rows the view has room for (set by ui_list_layout) */
	size_t shown;   /* rows drawn the last time, when fewer than lines (headings
	                 * took some): a page; 0 = lines */
	bool scroll;    /* no cursor: the keys scroll the text (help, details) */
} ui_list;

/* The generic movements (the main loop maps Up, Down, PgUp, PgDn, Home,
 * End and the wheel to these). */
typedef enum ui_move {
	UL_UP, UL_DOWN, UL_PAGE_UP, UL_PAGE_DOWN, UL_FIRST, UL_LAST,
} ui_move;

/* The list now has n rows: the cursor stays on a row. */
void ui_list_set_count(ui_list *l, size_t n);
/* Puts the cursor on row i (clamped to the list). */
void ui_list_set_cursor(ui_list *l, size_t i);
/* Before drawing: the view has `lines` lines for rows (at least one is
 * used). The first row drawn moves so that the cursor is on screen, and no
 * line stays empty at the bottom while rows above could fill it (after a
 * resize or a shorter list). */
void ui_list_layout(ui_list *l, size_t lines);
/* After drawing, by a view whose rows do not each take one line: the rows
 * it drew (a page is then that many). */
void ui_list_drawn(ui_list *l, size_t rows);
/* The rows a page moves by: the rows drawn. */
size_t ui_list_page(const ui_list *l);
/* Moves the cursor (or the text, for a scroll list). */
void ui_list_move(ui_list *l, ui_move m);
/* The row drawn on the list's line `line` (0 = the first line of rows), or
 * (size_t)-1 for none: where a click went. */
size_t ui_list_row_at(const ui_list *l, int line);
/* Row i is drawn (between top and the last row drawn). */
bool ui_list_visible(const ui_list *l, size_t i);

#endif
