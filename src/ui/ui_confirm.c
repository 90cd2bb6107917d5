/* The one confirmation rule (ui.h: ui_answer) and the one place the
 * screens' files go. */
#include "ui.h"
#include "gonha/core/i18n.h"
#include "gonha/core/outdir.h"

#include <stdio.h>
#include <string.h>

static bool is_enter(int key)
{
	return key == '\n' || key == '\r' || key == (UI_FN | KEY_ENTER);
}

ui_answer ui_answer_for_key(const ui_prompt *p, int key)
{
	ui_answer safe = p->cancel ? UI_CANCEL : UI_NO;
	if (p->other && key == p->other_key)
		return UI_OTHER;
	switch (key) {
	case 'c': case 'C': case 'y': case 'Y':
		return UI_YES;
	case 'k': case 'K': case 'n': case 'N':
		return UI_NO;
	case 27:
		return safe;
	default:
		return p->enter_yes && is_enter(key) ? UI_YES : safe;
	}
}

const char *ui_prompt_keys(const ui_prompt *p, char *buf, size_t size)
{
	char enter[16], esc[16], other[24] = "";
	ui_key_name('\n', false, enter, sizeof enter);
	ui_key_name(27, false, esc, sizeof esc);
	/* "[Enter/c/y: restore · k/n/Esc: later · x: discard]" */
	int w = snprintf(buf, size, "[%s%sc/y: %s · k/n%s%s: %s", p->enter_yes ? enter : "", p->enter_yes ? "/" : "",
	                 p->yes ? p->yes : _("yes"), p->cancel ? "" : "/", p->cancel ? "" : esc, p->no ? p->no : _("no"));
	size_t len = w > 0 && (size_t)w < size ? (size_t)w : strlen(buf);
	if (p->cancel && len < size)
		len += (size_t)snprintf(buf + len, size - len, " · %s: %s", esc, p->cancel);
	if (p->other && len < size)
		len += (size_t)snprintf(buf + len, size - len, " · %s: %s", ui_key_name(p->other_key, false, other, sizeof other),
		                        p->other);
	if (len < size)
		snprintf(buf + len, size - len, "]");
	return buf;
}

ui_answer ui_confirm(ui_app *app, const char *question, const ui_prompt *p)
{
	char keys[256], q[GN_ERR_MSG_MAX + 256];
	snprintf(q, sizeof q, "%s %s", question, ui_prompt_keys(p, keys, sizeof keys));
	return ui_answer_for_key(p, ui_ask(app, q));
}

void ui_output_dir(const ui_app *app, char *out, size_t size)
{
	const char *db = app->db_path[0] ? app->db_path : app->db ? sqlite3_db_filename(app->db, "main") : NULL;
	gn_output_dir(db, out, size);
}
