/* The single-line text input: keys onto the editing buffer (editbuf.c,
 * which keeps controls out and moves by character), and drawing it inside
 * its field, scrolled so the cursor stays visible. */
#include "ui.h"
#include "gonha/text/text.h"

#include <stdlib.h>
#include <string.h>

bool ui_input_key(gn_editbuf *eb, int key)
{
	if (key & UI_FN) {
		switch (key & ~UI_FN) {
		case KEY_LEFT: gn_eb_left(eb); return true;
		case KEY_RIGHT: gn_eb_right(eb); return true;
		case KEY_HOME: gn_eb_home(eb); return true;
		case KEY_END: gn_eb_end(eb); return true;
		case KEY_BACKSPACE: gn_eb_backspace(eb); return true;
		case KEY_DC: gn_eb_delete(eb); return true;
		case KEY_SLEFT: gn_eb_word_left(eb); return true;
		case KEY_SRIGHT: gn_eb_word_right(eb); return true;
		default: return false;
		}
	}
	switch (key) {
	case 0x7F:
	case UI_CTRL('h'): gn_eb_backspace(eb); return true;
	case UI_CTRL('a'): gn_eb_home(eb); return true;
	case UI_CTRL('e'): gn_eb_end(eb); return true;
	case UI_CTRL('u'): gn_eb_kill_start(eb); return true;
	case UI_CTRL('k'): gn_eb_kill_end(eb); return true;
	case UI_CTRL('w'): {
		size_t end = eb->cursor;
		gn_eb_word_left(eb);
		size_t start = eb->cursor;
		eb->cursor = end;
		while (eb->cursor > start)
			gn_eb_backspace(eb);
		return true;
	}
	default:
		break;
	}
	if (key < 0x20 || (key >= 0x7F && key < 0xA0))
		return false;
	gn_eb_insert_wc(eb, (unsigned)key);
	return true;
}

void ui_input_draw(gn_editbuf *eb, int y, int x, int cols, bool secret, bool focused)
{
	if (cols < 1)
		return;
	if (secret) {
		size_t n = gn_eb_chars(eb);
		char stars[64];
		size_t k = n < sizeof stars - 1 ? n : sizeof stars - 1;
		if ((int)k > cols - 1)
			k = (size_t)(cols - 1);
		memset(stars, '*', k);
		stars[k] = '\0';
		ui_put_pad(y, x, cols, stars);
		if (focused)
			move(y, x + (int)k);
		return;
	}
	size_t shown;
	int col = gn_eb_view(eb, cols, &shown);
	char *part = malloc(shown + 1);
	if (!part)
		return;
	memcpy(part, eb->text + eb->scroll, shown);
	part[shown] = '\0';
	ui_put_pad(y, x, cols, part);
	free(part);
	/* a mark that more text lies outside the field */
	if (eb->scroll > 0)
		ui_put(y, x, 1, "…");
	if (eb->scroll + shown < eb->len)
		ui_put(y, x + cols - 1, 1, "…");
	if (focused)
		move(y, x + col);
}
