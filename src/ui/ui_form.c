/* The form screen: renders any form through its uf_model (labels and hints
 * in the UI language, relevant fields only, calculations shown live),
 * checks a field when the cursor leaves it and keeps the cursor there with
 * the form's message, picks choices by their number in one keystroke
 * (toggles them for select_multiple). */
#include "ui.h"
#include "gonha/core/i18n.h"
#include "gonha/text/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The labels' column: as wide as the longest label, within limits. */
#define LABEL_MIN 16

static int label_width(ui_form *f)
{
	size_t n = f->model->n_fields(f->model);
	int w = LABEL_MIN, max = COLS / 2 - 3;
	for (size_t i = 0; i < n; i++) {
		const uf_field *fd = f->model->field(f->model, i);
		if (fd->kind == UF_HEADING || fd->kind == UF_NOTE)
			continue;
		int lw = gn_text_width(fd->label) + 1;
		if (lw > w)
			w = lw;
	}
	return w < max ? w : max < LABEL_MIN ? LABEL_MIN : max;
}

static bool focusable(ui_form *f, size_t i)
{
	const uf_field *fd = f->model->field(f->model, i);
	return fd->kind != UF_NOTE && fd->kind != UF_CALCULATE && fd->kind != UF_HEADING &&
	       f->model->relevant(f->model, i);
}

static bool is_text(const uf_field *fd)
{
	return fd->kind == UF_TEXT || fd->kind == UF_INTEGER || fd->kind == UF_DECIMAL || fd->kind == UF_DATE;
}

static void load(ui_form *f)
{
	if (f->loaded)
		return;
	gn_eb_set(&f->eb, f->model->get(f->model, f->cur));
	f->loaded = true;
}

void ui_form_init(ui_form *f, uf_model *model)
{
	memset(f, 0, sizeof *f);
	f->model = model;
	gn_eb_init(&f->eb, 2000);
	gn_eb_set(&f->eb, "");
	gn_eb_init(&f->search, 120);
	gn_eb_set(&f->search, "");
	ui_form_first(f);
}

void ui_form_free(ui_form *f)
{
	gn_eb_free(&f->eb);
	gn_eb_free(&f->search);
}

void ui_form_first(ui_form *f)
{
	size_t n = f->model->n_fields(f->model);
	f->cur = 0;
	while (f->cur < n && !focusable(f, f->cur))
		f->cur++;
	if (f->cur >= n)
		f->cur = 0;
	f->loaded = false;
	load(f);
}

static void go(ui_form *f, size_t to);

bool ui_form_resume(ui_form *f)
{
	size_t n = f->model->n_fields(f->model), last = (size_t)-1;
	for (size_t i = 0; i < n; i++) {
		if (!focusable(f, i))
			continue;
		gn_err err = { 0 };
		if (f->model->check(f->model, i, &err) != GN_OK) { /* required and empty, or half typed */
			go(f, i);
			return true;
		}
		const char *v = f->model->get(f->model, i);
		if (v && *v)
			last = i;
	}
	for (size_t i = last == (size_t)-1 ? 0 : last + 1; i < n; i++)
		if (focusable(f, i)) {
			go(f, i);
			return true;
		}
	return last == (size_t)-1;
}

static void set_msg(ui_form *f, const gn_err *err)
{
	snprintf(f->msg, sizeof f->msg, "%s", err->msg[0] ? err->msg : gn_status_str(err->status));
	f->msg_field = f->cur;
	f->has_msg = true;
}

bool ui_form_commit(ui_form *f)
{
	gn_err err = { 0 };
	const uf_field *fd = f->model->field(f->model, f->cur);
	if (is_text(fd) && f->loaded && f->eb.changed) {
		if (f->model->set(f->model, f->cur, f->eb.text, &err) != GN_OK) {
			set_msg(f, &err);
			return false;
		}
		f->eb.changed = false;
		f->stored = true;
		f->loaded = false;
		load(f); /* shows the stored (clean, NFC) value */
	}
	if (f->model->check(f->model, f->cur, &err) != GN_OK) {
		set_msg(f, &err);
		return false;
	}
	if (f->has_msg && f->msg_field == f->cur)
		f->has_msg = false;
	return true;
}

static void go(ui_form *f, size_t to)
{
	gn_eb_set(&f->search, "");
	f->cur = to;
	f->loaded = false;
	load(f);
}

