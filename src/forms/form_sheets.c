/* Reading a questionnaire's sheets (survey.csv, choices.csv,
 * settings.csv) into a gn_form, checking each row as the XLSForm tools do.
 * Expressions are compiled afterwards, in form.c. */
#include "form_internal.h"
#include "gonha/core/i18n.h"
#include "gonha/text/text.h"

#include <limits.h>
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

static const char *const survey_columns[] = {
	"type", "name", "label::vi", "label::en", "label", "hint::vi", "hint::en", "hint", "required",
	"required_message", "required_message::vi", "required_message::en", "constraint", "constraint_message",
	"constraint_message::vi", "constraint_message::en", "relevant", "calculation", "default", "choice_filter",
	"label::Vietnamese (vi)", "label::English (en)", "appearance", "read_only", NULL,
};

static void warn_unknown_columns(const sheet *s, const char *file, const char *const *known,
                                 gn_form_problems *problems)
{
	if (s->n == 0)
		return;
	for (size_t i = 0; i < s->rows[0].n; i++) {
		bool ok = false;
		for (const char *const *k = known; *k && !ok; k++)
			ok = strcmp(*k, s->rows[0].cells[i]) == 0;
		if (!ok && s->rows[0].cells[i][0])
			form_problem(problems, file, s->rows[0].line, true, _("column %s is not used by gonha; it is ignored"),
			            s->rows[0].cells[i]);
	}
}

gn_status form_load_choices(gn_form *form, const sheet *s, gn_form_problems *problems)
{
	int c_list = form_column(s, "list_name", "list name"), c_name = sheet_column(s, "name");
	int c_vi = form_column(s, "label::vi", "label"), c_en = sheet_column(s, "label::en");
	if (c_list < 0 || c_name < 0) {
		form_problem(problems, "choices.csv", 1, false, _("the header needs the columns list_name and name"));
		return GN_OK;
	}
	for (size_t r = 1; r < s->n; r++) {
		const char *list_name = sheet_cell(s, r, c_list), *name = sheet_cell(s, r, c_name);
		if (!*list_name && !*name)
			continue;
		gn_choice_list *list = NULL;
		for (size_t i = 0; i < form->n_lists; i++)
			if (strcmp(form->lists[i].name, list_name) == 0)
				list = &form->lists[i];
		if (!list) {
			gn_choice_list *lists = realloc(form->lists, (form->n_lists + 1) * sizeof *lists);
			if (!lists)
				return GN_ERR_NOMEM;
			form->lists = lists;
			list = &form->lists[form->n_lists++];
			memset(list, 0, sizeof *list);
			list->name = strdup(list_name);
		}
		if (gn_choice_find(list, name)) {
			form_problem(problems, "choices.csv", s->rows[r].line, false, _("choice %s appears twice in list %s"),
			            name, list_name);
			continue;
		}
		gn_choice *items = realloc(list->items, (list->n + 1) * sizeof *items);
		if (!items)
			return GN_ERR_NOMEM;
		list->items = items;
		gn_choice *ch = &list->items[list->n++];
		ch->name = strdup(name);
		ch->label_vi = form_dup_cell(s, r, c_vi);
		ch->label_en = form_dup_cell(s, r, c_en);
		if (!*name || strchr(name, ' '))
			form_problem(problems, "choices.csv", s->rows[r].line, false,
			            _("a choice name must be one word (no spaces): '%s'"), name);
		if (!*ch->label_vi && !*ch->label_en)
			form_problem(problems, "choices.csv", s->rows[r].line, false, _("choice %s has no label"), name);
	}
	return GN_OK;
}

