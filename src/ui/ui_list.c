/* The one list widget (ui_list.h): movement and paging, once for every
 * list screen, like tig's move_view and htop's Panel_onKey. */
#include "ui_list.h"

static size_t max_top(const ui_list *l)
{
	size_t lines = l->lines ? l->lines : 1;
	return l->n > lines ? l->n - lines : 0;
}

/* The cursor on a row, the text scrolled no further than its end. */
static void clamp(ui_list *l)
{
	if (l->n == 0) {
		l->cur = l->top = 0;
		return;
	}
	if (l->scroll) {
		if (l->top > max_top(l))
			l->top = max_top(l);
		l->cur = l->top;
		return;
	}
	if (l->cur >= l->n)
		l->cur = l->n - 1;
	if (l->top > l->cur)
		l->top = l->cur;
}

void ui_list_set_count(ui_list *l, size_t n)
{
	l->n = n;
	clamp(l);
}

void ui_list_set_cursor(ui_list *l, size_t i)
{
	if (l->scroll)
		l->top = i;
	else
		l->cur = i;
	clamp(l);
}

void ui_list_layout(ui_list *l, size_t lines)
{
	l->lines = lines ? lines : 1;
	l->shown = 0;
	clamp(l);
	if (l->scroll || l->n == 0)
		return;
	if (l->cur >= l->top + l->lines)
		l->top = l->cur + 1 - l->lines;
	/* rows above fill what would be empty below: the cursor stays on
	 * screen, since it is before the end */
	if (l->top > max_top(l))
		l->top = max_top(l);
}

void ui_list_drawn(ui_list *l, size_t rows)
{
	l->shown = rows < l->lines ? rows : 0;
}

size_t ui_list_page(const ui_list *l)
{
	size_t page = l->shown ? l->shown : l->lines;
	return page ? page : 1;
}

void ui_list_move(ui_list *l, ui_move m)
{
	size_t page = ui_list_page(l);
	if (l->n == 0)
		return;
	if (l->scroll) {
		/* the text moves; clamp() keeps it within its end */
		switch (m) {
		case UL_UP: if (l->top > 0) l->top--; break;
		case UL_DOWN: l->top++; break;
		case UL_PAGE_UP: l->top = l->top > page ? l->top - page : 0; break;
		case UL_PAGE_DOWN: l->top += page; break;
		case UL_FIRST: l->top = 0; break;
		case UL_LAST: l->top = max_top(l); break;
		}
		clamp(l);
		return;
	}
	switch (m) {
	case UL_UP:
		if (l->cur > 0)
			l->cur--;
		break;
	case UL_DOWN:
		if (l->cur + 1 < l->n)
			l->cur++;
		break;
	case UL_PAGE_UP:
		/* the cursor and the rows drawn go back a page together */
		l->cur = l->cur > page ? l->cur - page : 0;
		l->top = l->top > page ? l->top - page : 0;
		break;
	case UL_PAGE_DOWN:
		/* the next page starts after the last row drawn */
		l->cur = l->cur + page < l->n ? l->cur + page : l->n - 1;
		l->top = l->top + page <= max_top(l) ? l->top + page : max_top(l);
		break;
	case UL_FIRST:
		l->cur = l->top = 0;
		break;
	case UL_LAST:
		l->cur = l->n - 1;
		l->top = max_top(l);
		break;
	}
	clamp(l);
	if (l->cur >= l->top + l->lines)
		l->top = l->cur + 1 - (l->lines ? l->lines : 1);
}

size_t ui_list_row_at(const ui_list *l, int line)
{
	if (line < 0)
		return (size_t)-1;
	size_t page = ui_list_page(l);
	if ((size_t)line >= page || l->top + (size_t)line >= l->n)
		return (size_t)-1;
	return l->top + (size_t)line;
}

bool ui_list_visible(const ui_list *l, size_t i)
{
	return i >= l->top && i < l->top + ui_list_page(l) && i < l->n;
}