/* Moves to the next focusable field; false at the end. */
static bool step(ui_form *f, int dir)
{
	size_t n = f->model->n_fields(f->model);
	size_t i = f->cur;
	for (;;) {
		if (dir > 0 ? i + 1 >= n : i == 0)
			return false;
		i = dir > 0 ? i + 1 : i - 1;
		if (focusable(f, i)) {
			go(f, i);
			return true;
		}
	}
}

/* Is choice c among those shown: all, or those whose label holds the
 * letters typed (folded: "thai" finds "Thái Nguyên")? */
static bool choice_shown(ui_form *f, const uf_field *fd, const uf_choice *c)
{
	if (!fd->search || !f->search.text[0])
		return true;
	char *want = NULL, *label = NULL;
	bool shown = gn_text_fold(f->search.text, &want) == GN_OK && gn_text_fold(c->label, &label) == GN_OK &&
	             strstr(label, want) != NULL;
	free(want);
	free(label);
	return shown;
}

/* The choice numbered k (from 1) among those shown, or NULL. */
static const uf_choice *shown_choice(ui_form *f, const uf_field *fd, int k)
{
	for (size_t c = 0; c < fd->n_choices; c++)
		if (choice_shown(f, fd, &fd->choices[c]) && --k == 0)
			return &fd->choices[c];
	return NULL;
}

/* Sets a choice field from a number key. */
static void choose(ui_form *f, const uf_field *fd, int digit, int *where)
{
	gn_err err = { 0 };
	const uf_choice *picked = digit >= 1 ? shown_choice(f, fd, digit) : NULL;
	if (!picked)
		return;
	const char *name = picked->name;
	gn_eb_set(&f->search, "");
	if (fd->kind == UF_SELECT_ONE) {
		if (f->model->set(f->model, f->cur, name, &err) != GN_OK) {
			set_msg(f, &err);
			return;
		}
		f->stored = true;
		f->edits++;
		if (ui_form_commit(f) && !step(f, +1))
			*where = UF_PAST_END;
		return;
	}
	/* select_multiple: toggle the name in the space-separated list */
	const char *now = f->model->get(f->model, f->cur);
	char buf[1024] = "";
	size_t len = 0;
	bool had = false;
	char *copy = strdup(now);
	if (!copy)
		return;
	for (char *tok = strtok(copy, " "); tok; tok = strtok(NULL, " ")) {
		if (strcmp(tok, name) == 0) {
			had = true;
			continue;
		}
		len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", len ? " " : "", tok);
		if (len >= sizeof buf)
			len = sizeof buf - 1;
	}
	free(copy);
	if (!had)
		snprintf(buf + len, sizeof buf - len, "%s%s", len ? " " : "", name);
	if (f->model->set(f->model, f->cur, buf, &err) != GN_OK)
		set_msg(f, &err);
	f->stored = true;
	f->edits++;
}

/* Heads-down: the field just typed full (a character added at its end)
 * moves on, when its value passes; the Enter of habit after it is then
 * taken as done. */
static void maybe_advance(ui_form *f, const uf_field *fd, size_t len_before, int *where)
{
	if (!f->auto_advance || fd->length <= 0 || f->eb.len <= len_before || f->eb.cursor != f->eb.len ||
	    gn_eb_chars(&f->eb) != (size_t)fd->length)
		return;
	if (!ui_form_commit(f))
		return; /* the form's message; the cursor stays */
	if (!step(f, +1))
		*where = UF_PAST_END;
	f->advanced = true;
}

static bool is_enter(int key)
{
	return key == '\r' || key == '\n' || key == (UI_FN | KEY_ENTER);
}