static const struct { const char *name; gn_field_type type; bool has_list; } types[] = {
	{ "text", GN_FT_TEXT, false }, { "integer", GN_FT_INTEGER, false }, { "decimal", GN_FT_DECIMAL, false },
	{ "date", GN_FT_DATE, false }, { "select_one", GN_FT_SELECT_ONE, true },
	{ "select_multiple", GN_FT_SELECT_MULTIPLE, true }, { "note", GN_FT_NOTE, false },
	{ "calculate", GN_FT_CALCULATE, false }, { "begin_group", GN_FT_BEGIN_GROUP, false },
	{ "begin group", GN_FT_BEGIN_GROUP, false }, { "end_group", GN_FT_END_GROUP, false },
	{ "end group", GN_FT_END_GROUP, false }, { "begin_repeat", GN_FT_BEGIN_REPEAT, false },
	{ "begin repeat", GN_FT_BEGIN_REPEAT, false }, { "end_repeat", GN_FT_END_REPEAT, false },
	{ "end repeat", GN_FT_END_REPEAT, false },
	/* pyxform's older names, still found in forms people share */
	{ "string", GN_FT_TEXT, false }, { "int", GN_FT_INTEGER, false },
};

/* XLSForm types gonha knows but does not collect: a census of people
 * records no places, media or times of day. */
static const char *const unsupported_types[] = {
	"geopoint", "geotrace", "geoshape", "image", "audio", "video", "file", "barcode", "time", "dateTime",
	"datetime", "trigger", "acknowledge", "range", "rank", "start", "end", "today", "deviceid", "phonenumber",
	"username", "email", "audit", "background-audio", "begin_loop", "begin loop", "hidden", NULL,
};

/* The row's type: its index in types[] (list_name gets the choice list of
 * a select), or -1 when it is unknown or not supported (said in problems). */
static int parse_type(const char *type_cell, int line, char list_name[128], gn_form_problems *problems)
{
	char type_word[64], spelled[256];
	/* "select one from L" and "select all that apply from L" are the
	 * older spellings of select_one L and select_multiple L */
	if (strncmp(type_cell, "select one from ", 16) == 0)
		snprintf(spelled, sizeof spelled, "select_one %.200s", type_cell + 16), type_cell = spelled;
	else if (strncmp(type_cell, "select all that apply from ", 27) == 0)
		snprintf(spelled, sizeof spelled, "select_multiple %.200s", type_cell + 27), type_cell = spelled;
	if (sscanf(type_cell, "%63s %127s", type_word, list_name) < 1)
		return -1;
	if (strstr(type_cell, " or specify other") || strstr(type_cell, " or_other")) {
		form_problem(problems, "survey.csv", line, false,
		            _("%s: \"or specify other\" is not supported by gonha; add an \"other\" choice and a text "
		              "question shown when it is picked"), type_cell);
		return -1;
	}
	bool unsupported = false;
	for (int u = 0; unsupported_types[u]; u++)
		unsupported |= strcmp(type_word, unsupported_types[u]) == 0;
	if (unsupported) {
		form_problem(problems, "survey.csv", line, false,
		            _("the XLSForm type %s is not supported by gonha (it records no places, media or times of day)"),
		            type_word);
		return -1;
	}
	if (strncmp(type_cell, "begin ", 6) == 0 || strncmp(type_cell, "end ", 4) == 0)
		snprintf(type_word, sizeof type_word, "%.63s", type_cell), list_name[0] = '\0';
	size_t t;
	for (t = 0; t < sizeof types / sizeof *types; t++)
		if (strcmp(types[t].name, type_word) == 0)
			break;
	if (t == sizeof types / sizeof *types) {
		form_problem(problems, "survey.csv", line, false, _("unknown type %s"), type_cell);
		return -1;
	}
	list_name[127] = '\0';
	return (int)t;
}

