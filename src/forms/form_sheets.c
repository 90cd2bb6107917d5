/* Reading a questionnaire's sheets (survey.csv, choices.csv,
 * settings.csv) into a gn_form, checking each row as the XLSForm tools do.
 * Expressions are compiled afterwards, in form.c. */
#include "form_internal.h"
#include "gonha/core/i18n.h"
#include "gonha/text/text.h"

#include <limits.h>
#include <strings.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *form_dup_cell(const sheet *s, size_t r, int c)
{
	char *clean = NULL;
	const char *cell = sheet_cell(s, r, c);
	if (gn_text_clean(cell, strlen(cell), 0, &clean, NULL) != GN_OK)
		return strdup("");
	return clean;
}

/* A column by its XLSForm name, accepting "label" for "label::vi" etc. */
int form_column(const sheet *s, const char *name, const char *alias)
{
	int c = sheet_column(s, name);
	return c >= 0 || !alias ? c : sheet_column(s, alias);
}

void form_straighten_quotes(char *text)
{
	/* U+2018 U+2019 -> ', U+201C U+201D -> " (3 bytes each, E2 80 98..9D) */
	char *w = text;
	for (const char *r = text; *r;) {
		if ((unsigned char)r[0] == 0xE2 && (unsigned char)r[1] == 0x80 &&
		    ((unsigned char)r[2] == 0x98 || (unsigned char)r[2] == 0x99)) {
			*w++ = '\'';
			r += 3;
		} else if ((unsigned char)r[0] == 0xE2 && (unsigned char)r[1] == 0x80 &&
		           ((unsigned char)r[2] == 0x9C || (unsigned char)r[2] == 0x9D)) {
			*w++ = '"';
			r += 3;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
}

/* pyxform's names for the same column (aliases.py: survey_header,
 * list_header, settings_header, and the bind::/control:: prefixes). */
static const char *const header_aliases[][2] = {
	{ "Label", "label" }, { "caption", "label" }, { "Name", "name" }, { "tag", "name" }, { "value", "name" },
	{ "Type", "type" }, { "command", "type" }, { "List_name", "list_name" }, { "list name", "list_name" },
	{ "readonly", "read_only" }, { "read only", "read_only" }, { "relevance", "relevant" },
	{ "constraining message", "constraint_message" }, { "constraint message", "constraint_message" },
	{ "jr:constraintMsg", "constraint_message" }, { "requiredMsg", "required_message" },
	{ "required message", "required_message" }, { "jr:requiredMsg", "required_message" },
	{ "calculate", "calculation" }, { "count", "repeat_count" }, { "jr:count", "repeat_count" },
	{ "noAppErrorString", "no_app_error_string" }, { "jr:noAppErrorString", "no_app_error_string" },
	{ "image", "media::image" }, { "big-image", "media::big-image" }, { "audio", "media::audio" },
	{ "video", "media::video" },
	/* settings */
	{ "set form title", "form_title" }, { "title", "form_title" }, { "set form id", "form_id" },
	{ "id_string", "form_id" },
};

/* "English (en)" -> "en"; "Vietnamese", "Tiếng Việt" -> "vi"; others as written. */
static void lang_code(const char *lang, char *out, size_t size)
{
	const char *open = strrchr(lang, '(');
	size_t len = strlen(lang);
	if (open && len && lang[len - 1] == ')' && (size_t)(lang + len - 1 - open - 1) < size) {
		snprintf(out, size, "%.*s", (int)(lang + len - 1 - open - 1), open + 1);
		return;
	}
	if (strcasecmp(lang, "english") == 0)
		snprintf(out, size, "en");
	else if (strcasecmp(lang, "vietnamese") == 0 || strcmp(lang, "Tiếng Việt") == 0 || strcmp(lang, "tiếng việt") == 0)
		snprintf(out, size, "vi");
	else
		snprintf(out, size, "%s", lang);
}

/* The header's canonical name in out; its language as written (the text
 * after "::", "English (en)") in written, "" when it has none. */
static void canon_header(const char *raw, char *out, size_t size, char *written, size_t wsize)
{
	char text[256], base[256], lang[128] = "";
	written[0] = '\0';
	/* whitespace collapsed and trimmed, as pyxform does */
	size_t n = 0;
	bool space = false;
	for (const char *p = raw; *p && n + 2 < sizeof text; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
			space = n > 0;
			continue;
		}
		if (space)
			text[n++] = ' ';
		space = false;
		text[n++] = *p;
	}
	text[n] = '\0';
	const char *prefix = "";
	const char *t = text;
	static const char *const prefixes[] = { "bind", "control", "media", NULL };
	for (int i = 0; prefixes[i]; i++) {
		size_t l = strlen(prefixes[i]);
		if (strncmp(t, prefixes[i], l) == 0 && t[l] == ':') {
			prefix = prefixes[i];
			t += l + 1 + (t[l + 1] == ':');
			break;
		}
	}
	const char *sep = strstr(t, "::");
	const char *colon = strchr(t, ':');
	static const char *const translatable_bases[] = { "label", "hint", "constraint_message", "required_message",
		                                               "guidance_hint", "image", "audio", "video", "big-image",
		                                               "media", NULL };
	if (!sep && colon) {
		/* "label:English": one colon, as older pyxform forms write it */
		for (int i = 0; translatable_bases[i]; i++)
			if ((size_t)(colon - t) == strlen(translatable_bases[i]) &&
			    strncmp(t, translatable_bases[i], (size_t)(colon - t)) == 0) {
				snprintf(base, sizeof base, "%.*s", (int)(colon - t), t);
				lang_code(colon + 1, lang, sizeof lang);
				snprintf(written, wsize, "%s", colon + 1);
				goto split;
			}
	}
	if (sep) {
		snprintf(base, sizeof base, "%.*s", (int)(sep - t), t);
		lang_code(sep + 2, lang, sizeof lang);
		snprintf(written, wsize, "%s", sep + 2);
	} else {
		snprintf(base, sizeof base, "%s", t);
	}
split:
	if (strcmp(prefix, "media") == 0) {
		snprintf(out, size, "media::%s%s%s", base, *lang ? "::" : "", lang);
		return;
	}
	for (size_t i = 0; i < sizeof header_aliases / sizeof *header_aliases; i++)
		if (strcmp(base, header_aliases[i][0]) == 0) {
			snprintf(base, sizeof base, "%s", header_aliases[i][1]);
			break;
		}
	if (strcmp(prefix, "bind") == 0 && strcmp(base, "relevant") != 0 && strcmp(base, "constraint") != 0 &&
	    strcmp(base, "required") != 0 && strcmp(base, "calculation") != 0 && strcmp(base, "read_only") != 0 &&
	    strcmp(base, "constraint_message") != 0 && strcmp(base, "required_message") != 0) {
		snprintf(out, size, "bind::%s", base);
		return;
	}
	if (strcmp(prefix, "control") == 0 && strcmp(base, "appearance") != 0 && strcmp(base, "repeat_count") != 0) {
		snprintf(out, size, "control::%s", base);
		return;
	}
	snprintf(out, size, "%s%s%s", base, *lang ? "::" : "", lang);
}

void form_canon_headers(sheet *s, const char *file, gn_form_problems *problems)
{
	if (s->n == 0)
		return;
	sheet_row *h = &s->rows[0];
	char **raw = calloc(h->n ? h->n : 1, sizeof *raw);
	free(s->col_lang);
	s->col_lang = calloc(h->n ? h->n : 1, sizeof *s->col_lang);
	if (!raw || !s->col_lang) {
		free(raw);
		return;
	}
	for (size_t i = 0; i < h->n; i++) {
		char canon[512], written[256];
		canon_header(h->cells[i], canon, sizeof canon, written, sizeof written);
		char *copy = strdup(canon);
		if (!copy)
			break;
		if (*written)
			s->col_lang[i] = strdup(written);
		raw[i] = h->cells[i];
		h->cells[i] = copy;
		if (!*copy)
			continue;
		for (size_t k = 0; k < i; k++) {
			if (strcmp(h->cells[k], copy) != 0)
				continue;
			if (strcmp(raw[k], raw[i]) == 0)
				form_problem_at(problems, file, h->line, h->row, (int)i, false, _("the column %s is there twice"),
				                raw[i]);
			else
				form_problem_at(problems, file, h->line, h->row, (int)i, false,
				                _("the columns %s and %s are two names of the same column; rename or remove one"),
				                raw[k], raw[i]);
			break;
		}
	}
	for (size_t i = 0; i < h->n; i++)
		free(raw[i]);
	free(raw);
}

/* The columns of one translatable text: the Vietnamese one (or the one
 * with no language), the English one, and the first in another language. */
typedef struct lang_cols {
	int vi, en, other;
} lang_cols;

static lang_cols find_lang_cols(const sheet *s, const char *base)
{
	char name[128];
	lang_cols c = { -1, -1, -1 };
	snprintf(name, sizeof name, "%s::vi", base);
	c.vi = form_column(s, name, base);
	snprintf(name, sizeof name, "%s::en", base);
	c.en = sheet_column(s, name);
	snprintf(name, sizeof name, "%s::", base);
	for (size_t i = 0; s->n && i < s->rows[0].n && c.other < 0; i++)
		if (strncmp(s->rows[0].cells[i], name, strlen(name)) == 0 && (int)i != c.vi && (int)i != c.en)
			c.other = (int)i;
	return c;
}

/* The text in the UI's two languages; a form in neither gets its first
 * language in the English slot (shown whatever the UI language). */
static void dup_lang(const sheet *s, size_t r, lang_cols c, char **vi, char **en)
{
	*vi = form_dup_cell(s, r, c.vi);
	*en = form_dup_cell(s, r, c.en);
	if (*vi && *en && !**vi && !**en && c.other >= 0) {
		free(*en);
		*en = form_dup_cell(s, r, c.other);
	}
}

/* ---- the form's own languages ---------------------------------------- */

static const char *const tr_bases[GN_TR_COUNT] = { "label", "hint", "required_message", "constraint_message" };

/* The translatable base a canonical header is of ("label::en" -> GN_TR_LABEL,
 * its language in *lang, "default" with none); -1 for any other column. */
static int tr_column(const char *header, const char **lang)
{
	for (int k = 0; k < GN_TR_COUNT; k++) {
		size_t n = strlen(tr_bases[k]);
		if (strncmp(header, tr_bases[k], n) != 0)
			continue;
		if (!header[n]) {
			*lang = "default";
			return k;
		}
		if (strncmp(header + n, "::", 2) == 0 && header[n + 2]) {
			*lang = header + n + 2;
			return k;
		}
	}
	return -1;
}

static void add_lang(gn_form *form, const char *code, const char *written)
{
	for (size_t i = 0; i < form->n_langs; i++)
		if (strcmp(form->langs[i].code, code) == 0)
			return;
	gn_form_lang *grown = realloc(form->langs, (form->n_langs + 1) * sizeof *grown);
	if (!grown)
		return;
	form->langs = grown;
	/* a bare code gets a name where gonha knows one */
	bool bare = !written || !*written || strcmp(written, code) == 0;
	const char *name = !bare                          ? written
	                   : strcmp(code, "vi") == 0      ? "Tiếng Việt (vi)"
	                   : strcmp(code, "en") == 0      ? "English (en)"
	                   : strcmp(code, "default") == 0 ? _("no language given")
	                                                  : code;
	gn_form_lang *l = &form->langs[form->n_langs];
	l->code = strdup(code);
	l->name = strdup(name);
	if (!l->code || !l->name) {
		free(l->code);
		free(l->name);
		return;
	}
	form->n_langs++;
}

void form_find_langs(gn_form *form, const sheet *survey, const sheet *choices)
{
	const sheet *sheets[] = { survey, choices };
	for (int k = 0; k < 2; k++) {
		const sheet *s = sheets[k];
		for (size_t i = 0; s && s->n && i < s->rows[0].n; i++) {
			const char *lang;
			if (tr_column(s->rows[0].cells[i], &lang) >= 0)
				add_lang(form, lang, s->col_lang ? s->col_lang[i] : NULL);
		}
	}
	/* settings' default_language, written as a column's language is */
	form->lang_default = -1;
	if (form->default_lang && *form->default_lang) {
		char code[128];
		lang_code(form->default_lang, code, sizeof code);
		form->lang_default = gn_form_lang_find(form, code);
		if (form->lang_default < 0)
			form->lang_default = gn_form_lang_find(form, form->default_lang);
	}
}

/* The column of each (language, text) of a sheet: cols[lang * GN_TR_COUNT + kind], -1 none. */
static int *tr_columns(const gn_form *form, const sheet *s)
{
	int *cols = malloc((form->n_langs ? form->n_langs : 1) * GN_TR_COUNT * sizeof *cols);
	if (!cols)
		return NULL;
	for (size_t k = 0; k < form->n_langs * GN_TR_COUNT; k++)
		cols[k] = -1;
	for (size_t i = 0; s->n && i < s->rows[0].n; i++) {
		const char *lang;
		int kind = tr_column(s->rows[0].cells[i], &lang);
		int l = kind >= 0 ? gn_form_lang_find(form, lang) : -1;
		if (l >= 0 && cols[l * GN_TR_COUNT + kind] < 0)
			cols[l * GN_TR_COUNT + kind] = (int)i;
	}
	return cols;
}

/* Row r's texts in every language (kinds texts of each, from cols). */
static char **tr_cells(const gn_form *form, const sheet *s, size_t r, const int *cols, int kinds)
{
	if (!cols || form->n_langs == 0)
		return NULL;
	char **tr = calloc(form->n_langs * (size_t)kinds, sizeof *tr);
	for (size_t l = 0; tr && l < form->n_langs; l++)
		for (int k = 0; k < kinds; k++)
			tr[l * (size_t)kinds + (size_t)k] = form_dup_cell(s, r, cols[l * GN_TR_COUNT + (size_t)k]);
	return tr;
}

/* Columns gonha reads, or that pyxform reads and that decide nothing a
 * form check or the screen needs (how a question looks, media, notes for
 * authors): no warning for those. */
static const char *const survey_columns[] = {
	"type", "name", "label", "hint", "required", "required_message", "constraint", "constraint_message",
	"relevant", "calculation", "default", "choice_filter", "repeat_count", "appearance", "read_only",
	"parameters", "guidance_hint", "trigger", "note", "gonha::role", NULL,
};
static const char *const translatable[] = { "label", "hint", "required_message", "constraint_message",
	                                         "guidance_hint", "media", NULL };

static bool known_column(const char *const *known, const char *h)
{
	for (const char *const *k = known; *k; k++)
		if (strcmp(*k, h) == 0)
			return true;
	for (int i = 0; translatable[i]; i++) {
		size_t l = strlen(translatable[i]);
		if (strncmp(h, translatable[i], l) == 0 && h[l] == ':' && h[l + 1] == ':')
			return true;
	}
	return strncmp(h, "instance::", 10) == 0 || strncmp(h, "body::", 6) == 0;
}

static void warn_unknown_columns(const sheet *s, const char *file, const char *const *known,
                                 gn_form_problems *problems)
{
	if (s->n == 0)
		return;
	for (size_t i = 0; i < s->rows[0].n; i++)
		if (s->rows[0].cells[i][0] && !known_column(known, s->rows[0].cells[i]))
			form_problem_at(problems, file, s->rows[0].line, s->rows[0].row, (int)i, true,
			                _("column %s is not used by gonha; it is ignored"), s->rows[0].cells[i]);
}

gn_status form_load_choices(gn_form *form, const sheet *s, gn_form_problems *problems)
{
	int c_list = sheet_column(s, "list_name"), c_name = sheet_column(s, "name");
	int c_code = sheet_column(s, "gonha::code");
	lang_cols c_label = find_lang_cols(s, "label");
	if (s->n == 0)
		return GN_OK; /* an empty sheet is no sheet */
	if (c_list < 0 || c_name < 0) {
		form_problem_at(problems, "choices.csv", 1, 1, -1, false, _("the header needs the columns list_name and name"));
		return GN_OK;
	}
	/* the other columns, which a choice_filter may name */
	int *extra_col = calloc(s->n ? s->rows[0].n + 1 : 1, sizeof *extra_col);
	if (!extra_col)
		return GN_ERR_NOMEM;
	int *tr_col = tr_columns(form, s);
	for (size_t i = 0; s->n && i < s->rows[0].n; i++) {
		const char *h = s->rows[0].cells[i];
		if ((int)i == c_list || (int)i == c_name || !*h || strncmp(h, "media::", 7) == 0 ||
		    strspn(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") != strlen(h))
			continue;
		char **cols = realloc(form->choice_cols, (form->n_choice_cols + 1) * sizeof *cols);
		if (!cols) {
			free(extra_col);
			free(tr_col);
			return GN_ERR_NOMEM;
		}
		form->choice_cols = cols;
		extra_col[form->n_choice_cols] = (int)i;
		form->choice_cols[form->n_choice_cols++] = strdup(h);
	}
	for (size_t r = 1; r < s->n; r++) {
		const char *list_name = sheet_cell(s, r, c_list), *name = sheet_cell(s, r, c_name);
		int line = s->rows[r].line, row = s->rows[r].row;
		if (!*list_name && !*name)
			continue;
		gn_choice_list *list = NULL;
		for (size_t i = 0; i < form->n_lists; i++)
			if (strcmp(form->lists[i].name, list_name) == 0)
				list = &form->lists[i];
		if (!list) {
			gn_choice_list *lists = realloc(form->lists, (form->n_lists + 1) * sizeof *lists);
			if (!lists) {
				free(extra_col);
				free(tr_col);
				return GN_ERR_NOMEM;
			}
			form->lists = lists;
			list = &form->lists[form->n_lists++];
			memset(list, 0, sizeof *list);
			list->name = strdup(list_name);
		}
		if (gn_choice_find(list, name) && !form->allow_choice_duplicates) {
			form_problem_at(problems, "choices.csv", line, row, c_name, false,
			                _("choice %s appears twice in list %s (if that is meant, the settings need "
			                  "allow_choice_duplicates = yes)"),
			                name, list_name);
			continue;
		}
		gn_choice *items = realloc(list->items, (list->n + 1) * sizeof *items);
		if (!items) {
			free(extra_col);
			free(tr_col);
			return GN_ERR_NOMEM;
		}
		list->items = items;
		gn_choice *ch = &list->items[list->n++];
		memset(ch, 0, sizeof *ch);
		ch->name = strdup(name);
		dup_lang(s, r, c_label, &ch->label_vi, &ch->label_en);
		ch->tr = tr_cells(form, s, r, tr_col, 1);
		ch->gonha_code = form_dup_cell(s, r, c_code);
		if (form->n_choice_cols) {
			ch->extra = calloc(form->n_choice_cols, sizeof *ch->extra);
			for (size_t k = 0; ch->extra && k < form->n_choice_cols; k++)
				ch->extra[k] = form_dup_cell(s, r, extra_col[k]);
		}
		if (!*name)
			form_problem_at(problems, "choices.csv", line, row, c_name, false,
			                _("a choice of list %s has no name"), list_name);
		else if (strchr(name, ' '))
			form_problem_at(problems, "choices.csv", line, row, c_name, true,
			                _("the choice name '%s' has a space: it cannot be told apart in a select_multiple"), name);
		if (!*ch->label_vi && !*ch->label_en)
			form_problem_at(problems, "choices.csv", line, row, c_label.vi, true, _("choice %s has no label"), name);
	}
	free(extra_col);
	free(tr_col);
	return GN_OK;
}

/* pyxform's question types (question_type_dictionary, aliases.py) and what
 * gonha makes of each. */
static const struct { const char *name, *xls; gn_field_type type; } types[] = {
	{ "text", "text", GN_FT_TEXT }, { "string", "text", GN_FT_TEXT }, { "add text prompt", "text", GN_FT_TEXT },
	{ "q string", "text", GN_FT_TEXT },
	{ "integer", "integer", GN_FT_INTEGER }, { "int", "integer", GN_FT_INTEGER },
	{ "add integer prompt", "integer", GN_FT_INTEGER }, { "q int", "integer", GN_FT_INTEGER },
	{ "decimal", "decimal", GN_FT_DECIMAL }, { "add decimal prompt", "decimal", GN_FT_DECIMAL },
	{ "q decimal", "decimal", GN_FT_DECIMAL }, { "range", "range", GN_FT_DECIMAL },
	{ "date", "date", GN_FT_DATE }, { "add date prompt", "date", GN_FT_DATE }, { "q date", "date", GN_FT_DATE },
	{ "time", "time", GN_FT_TIME }, { "add time prompt", "time", GN_FT_TIME }, { "q time", "time", GN_FT_TIME },
	{ "dateTime", "dateTime", GN_FT_DATETIME }, { "datetime", "dateTime", GN_FT_DATETIME },
	{ "add dateTime prompt", "dateTime", GN_FT_DATETIME }, { "add datetime prompt", "dateTime", GN_FT_DATETIME },
	{ "geopoint", "geopoint", GN_FT_GEOPOINT }, { "gps", "geopoint", GN_FT_GEOPOINT },
	{ "location", "geopoint", GN_FT_GEOPOINT }, { "add location prompt", "geopoint", GN_FT_GEOPOINT },
	{ "q location", "geopoint", GN_FT_GEOPOINT }, { "q geopoint", "geopoint", GN_FT_GEOPOINT },
	{ "geotrace", "geotrace", GN_FT_GEOPOINT }, { "geoshape", "geoshape", GN_FT_GEOPOINT },
	{ "image", "image", GN_FT_MEDIA }, { "photo", "image", GN_FT_MEDIA }, { "add image prompt", "image", GN_FT_MEDIA },
	{ "add photo prompt", "image", GN_FT_MEDIA }, { "q picture", "image", GN_FT_MEDIA },
	{ "q image", "image", GN_FT_MEDIA }, { "audio", "audio", GN_FT_MEDIA }, { "add audio prompt", "audio", GN_FT_MEDIA },
	{ "q audio", "audio", GN_FT_MEDIA }, { "video", "video", GN_FT_MEDIA }, { "add video prompt", "video", GN_FT_MEDIA },
	{ "q video", "video", GN_FT_MEDIA }, { "file", "file", GN_FT_MEDIA }, { "add file prompt", "file", GN_FT_MEDIA },
	{ "barcode", "barcode", GN_FT_MEDIA }, { "add barcode prompt", "barcode", GN_FT_MEDIA },
	{ "q barcode", "barcode", GN_FT_MEDIA }, { "background-audio", "background-audio", GN_FT_MEDIA },
	{ "note", "note", GN_FT_NOTE }, { "add note prompt", "note", GN_FT_NOTE }, { "q note", "note", GN_FT_NOTE },
	{ "calculate", "calculate", GN_FT_CALCULATE }, { "q calculate", "calculate", GN_FT_CALCULATE },
	{ "acknowledge", "acknowledge", GN_FT_ACKNOWLEDGE }, { "trigger", "acknowledge", GN_FT_ACKNOWLEDGE },
	{ "q acknowledge", "acknowledge", GN_FT_ACKNOWLEDGE },
	/* metadata, filled in rather than asked */
	{ "start", "start", GN_FT_META }, { "end", "end", GN_FT_META }, { "today", "today", GN_FT_META },
	{ "deviceid", "deviceid", GN_FT_META }, { "device id", "deviceid", GN_FT_META }, { "imei", "deviceid", GN_FT_META },
	{ "username", "username", GN_FT_META }, { "email", "email", GN_FT_META }, { "subscriberid", "subscriberid", GN_FT_META },
	{ "simserial", "simserial", GN_FT_META }, { "sim id", "simserial", GN_FT_META },
	{ "phonenumber", "phonenumber", GN_FT_META }, { "phone number", "phonenumber", GN_FT_META },
	{ "uri:username", "username", GN_FT_META }, { "uri:email", "email", GN_FT_META },
	{ "uri:deviceid", "deviceid", GN_FT_META }, { "uri:subscriberid", "subscriberid", GN_FT_META },
	{ "uri:simserial", "simserial", GN_FT_META }, { "uri:phonenumber", "phonenumber", GN_FT_META },
	{ "audit", "audit", GN_FT_META }, { "start-geopoint", "start-geopoint", GN_FT_META },
	{ "hidden", "hidden", GN_FT_META }, { "xml-external", "xml-external", GN_FT_META },
	{ "csv-external", "csv-external", GN_FT_META },
	/* groups, repeats and loops (a loop over a list is asked as a group) */
	{ "begin group", "begin_group", GN_FT_BEGIN_GROUP }, { "begin_group", "begin_group", GN_FT_BEGIN_GROUP },
	{ "end group", "end_group", GN_FT_END_GROUP }, { "end_group", "end_group", GN_FT_END_GROUP },
	{ "begin repeat", "begin_repeat", GN_FT_BEGIN_REPEAT }, { "begin_repeat", "begin_repeat", GN_FT_BEGIN_REPEAT },
	{ "begin looped group", "begin_repeat", GN_FT_BEGIN_REPEAT }, { "begin lgroup", "begin_repeat", GN_FT_BEGIN_REPEAT },
	{ "end repeat", "end_repeat", GN_FT_END_REPEAT }, { "end_repeat", "end_repeat", GN_FT_END_REPEAT },
	{ "end looped group", "end_repeat", GN_FT_END_REPEAT }, { "end lgroup", "end_repeat", GN_FT_END_REPEAT },
	{ "end loop", "end_group", GN_FT_END_GROUP }, { "end_loop", "end_group", GN_FT_END_GROUP },
};

/* The select spellings (aliases.py: select, select_from_file); "begin loop
 * over L" is a group asked once per choice of L. */
static const struct { const char *prefix; gn_field_type type; bool from_file; } selects[] = {
	{ "select_one_from_file", GN_FT_SELECT_ONE, true }, { "select_multiple_from_file", GN_FT_SELECT_MULTIPLE, true },
	{ "select one from file", GN_FT_SELECT_ONE, true }, { "select multiple from file", GN_FT_SELECT_MULTIPLE, true },
	{ "select_one_external", GN_FT_SELECT_ONE, true }, { "select_multiple_external", GN_FT_SELECT_MULTIPLE, true },
	{ "add select one prompt using", GN_FT_SELECT_ONE, false },
	{ "add select multiple prompt using", GN_FT_SELECT_MULTIPLE, false },
	{ "select all that apply from", GN_FT_SELECT_MULTIPLE, false }, { "select one from", GN_FT_SELECT_ONE, false },
	{ "select all that apply", GN_FT_SELECT_MULTIPLE, false }, { "select1", GN_FT_SELECT_ONE, false },
	{ "select_one", GN_FT_SELECT_ONE, false }, { "select one", GN_FT_SELECT_ONE, false },
	{ "select_multiple", GN_FT_SELECT_MULTIPLE, false }, { "rank", GN_FT_SELECT_MULTIPLE, false },
	{ "begin loop over", GN_FT_BEGIN_GROUP, false }, { "begin_loop over", GN_FT_BEGIN_GROUP, false },
	{ "begin loop", GN_FT_BEGIN_GROUP, false }, { "begin_loop", GN_FT_BEGIN_GROUP, false },
};

typedef struct parsed_type {
	gn_field_type type;
	char xls[32];
	char list[128];     /* a select's list (or file) */
	bool has_list, from_file, or_other;
} parsed_type;

/* The row's type as pyxform reads it (whitespace collapsed), or false
 * when it is unknown (said in problems). */
static bool parse_type(const char *type_cell, int line, int row, int col, parsed_type *out,
                       gn_form_problems *problems)
{
	char cell[256];
	size_t n = 0;
	bool space = false;
	memset(out, 0, sizeof *out);
	for (const char *p = type_cell; *p && n + 2 < sizeof cell; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
			space = n > 0;
			continue;
		}
		if (space)
			cell[n++] = ' ';
		space = false;
		cell[n++] = *p;
	}
	cell[n] = '\0';
	for (size_t t = 0; t < sizeof types / sizeof *types; t++)
		if (strcmp(types[t].name, cell) == 0) {
			out->type = types[t].type;
			snprintf(out->xls, sizeof out->xls, "%s", types[t].xls);
			return true;
		}
	for (size_t k = 0; k < sizeof selects / sizeof *selects; k++) {
		size_t l = strlen(selects[k].prefix);
		if (strncmp(cell, selects[k].prefix, l) != 0 || cell[l] != ' ')
			continue;
		const char *rest = cell + l + 1;
		size_t list_len = strcspn(rest, " ");
		const char *after = rest + list_len;
		if (*after == ' ' && (strcmp(after + 1, "or specify other") == 0 || strcmp(after + 1, "or_other") == 0))
			out->or_other = true;
		else if (*after)
			break;
		out->type = selects[k].type;
		out->has_list = true;
		out->from_file = selects[k].from_file;
		const char *xls = out->type == GN_FT_BEGIN_GROUP ? "begin_loop"
		                  : strstr(selects[k].prefix, "_external") ? selects[k].prefix
		                  : selects[k].from_file ? (out->type == GN_FT_SELECT_ONE ? "select_one_from_file"
		                                                                          : "select_multiple_from_file")
		                  : strcmp(selects[k].prefix, "rank") == 0 ? "rank"
		                  : out->type == GN_FT_SELECT_ONE ? "select_one" : "select_multiple";
		snprintf(out->xls, sizeof out->xls, "%s", xls);
		snprintf(out->list, sizeof out->list, "%.*s", (int)(list_len < 127 ? list_len : 127), rest);
		return true;
	}
	form_problem_at(problems, "survey.csv", line, row, col, false, _("unknown type %s"), type_cell);
	return false;
}

/* A row's name (present, an XML name, unique within its parent group as
 * pyxform requires) and label. */
static void check_names_and_labels(const gn_form *form, const gn_field *f, bool has_media, gn_form_problems *problems)
{
	int line = f->line, c_name = form->survey_col[GN_COL_NAME];
	bool needs_name = f->type != GN_FT_END_GROUP && f->type != GN_FT_END_REPEAT;
	if (needs_name && !*f->name)
		form_problem_at(problems, "survey.csv", line, f->row, c_name, false, _("this row has no name"));
	else if (needs_name && (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_", f->name[0]) ||
	                        strspn(f->name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") !=
	                            strlen(f->name)))
		form_problem_at(problems, "survey.csv", line, f->row, c_name, false,
		                _("the name %s may only have letters a-z, digits, _, - and . and must start with a letter or _"),
		                f->name);
	else if (needs_name)
		for (size_t i = 0; i + 1 < form->n_fields; i++)
			if (form->fields[i].parent == f->parent && form->fields[i].name &&
			    strcmp(form->fields[i].name, f->name) == 0) {
				form_problem_at(problems, "survey.csv", line, f->row, c_name, false,
				                _("the name %s is used twice in the same group (also on line %d); names must be "
				                  "unique within their group"),
				                f->name, form->fields[i].line);
				break;
			}
	bool needs_label = f->type != GN_FT_CALCULATE && f->type != GN_FT_END_GROUP && f->type != GN_FT_END_REPEAT &&
	                   f->type != GN_FT_BEGIN_GROUP && f->type != GN_FT_BEGIN_REPEAT && f->type != GN_FT_META;
	if (needs_label && !*f->label_vi && !*f->label_en && !*f->hint_vi && !*f->hint_en && !has_media)
		form_problem_at(problems, "survey.csv", line, f->row, -1, false, _("%s has no label"), f->name);
	if (f->type == GN_FT_CALCULATE && !*f->calculation_src && !*f->default_value)
		form_problem_at(problems, "survey.csv", line, f->row, form->survey_col[GN_COL_CALCULATION], false,
		                _("the calculate %s has no calculation"), f->name);
}

/* Where a row stands among groups and repeats: what it opens or closes,
 * its parent, and its level (how many repeats it is in). */
typedef struct group_state {
	int open[64]; /* fields that opened the groups still open */
	int depth, level;
} group_state;

static void track_groups(gn_form *form, gn_field *f, group_state *g, gn_form_problems *problems, const char *type_cell)
{
	int line = f->line;
	if (f->type == GN_FT_BEGIN_GROUP || f->type == GN_FT_BEGIN_REPEAT) {
		if (g->depth == 64) {
			form_problem_at(problems, "survey.csv", line, f->row, -1, false, _("groups are nested too deep"));
			return;
		}
		g->open[g->depth++] = (int)form->n_fields - 1;
		if (f->type == GN_FT_BEGIN_REPEAT) {
			if (g->level == 0 && !form->repeat_name)
				form->repeat_name = strdup(f->name);
			g->level++;
		}
	} else if (f->type == GN_FT_END_GROUP || f->type == GN_FT_END_REPEAT) {
		gn_field_type want = f->type == GN_FT_END_GROUP ? GN_FT_BEGIN_GROUP : GN_FT_BEGIN_REPEAT;
		if (g->depth == 0 || form->fields[g->open[g->depth - 1]].type != want) {
			form_problem_at(problems, "survey.csv", line, f->row, form->survey_col[GN_COL_TYPE], false,
			                _("%s closes nothing that is open"), type_cell);
		} else {
			f->parent = g->depth > 1 ? g->open[g->depth - 2] : -1;
			g->depth--;
			if (want == GN_FT_BEGIN_REPEAT)
				g->level--;
		}
		f->level = g->level;
	}
}

/* XLSForm's yes/no spellings of required (aliases.yes_no): 1 yes, 0 no,
 * -1 an expression. */
static int yes_no(const char *v)
{
	static const char *const yes[] = { "yes", "Yes", "YES", "true", "True", "TRUE", "true()", NULL };
	static const char *const no[] = { "", "no", "No", "NO", "false", "False", "FALSE", "false()", NULL };
	for (int i = 0; yes[i]; i++)
		if (strcmp(v, yes[i]) == 0)
			return 1;
	for (int i = 0; no[i]; i++)
		if (strcmp(v, no[i]) == 0)
			return 0;
	return -1;
}

static char *dup_expr(const sheet *s, size_t r, int c)
{
	char *e = form_dup_cell(s, r, c);
	if (e)
		form_straighten_quotes(e);
	return e;
}

/* select_one L or_other: pyxform adds the choice "other" to L and a text
 * question <name>_other asked when it is picked. */
static void add_or_other(gn_form *form, gn_field *f)
{
	gn_choice_list *list = (gn_choice_list *)f->list;
	if (list && !gn_choice_find(list, "other")) {
		gn_choice *items = realloc(list->items, (list->n + 1) * sizeof *items);
		if (items) {
			list->items = items;
			gn_choice *ch = &list->items[list->n++];
			memset(ch, 0, sizeof *ch);
			ch->name = strdup("other");
			ch->label_vi = strdup("Khác");
			ch->label_en = strdup("Other");
			if (form->n_choice_cols)
				ch->extra = calloc(form->n_choice_cols, sizeof *ch->extra);
			for (size_t k = 0; ch->extra && k < form->n_choice_cols; k++)
				ch->extra[k] = strdup("");
		}
	}
	gn_field *o = &form->fields[form->n_fields++];
	memset(o, 0, sizeof *o);
	o->type = GN_FT_TEXT;
	snprintf(o->xls_type, sizeof o->xls_type, "text");
	o->line = f->line;
	o->row = f->row;
	o->level = f->level;
	o->parent = f->parent;
	size_t len = strlen(f->name) + 7;
	o->name = malloc(len);
	if (o->name)
		snprintf(o->name, len, "%s_other", f->name);
	o->label_vi = strdup("Ghi rõ lựa chọn khác.");
	o->label_en = strdup("Specify other.");
	size_t rlen = strlen(f->name) + 32;
	o->relevant_src = malloc(rlen);
	if (o->relevant_src)
		snprintf(o->relevant_src, rlen, "selected(${%s}, 'other')", f->name);
	char **empty[] = { &o->hint_vi, &o->hint_en, &o->required_src, &o->required_msg_vi, &o->required_msg_en,
		               &o->constraint_src, &o->constraint_msg_vi, &o->constraint_msg_en, &o->calculation_src,
		               &o->default_value, &o->choice_filter_src, &o->repeat_count_src, &o->appearance };
	for (size_t k = 0; k < sizeof empty / sizeof *empty; k++)
		*empty[k] = strdup("");
}

/* The appearances a terminal shows differently (docs/design.md); any
 * other is named, and the question is shown as without it. */
static void check_appearance(const gn_field *f, int col, gn_form_problems *problems)
{
	static const char *const honoured[] = { "minimal", "horizontal", "horizontal-compact", "field-list", "search",
		                                    "autocomplete", NULL };
	for (const char *p = f->appearance ? f->appearance : ""; *p;) {
		p += strspn(p, " ");
		size_t len = strcspn(p, " ");
		bool known = false;
		for (size_t k = 0; honoured[k] && len; k++)
			known |= len == strlen(honoured[k]) && strncmp(p, honoured[k], len) == 0;
		if (len > 7 && strncmp(p, "search(", 7) == 0)
			form_problem_at(problems, "survey.csv", f->line, f->row, col, true,
			                _("appearance %.*s of %s: its choices are in a file that is not on this PC; the form's "
			                  "own choices are searched"), (int)len, p, f->name);
		else if (len && !known)
			form_problem_at(problems, "survey.csv", f->line, f->row, col, true,
			                _("appearance %.*s of %s is not shown differently in a terminal; it is ignored"),
			                (int)len, p, f->name);
		p += len;
	}
}

/* A field's gonha::role: known, once in the form, at its place (the
 * roster a top-level repeat, a person's role in it, a household's outside
 * every repeat), of a type that can hold it. */
static void read_role(gn_form *form, gn_field *f, const char *cell, int col, gn_form_problems *problems)
{
	if (!*cell)
		return;
	gn_qrole role = gn_qrole_from_name(cell);
	int k = (int)(f - form->fields);
	if (role == GN_QROLE_NONE) {
		form_problem_at(problems, "survey.csv", f->line, f->row, col, false,
		                _("gonha::role %s is not a role gonha knows (docs/design.md, \"Roles\")"), cell);
		return;
	}
	if (form->role_field[role] >= 0 && form->role_field[role] != k) {
		form_problem_at(problems, "survey.csv", f->line, f->row, col, false,
		                _("gonha::role %s is already played by %s"), cell, form->fields[form->role_field[role]].name);
		return;
	}
	int repeat = gn_form_repeat_of(form, (size_t)k);
	bool ok;
	if (role == GN_QROLE_ROSTER)
		ok = f->type == GN_FT_BEGIN_REPEAT && f->level == 0 && repeat < 0;
	else if (gn_qrole_of_household(role))
		ok = f->level == 0 && gn_field_is_question(f);
	else
		ok = f->level == 1 && repeat >= 0 && form->fields[repeat].role == GN_QROLE_ROSTER && gn_field_is_question(f);
	if (!ok) {
		form_problem_at(problems, "survey.csv", f->line, f->row, col, false,
		                role == GN_QROLE_ROSTER ? _("gonha::role roster belongs on a begin_repeat outside every repeat")
		                : gn_qrole_of_household(role)
		                        ? _("gonha::role %s is a household's: its question must be outside every repeat")
		                        : _("gonha::role %s is a person's: its question must be in the repeat whose role is roster"),
		                cell);
		return;
	}
	bool number = f->type == GN_FT_INTEGER || f->type == GN_FT_DECIMAL;
	bool choice = f->type == GN_FT_SELECT_ONE;
	if (((role == GN_QROLE_BIRTH_YEAR || role == GN_QROLE_AGE) && !number) ||
	    ((role == GN_QROLE_SEX || role == GN_QROLE_RELATION || role == GN_QROLE_VISIT_STATUS) && !choice) ||
	    (role == GN_QROLE_VISIT_DATE && f->type != GN_FT_DATE)) {
		form_problem_at(problems, "survey.csv", f->line, f->row, col, false,
		                _("gonha::role %s cannot be played by %s, a question of type %s"), cell, f->name, f->xls_type);
		return;
	}
	f->role = role;
	form->role_field[role] = k;
	/* a role with codes: each choice is one of gonha's, or says which */
	const char *const *codes = gn_core_codes(gn_qrole_name(role));
	for (size_t i = 0; codes && f->list && i < f->list->n; i++) {
		const gn_choice *ch = &f->list->items[i];
		const char *code = ch->gonha_code && *ch->gonha_code ? ch->gonha_code : ch->name;
		bool known = false;
		gn_strbuf all = { 0 };
		for (size_t c = 0; codes[c]; c++) {
			known |= strcmp(codes[c], code) == 0;
			gn_sb_printf(&all, "%s%s", c ? ", " : "", codes[c]);
		}
		if (!known)
			form_problem_at(problems, "survey.csv", f->line, f->row, col, false,
			                _("%s plays gonha::role %s, but its choice %s of list %s is none of gonha's codes (%s): "
			                  "give gonha's code in the choices' gonha::code column"),
			                f->name, cell, ch->name, f->list->name, all.s ? all.s : "");
		gn_sb_free(&all);
	}
}

gn_status form_load_survey(gn_form *form, const sheet *s, gn_form_problems *problems)
{
	int c_type = sheet_column(s, "type"), c_name = sheet_column(s, "name");
	if (c_type < 0 || c_name < 0) {
		form_problem_at(problems, "survey.csv", 1, 1, -1, false, _("the header needs the columns type and name"));
		return GN_OK;
	}
	warn_unknown_columns(s, "survey.csv", survey_columns, problems);
	lang_cols c_label = find_lang_cols(s, "label"), c_hint = find_lang_cols(s, "hint");
	lang_cols c_req_msg = find_lang_cols(s, "required_message"), c_con_msg = find_lang_cols(s, "constraint_message");
	int c_req = sheet_column(s, "required"), c_con = sheet_column(s, "constraint");
	int c_rel = sheet_column(s, "relevant"), c_calc = sheet_column(s, "calculation");
	int c_def = sheet_column(s, "default"), c_filter = sheet_column(s, "choice_filter");
	int c_count = sheet_column(s, "repeat_count"), c_app = sheet_column(s, "appearance");
	int c_role = sheet_column(s, "gonha::role");
	form->survey_col[GN_COL_TYPE] = c_type;
	form->survey_col[GN_COL_NAME] = c_name;
	form->survey_col[GN_COL_RELEVANT] = c_rel;
	form->survey_col[GN_COL_CONSTRAINT] = c_con;
	form->survey_col[GN_COL_REQUIRED] = c_req;
	form->survey_col[GN_COL_CALCULATION] = c_calc;
	form->survey_col[GN_COL_CHOICE_FILTER] = c_filter;
	form->survey_col[GN_COL_REPEAT_COUNT] = c_count;

	group_state g = { .depth = 0, .level = 0 };
	/* each row is one field, an "or_other" select two */
	form->fields = calloc(s->n ? 2 * s->n : 1, sizeof *form->fields);
	int *tr_col = tr_columns(form, s);
	if (!form->fields || !tr_col) {
		free(tr_col);
		return GN_ERR_NOMEM;
	}
	for (size_t r = 1; r < s->n; r++) {
		int line = s->rows[r].line, row = s->rows[r].row;
		const char *type_cell = sheet_cell(s, r, c_type);
		if (!*type_cell)
			continue;
		parsed_type t;
		if (!parse_type(type_cell, line, row, c_type, &t, problems))
			continue;
		gn_field *f = &form->fields[form->n_fields++];
		f->type = t.type;
		snprintf(f->xls_type, sizeof f->xls_type, "%s", t.xls);
		f->line = line;
		f->row = row;
		f->parent = g.depth ? g.open[g.depth - 1] : -1;
		f->name = form_dup_cell(s, r, c_name);
		dup_lang(s, r, c_label, &f->label_vi, &f->label_en);
		dup_lang(s, r, c_hint, &f->hint_vi, &f->hint_en);
		f->required_src = dup_expr(s, r, c_req);
		dup_lang(s, r, c_req_msg, &f->required_msg_vi, &f->required_msg_en);
		f->constraint_src = dup_expr(s, r, c_con);
		dup_lang(s, r, c_con_msg, &f->constraint_msg_vi, &f->constraint_msg_en);
		f->tr = tr_cells(form, s, r, tr_col, GN_TR_COUNT);
		f->relevant_src = dup_expr(s, r, c_rel);
		f->calculation_src = dup_expr(s, r, c_calc);
		f->default_value = form_dup_cell(s, r, c_def);
		f->choice_filter_src = dup_expr(s, r, c_filter);
		f->repeat_count_src = dup_expr(s, r, c_count);
		f->appearance = form_dup_cell(s, r, c_app);
		check_appearance(f, c_app, problems);
		f->level = g.level;
		f->list_from_file = t.from_file;
		if (t.from_file && !strstr(t.xls, "_external") && *t.list)
			f->media_file = strdup(t.list);
		if (t.has_list && !t.from_file) {
			for (size_t i = 0; i < form->n_lists; i++)
				if (strcmp(form->lists[i].name, t.list) == 0)
					f->list = &form->lists[i];
			if (!*t.list)
				form_problem_at(problems, "survey.csv", line, row, c_type, false,
				                _("%s needs a list name (e.g. %s yes_no)"), t.xls, t.xls);
			else if (!f->list)
				form_problem_at(problems, "survey.csv", line, row, c_type, false, _("list %s is not in choices.csv"),
				                t.list);
		}
		if (f->type == GN_FT_NOTE && f->name && !*f->name) {
			/* pyxform names a note that has none */
			free(f->name);
			char generated[48];
			snprintf(generated, sizeof generated, "generated_note_name_%d", row);
			f->name = strdup(generated);
		}
		bool has_media = false;
		for (size_t c = 0; c < s->rows[0].n && !has_media; c++)
			has_media = strncmp(s->rows[0].cells[c], "media::", 7) == 0 && *sheet_cell(s, r, (int)c);
		check_names_and_labels(form, f, has_media, problems);
		int req = yes_no(f->required_src);
		f->required_always = req == 1;
		if (req >= 0)
			f->required_src[0] = '\0'; /* a yes/no, not an expression */
		if (f->type == GN_FT_MEDIA && f->required_always)
			form_problem_at(problems, "survey.csv", line, row, c_req, true,
			                _("%s is required, but answers of type %s are not collected on this PC: the question is left out"),
			                f->name, f->xls_type);
		track_groups(form, f, &g, problems, type_cell);
		read_role(form, f, sheet_cell(s, r, c_role), c_role, problems);
		if (t.or_other)
			add_or_other(form, f);
	}
	while (g.depth > 0) {
		const gn_field *open = &form->fields[g.open[--g.depth]];
		form_problem_at(problems, "survey.csv", open->line, open->row, c_type, false, _("%s %s is never closed"),
		                open->type == GN_FT_BEGIN_REPEAT ? "begin_repeat" : "begin_group", open->name);
	}
	free(tr_col);
	return GN_OK;
}

/* The form's name when its settings give none: the folder's (pyxform's is
 * the workbook's file name), without an extension. */
static char *base_name(const char *dir)
{
	size_t len = strlen(dir);
	while (len > 1 && dir[len - 1] == '/')
		len--;
	const char *start = dir + len;
	while (start > dir && start[-1] != '/')
		start--;
	size_t n = (size_t)(dir + len - start);
	const char *dot = memchr(start, '.', n);
	if (dot && dot > start)
		n = (size_t)(dot - start);
	return strndup(start, n);
}

gn_status form_load_settings(gn_form *form, const char *dir, const sheet *s, gn_form_problems *problems)
{
	if (!s) {
		form->id = base_name(dir);
		form->version = strdup("1");
		form->default_lang = strdup("vi");
		form->title_vi = strdup("");
		form->title_en = strdup("");
		form_problem_at(problems, "settings.csv", 0, 0, -1, true,
		                _("no settings sheet: the form id is %s (its name), version 1"), form->id ? form->id : "");
		return GN_OK;
	}
	form->id = form_dup_cell(s, 1, sheet_column(s, "form_id"));
	form->version = form_dup_cell(s, 1, sheet_column(s, "version"));
	form->default_lang = form_dup_cell(s, 1, sheet_column(s, "default_language"));
	lang_cols c_title = find_lang_cols(s, "form_title");
	dup_lang(s, 1, c_title, &form->title_vi, &form->title_en);
	const char *dup = sheet_cell(s, 1, sheet_column(s, "allow_choice_duplicates"));
	form->allow_choice_duplicates = strcmp(dup, "yes") == 0 || strcmp(dup, "Yes") == 0 || strcmp(dup, "YES") == 0 ||
	                                strcmp(dup, "true") == 0 || strcmp(dup, "TRUE") == 0;
	if (form->id && !*form->id) {
		free(form->id);
		form->id = base_name(dir); /* pyxform: the file's name */
	}
	return GN_OK;
}

void form_canon_column(const char *raw, char *out, size_t size)
{
	char written[256];
	canon_header(raw, out, size, written, sizeof written);
}
