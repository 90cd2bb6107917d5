/* The editing buffer behind the one-line text input: UTF-8 text with a
 * cursor that moves by user-perceived character (a base letter and its
 * combining marks, as Unikey sends them in NFD), a horizontal scroll that
 * keeps the cursor inside a field of a given width in terminal columns,
 * and insertion that keeps control characters and escape sequences out.
 * No curses here, so it is unit tested on its own. */
#ifndef GONHA_EDITBUF_H
#define GONHA_EDITBUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct gn_editbuf {
	char *text;       /* owned, NUL-terminated, always valid UTF-8 */
	size_t len;       /* bytes */
	size_t cap;
	size_t cursor;    /* byte offset, always on a character boundary */
	size_t scroll;    /* byte offset of the first character shown */
	size_t max_bytes; /* 0 = no limit */
	bool changed;     /* set on every edit; the owner clears it */
} gn_editbuf;

void gn_eb_init(gn_editbuf *eb, size_t max_bytes);
void gn_eb_free(gn_editbuf *eb);

/* Replaces the text (invalid bytes and controls dropped); cursor at end. */
bool gn_eb_set(gn_editbuf *eb, const char *text);

/* Inserts typed or pasted bytes at the cursor: invalid UTF-8 is dropped,
 * newlines and tabs become spaces, other C0/C1 controls and DEL are
 * dropped, and a whole ESC sequence (CSI, OSC, ...) is dropped with its
 * ESC. Returns false only when out of memory. */
bool gn_eb_insert(gn_editbuf *eb, const char *bytes, size_t n);

/* Inserts one character given as a code point (from get_wch). */
bool gn_eb_insert_wc(gn_editbuf *eb, unsigned int wc);

void gn_eb_left(gn_editbuf *eb);
void gn_eb_right(gn_editbuf *eb);
void gn_eb_home(gn_editbuf *eb);
void gn_eb_end(gn_editbuf *eb);
void gn_eb_word_left(gn_editbuf *eb);
void gn_eb_word_right(gn_editbuf *eb);
void gn_eb_backspace(gn_editbuf *eb);   /* removes the character before the cursor */
void gn_eb_delete(gn_editbuf *eb);      /* removes the character under the cursor */
void gn_eb_kill_start(gn_editbuf *eb);  /* removes from the start to the cursor */
void gn_eb_kill_end(gn_editbuf *eb);    /* removes from the cursor to the end */

/* Scrolls so that the cursor is visible in a field `width` columns wide
 * and returns the column of the cursor inside the field. *shown_bytes is
 * how many bytes from eb->scroll fit in the width. */
int gn_eb_view(gn_editbuf *eb, int width, size_t *shown_bytes);

/* Number of characters (grapheme clusters) in the text. */
size_t gn_eb_chars(const gn_editbuf *eb);

#endif