/* A row's name (present, [A-Za-z0-9_], not used twice) and label. */
static void check_names_and_labels(const gn_form *form, const gn_field *f, gn_form_problems *problems)
{
	int line = f->line;
	bool needs_name = f->type != GN_FT_END_GROUP && f->type != GN_FT_END_REPEAT;
	if (needs_name && !*f->name)
		form_problem(problems, "survey.csv", line, false, _("this row has no name"));
	else if (needs_name && strspn(f->name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") !=
	                       strlen(f->name))
		form_problem(problems, "survey.csv", line, false,
		            _("the name %s may only have letters a-z, digits and _"), f->name);
	else if (needs_name)
		for (size_t i = 0; i + 1 < form->n_fields; i++)
			if (form->fields[i].name && strcmp(form->fields[i].name, f->name) == 0) {
				form_problem(problems, "survey.csv", line, false, _("the name %s is used twice (also on line %d)"),
				            f->name, form->fields[i].line);
				break;
			}
	bool needs_label = f->type != GN_FT_CALCULATE && f->type != GN_FT_END_GROUP &&
	                   f->type != GN_FT_END_REPEAT && f->type != GN_FT_BEGIN_GROUP;
	if (needs_label && !*f->label_vi && !*f->label_en)
		form_problem(problems, "survey.csv", line, false, _("%s has no label"), f->name);
	if (f->type == GN_FT_CALCULATE && !*f->calculation_src)
		form_problem(problems, "survey.csv", line, false, _("the calculate %s has no calculation"), f->name);
}

/* Where a row stands among groups and the repeat: what it opens or
 * closes, and the level of the fields inside (1 in the members' repeat). */
typedef struct group_state {
	int open[64]; /* fields that opened the groups still open */
	int depth, level;
} group_state;

static void track_groups(gn_form *form, gn_field *f, group_state *g, gn_form_problems *problems, const char *type_cell)
{
	int line = f->line;
	if (f->type == GN_FT_BEGIN_GROUP || f->type == GN_FT_BEGIN_REPEAT) {
		if (g->depth == 64) {
			form_problem(problems, "survey.csv", line, false, _("groups are nested too deep"));
			return;
		}
		g->open[g->depth++] = (int)form->n_fields - 1;
		if (f->type == GN_FT_BEGIN_REPEAT) {
			if (g->level > 0)
				form_problem(problems, "survey.csv", line, false, _("a repeat inside a repeat is not supported by gonha"));
			else if (form->repeat_name)
				form_problem(problems, "survey.csv", line, false,
				             _("gonha supports one repeat (the household's members); %s is a second one"), f->name);
			else
				form->repeat_name = strdup(f->name);
			g->level = 1;
		}
	} else if (f->type == GN_FT_END_GROUP || f->type == GN_FT_END_REPEAT) {
		gn_field_type want = f->type == GN_FT_END_GROUP ? GN_FT_BEGIN_GROUP : GN_FT_BEGIN_REPEAT;
		if (g->depth == 0 || form->fields[g->open[g->depth - 1]].type != want) {
			form_problem(problems, "survey.csv", line, false, _("%s closes nothing that is open"), type_cell);
		} else {
			g->depth--;
			if (want == GN_FT_BEGIN_REPEAT)
				g->level = 0;
		}
		f->level = g->level;
	}
}

gn_status form_load_survey(gn_form *form, const sheet *s, gn_form_problems *problems)
{
	int c_type = sheet_column(s, "type"), c_name = sheet_column(s, "name");
	if (c_type < 0 || c_name < 0) {
		form_problem(problems, "survey.csv", 1, false, _("the header needs the columns type and name"));
		return GN_OK;
	}
	warn_unknown_columns(s, "survey.csv", survey_columns, problems);
	int c_label_vi = form_column(s, "label::vi", "label"), c_label_en = sheet_column(s, "label::en");
	int c_hint_vi = form_column(s, "hint::vi", "hint"), c_hint_en = sheet_column(s, "hint::en");
	int c_req = sheet_column(s, "required");
	int c_req_vi = form_column(s, "required_message::vi", "required_message"), c_req_en = sheet_column(s, "required_message::en");
	int c_con = sheet_column(s, "constraint");
	int c_con_vi = form_column(s, "constraint_message::vi", "constraint_message");
	int c_con_en = sheet_column(s, "constraint_message::en");
	int c_rel = sheet_column(s, "relevant"), c_calc = sheet_column(s, "calculation");
	int c_def = sheet_column(s, "default"), c_filter = sheet_column(s, "choice_filter");

	group_state g = { .depth = 0, .level = 0 };
	form->fields = calloc(s->n ? s->n : 1, sizeof *form->fields);
	if (!form->fields)
		return GN_ERR_NOMEM;
	for (size_t r = 1; r < s->n; r++) {
		int line = s->rows[r].line;
		const char *type_cell = sheet_cell(s, r, c_type);
		if (!*type_cell)
			continue;
		char list_name[128] = "";
		int t = parse_type(type_cell, line, list_name, problems);
		if (t < 0)
			continue;
		gn_field *f = &form->fields[form->n_fields++];
		f->type = types[t].type;
		f->line = line;
		f->name = form_dup_cell(s, r, c_name);
		f->label_vi = form_dup_cell(s, r, c_label_vi);
		f->label_en = form_dup_cell(s, r, c_label_en);
		f->hint_vi = form_dup_cell(s, r, c_hint_vi);
		f->hint_en = form_dup_cell(s, r, c_hint_en);
		f->required_src = form_dup_cell(s, r, c_req);
		f->required_msg_vi = form_dup_cell(s, r, c_req_vi);
		f->required_msg_en = form_dup_cell(s, r, c_req_en);
		f->constraint_src = form_dup_cell(s, r, c_con);
		f->constraint_msg_vi = form_dup_cell(s, r, c_con_vi);
		f->constraint_msg_en = form_dup_cell(s, r, c_con_en);
		f->relevant_src = form_dup_cell(s, r, c_rel);
		f->calculation_src = form_dup_cell(s, r, c_calc);
		f->default_value = form_dup_cell(s, r, c_def);
		f->choice_filter_src = form_dup_cell(s, r, c_filter);
		f->level = g.level;
		if (types[t].has_list) {
			for (size_t i = 0; i < form->n_lists; i++)
				if (strcmp(form->lists[i].name, list_name) == 0)
					f->list = &form->lists[i];
			if (!*list_name)
				form_problem(problems, "survey.csv", line, false, _("%s needs a list name (e.g. %s yes_no)"),
				            types[t].name, types[t].name);
			else if (!f->list)
				form_problem(problems, "survey.csv", line, false, _("list %s is not in choices.csv"), list_name);
		}
		check_names_and_labels(form, f, problems);
		f->required_always = strcmp(f->required_src, "yes") == 0 || strcmp(f->required_src, "true()") == 0 ||
		                     strcmp(f->required_src, "TRUE") == 0;
		track_groups(form, f, &g, problems, type_cell);
	}
	while (g.depth > 0) {
		const gn_field *open = &form->fields[g.open[--g.depth]];
		form_problem(problems, "survey.csv", open->line, false, _("%s %s is never closed"),
		            open->type == GN_FT_BEGIN_REPEAT ? "begin_repeat" : "begin_group", open->name);
	}
	return GN_OK;
}

gn_status form_load_settings(gn_form *form, const char *dir, gn_form_problems *problems)
{
	char path[PATH_MAX];
	sheet s;
	gn_err err = { 0 };
	snprintf(path, sizeof path, "%s/settings.csv", dir);
	gn_status st = sheet_read(path, &s, &err);
	if (st == GN_ERR_NOT_FOUND) {
		form->id = strdup("form");
		form->version = strdup("1");
		form->default_lang = strdup("vi");
		form_problem(problems, "settings.csv", 0, true, _("no settings.csv: form id 'form', version 1"));
		return GN_OK;
	}
	if (st != GN_OK) {
		form_problem(problems, "settings.csv", 0, false, "%s", err.msg);
		return GN_OK;
	}
	form->id = form_dup_cell(&s, 1, sheet_column(&s, "form_id"));
	form->version = form_dup_cell(&s, 1, sheet_column(&s, "version"));
	form->default_lang = form_dup_cell(&s, 1, sheet_column(&s, "default_language"));
	if (!*form->id)
		form_problem(problems, "settings.csv", 2, false, _("settings.csv needs a form_id"));
	sheet_free(&s);
	return GN_OK;
}