bool ui_form_key(ui_form *f, ui_action a, int key, int *where)
{
	*where = UF_STAY;
	const uf_field *fd = f->model->field(f->model, f->cur);
	bool after_move = f->advanced;
	f->advanced = false;
	if (after_move && a == UA_NEXT_FIELD && is_enter(key))
		return true; /* moved on already */
	/* Enter on a repeat opens its entries; Tab and Down go past it */
	if (fd->kind == UF_REPEAT && a == UA_NEXT_FIELD && (key == '\r' || key == '\n' || key == (UI_FN | KEY_ENTER))) {
		*where = UF_OPEN_REPEAT;
		return true;
	}
	/* Enter on a searched list takes the first choice found */
	if (a == UA_NEXT_FIELD && fd->search && f->search.text[0] && (key == '\r' || key == '\n' || key == (UI_FN | KEY_ENTER))) {
		choose(f, fd, 1, where);
		return true;
	}
	if (a == UA_NEXT_FIELD) {
		if (!ui_form_commit(f))
			return true;
		if (!step(f, +1))
			*where = UF_PAST_END;
		return true;
	}
	if (a == UA_PREV_FIELD) {
		/* going back never blocks; the value is kept as typed */
		gn_err err = { 0 };
		if (is_text(fd) && f->eb.changed && f->model->set(f->model, f->cur, f->eb.text, &err) == GN_OK) {
			f->eb.changed = false;
			f->stored = true;
		}
		if (!step(f, -1))
			*where = UF_BEFORE_START;
		return true;
	}
	if (a != UA_NONE)
		return false;
	if (fd->kind == UF_SELECT_ONE || fd->kind == UF_SELECT_MULTIPLE) {
		if (key >= '1' && key <= '9') {
			choose(f, fd, key - '0', where);
			return true;
		}
		/* letters find choices; Backspace takes one back */
		bool erase = key == 0x7F || key == UI_CTRL('h') || key == (UI_FN | KEY_BACKSPACE);
		if (fd->search && !(key & UI_FN) && key >= 0x20 && key != 0x7F && (key != ' ' || f->search.text[0]) &&
		    !(key >= '0' && key <= '9')) {
			ui_input_key(&f->search, key);
			return true;
		}
		if (fd->search && erase && f->search.text[0]) {
			ui_input_key(&f->search, key);
			return true;
		}
		if (key == ' ' && fd->kind == UF_SELECT_MULTIPLE)
			return true;
		if (key == 0x7F || key == UI_CTRL('h') || key == (UI_FN | KEY_BACKSPACE) || key == (UI_FN | KEY_DC) ||
		    key == '0') {
			gn_err err = { 0 };
			f->model->set(f->model, f->cur, "", &err);
			f->stored = true;
			f->edits++;
			return true;
		}
		return false;
	}
	if (is_text(fd)) {
		load(f);
		size_t len_before = f->eb.len;
		if (ui_input_key(&f->eb, key)) {
			if (f->eb.changed)
				f->edits++;
			maybe_advance(f, fd, len_before, where);
			return true;
		}
	}
	return false;
}

void ui_keep_in_view(size_t *top, size_t cur, int rows)
{
	if (cur < *top)
		*top = cur;
	if (rows > 0 && cur >= *top + (size_t)rows)
		*top = cur - (size_t)rows + 1;
}

bool ui_form_draft_due(ui_form *f, unsigned *drafted_edits, unsigned every)
{
	if (!f->stored && f->edits < *drafted_edits + every)
		return false;
	/* what is typed in the field under the cursor goes in too */
	if (f->loaded && f->eb.changed) {
		gn_err err = { 0 };
		f->model->set(f->model, f->cur, f->eb.text, &err);
	}
	f->stored = false;
	*drafted_edits = f->edits;
	return true;
}

void ui_form_show_error(ui_form *f, const gn_err *err)
{
	size_t i = f->model->find(f->model, err->field);
	if (i != (size_t)-1)
		go(f, i);
	set_msg(f, err);
}

bool ui_form_check_all(ui_form *f)
{
	if (!ui_form_commit(f))
		return false;
	size_t n = f->model->n_fields(f->model);
	for (size_t i = 0; i < n; i++) {
		gn_err err = { 0 };
		if (!f->model->relevant(f->model, i))
			continue;
		if (f->model->check(f->model, i, &err) != GN_OK) {
			go(f, i);
			set_msg(f, &err);
			return false;
		}
	}
	return true;
}

void ui_form_progress(ui_form *f, size_t *answered, size_t *total)
{
	size_t n = f->model->n_fields(f->model);
	*answered = *total = 0;
	for (size_t i = 0; i < n; i++) {
		if (!focusable(f, i) || f->model->field(f->model, i)->kind == UF_REPEAT)
			continue;
		(*total)++;
		/* the line being typed counts as typed; a choice is in the model
		 * at once (the editing buffer holds it as it was when loaded) */
		bool typing = i == f->cur && f->loaded && is_text(f->model->field(f->model, i));
		const char *v = typing ? f->eb.text : f->model->get(f->model, i);
		if (v && *v)
			(*answered)++;
	}
}

/* The label of a choice by name, for showing a stored value. */
static void value_text(const uf_field *fd, const char *value, char *out, size_t size)
{
	out[0] = '\0';
	if (fd->kind != UF_SELECT_ONE && fd->kind != UF_SELECT_MULTIPLE) {
		snprintf(out, size, "%s", value);
		return;
	}
	size_t len = 0;
	char *copy = strdup(value);
	if (!copy)
		return;
	for (char *tok = strtok(copy, " "); tok; tok = strtok(NULL, " ")) {
		const char *label = tok;
		for (size_t c = 0; c < fd->n_choices; c++)
			if (strcmp(fd->choices[c].name, tok) == 0)
				label = fd->choices[c].label;
		len += (size_t)snprintf(out + len, size - len, "%s%s", len ? ", " : "", label);
		if (len >= size)
			break;
	}
	free(copy);
}

/* Choice c as the list shows it, numbered k ("2 Giếng khoan", a select
 * multiple's with its box); true when value holds it. */
static bool choice_item(const uf_field *fd, const uf_choice *c, int k, const char *value, char *item, size_t size)
{
	char pad[256], needle[80];
	snprintf(pad, sizeof pad, " %s ", value);
	snprintf(needle, sizeof needle, " %s ", c->name);
	bool on = strstr(pad, needle) != NULL;
	snprintf(item, size, "%d %s%s", k, c->label, fd->kind == UF_SELECT_MULTIPLE ? (on ? " [x]" : " [ ]") : "");
	return on;
}

/* Lines the choices of the current field take when laid out in `cols`:
 * those shown, numbered 1..9 (a searched list: after the letters typed;
 * minimal: one line). */
static int draw_choices(ui_form *f, const uf_field *fd, const char *value, int y, int x, int cols, bool draw)
{
	int line = 0, col = 0, number = 0;
	if (fd->search) {
		char typed[200];
		snprintf(typed, sizeof typed, _("Type to find: %s"), f->search.text);
		if (draw)
			ui_put(y, x, cols, typed);
		line++;
	}
	/* horizontal: every choice in a cell as wide as the widest shown */
	int cell = 0;
	for (size_t c = 0, k = 0; fd->columns && c < fd->n_choices && k < 9; c++) {
		if (!choice_shown(f, fd, &fd->choices[c]))
			continue;
		char item[200];
		choice_item(fd, &fd->choices[c], (int)++k, value, item, sizeof item);
		int w = gn_text_width(item) + 2;
		cell = w > cell ? w : cell;
	}
	if (cell > cols)
		cell = cols;
	for (size_t c = 0; c < fd->n_choices; c++) {
		if (!choice_shown(f, fd, &fd->choices[c]))
			continue;
		if (++number > 9)
			break;
		char item[200];
		bool on = choice_item(fd, &fd->choices[c], number, value, item, sizeof item);
		int w = cell ? cell : gn_text_width(item) + 2;
		if (col > 0 && col + w > cols) {
			if (fd->minimal)
				break;
			line++;
			col = 0;
		}
		if (draw) {
			if (on)
				attron(A_BOLD);
			ui_put(y + line, x + col, cols - col, item);
			if (on)
				attroff(A_BOLD);
		}
		col += w;
	}
	return line + 1;
}

/* Draws text wrapped at spaces in `cols`, at most max_lines; returns the
 * lines it takes. */
static int wrapped(const char *text, int y, int x, int cols, int max_lines, bool draw)
{
	int lines = draw ? ui_put_wrapped(y, x, cols, max_lines, text) : ui_wrap_count(text, cols);
	if (lines > max_lines)
		lines = max_lines;
	return lines ? lines : 1;
}

/* Extra lines under the current field: its choices, then its message or
 * hint. */
static int extra_lines(ui_form *f, size_t i, int cols, bool focused)
{
	const uf_field *fd = f->model->field(f->model, i);
	int n = 0;
	bool here = focused && i == f->cur;
	if (here && (fd->kind == UF_SELECT_ONE || fd->kind == UF_SELECT_MULTIPLE))
		n += draw_choices(f, fd, f->model->get(f->model, i), 0, 0, cols, false);
	if (f->has_msg && f->msg_field == i)
		n += wrapped(f->msg, 0, 0, cols, 3, false);
	else if (here && fd->hint && *fd->hint)
		n++;
	return n;
}

/* The lines fields from..to take (the relevant ones, with their extra lines). */
static int lines_between(ui_form *f, size_t from, size_t to, int cols, bool focused)
{
	size_t n = f->model->n_fields(f->model);
	int lines = 0;
	for (size_t i = from; i <= to && i < n; i++)
		if (f->model->relevant(f->model, i))
			lines += 1 + extra_lines(f, i, cols, focused);
	return lines;
}

void ui_form_draw(ui_form *f, int y0, int y1, bool focused)
{
	size_t n = f->model->n_fields(f->model);
	int label_w = label_width(f);
	int vx = 2 + label_w + 1, vcols = COLS - vx - 2;
	if (f->top > f->cur)
		f->top = f->cur;
	/* field-list: the current field's group is one page, on the screen
	 * whole where it fits (else from its heading down to the field) */
	const uf_field *cf = f->cur < n ? f->model->field(f->model, f->cur) : NULL;
	if (cf && cf->paged && (f->top > cf->page_first || lines_between(f, f->top, cf->page_last, vcols, focused) > y1 - y0) &&
	    lines_between(f, cf->page_first, f->cur, vcols, focused) <= y1 - y0)
		f->top = cf->page_first;
	/* scroll until the current field and its extra lines fit */
	while (f->top < f->cur && lines_between(f, f->top, f->cur, vcols, focused) > y1 - y0)
		f->top++;
	int y = y0, cursor_y = -1, cursor_x = -1;
	for (size_t i = f->top; i < n && y < y1; i++) {
		if (!f->model->relevant(f->model, i))
			continue; /* hidden while not relevant */
		const uf_field *fd = f->model->field(f->model, i);
		bool here = focused && i == f->cur;
		if (fd->kind == UF_HEADING || fd->kind == UF_NOTE) {
			/* a group's heading, or a note to the enumerator: the whole line */
			attron(fd->kind == UF_HEADING ? A_BOLD : A_DIM);
			ui_put(y, fd->kind == UF_HEADING ? 0 : 2, COLS - 4, fd->label);
			attroff(fd->kind == UF_HEADING ? A_BOLD : A_DIM);
			y++;
			continue;
		}
		if (here)
			attron(A_BOLD);
		char label[300];
		snprintf(label, sizeof label, "%s", fd->label);
		ui_put(y, 2, label_w, label);
		if (here)
			attroff(A_BOLD);
		if (here && is_text(fd)) {
			load(f);
			attron(A_UNDERLINE);
			ui_input_draw(&f->eb, y, vx, vcols, false, false);
			attroff(A_UNDERLINE);
			getyx(stdscr, cursor_y, cursor_x);
			size_t shown;
			int col = gn_eb_view(&f->eb, vcols, &shown);
			cursor_y = y;
			cursor_x = vx + col;
		} else {
			char value[1024];
			value_text(fd, f->model->get(f->model, i), value, sizeof value);
			if (here)
				attron(A_REVERSE);
			if (here)
				ui_put_pad(y, vx, vcols < 30 ? vcols : 30, value);
			else
				ui_put(y, vx, vcols, value);
			if (here) {
				attroff(A_REVERSE);
				cursor_y = y;
				cursor_x = vx;
			}
		}
		y++;
		if (here && (fd->kind == UF_SELECT_ONE || fd->kind == UF_SELECT_MULTIPLE) && y < y1) {
			attron(A_DIM);
			y += draw_choices(f, fd, f->model->get(f->model, i), y, vx, vcols, true);
			attroff(A_DIM);
		}
		if (y < y1 && f->has_msg && f->msg_field == i) {
			attron(A_BOLD | A_STANDOUT);
			char msg[GN_ERR_MSG_MAX + 8];
			snprintf(msg, sizeof msg, "⚠ %s", f->msg);
			int room = y1 - y < 3 ? y1 - y : 3;
			y += wrapped(msg, y, vx, vcols, room, true);
			attroff(A_BOLD | A_STANDOUT);
		} else if (y < y1 && here && fd->hint && *fd->hint) {
			attron(A_DIM);
			ui_put(y, vx, vcols, fd->hint);
			attroff(A_DIM);
			y++;
		}
	}
	if (cursor_y >= 0)
		move(cursor_y, cursor_x);
}
