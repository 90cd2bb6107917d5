/* The loaded questionnaire (forms/census) as the form screen's model: the
 * household form is the form's level-0 fields, the person form the fields
 * inside the repeat whose gonha::role is roster, in survey order. Labels, hints and messages
 * come from the form in the UI language; `relevant`, `required`,
 * `constraint` and `calculation` are the form's expressions, run by the
 * forms engine on the record's current values.
 *
 * Values: the questions that play a gonha::role are the columns of
 * gn_household / gn_person (gn_household_column);
 * every other question is a key of the record's answers JSON, set or
 * removed one key at a time so that keys this form does not know (another
 * form version, another PC) are kept. */
#include "ui.h"
#include "gonha/domain/answers.h"
#include "gonha/core/date.h"
#include "gonha/storage/db.h"
#include "gonha/core/i18n.h"
#include "gonha/text/text.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct fm_field {
	size_t fi;            /* index in the form */
	uf_field uf;
	uf_choice *choices;   /* owned array (labels borrowed from the form) */
	char *shown;          /* owned: the value as shown */
} fm_field;

typedef struct form_model {
	uf_model m;
	char login[64];       /* the signed-in user */
	gn_form *form;        /* borrowed */
	gn_household *hh;     /* borrowed */
	size_t member;
	bool person;
	fm_field *f;
	size_t n;
	char **vals;          /* per form field, as stored (ISO dates); owned */
	const char **eval;    /* what expressions see: vals, but a number that
	                       * does not parse as NULL (no age from "19x5") */
} form_model;

static form_model *self(uf_model *m) { return (form_model *)m; }

static gn_person *person_of(form_model *c) { return &c->hh->members[c->member]; }

/* ---- the roles' columns --------------------------------------------------- */

/* The record's column a field's value is kept in (its gonha::role), NULL
 * for an answer. The age role is kept as the birth year. */
static const char *column_of(const gn_field *fd)
{
	if (fd->role == GN_QROLE_NONE || fd->role == GN_QROLE_ROSTER)
		return NULL;
	return gn_qrole_name(fd->role == GN_QROLE_AGE ? GN_QROLE_BIRTH_YEAR : fd->role);
}

static bool has_codes(gn_qrole role)
{
	return role == GN_QROLE_RELATION || role == GN_QROLE_SEX || role == GN_QROLE_VISIT_STATUS;
}

/* A column's value as the form's question has it (malloc'd; "" none):
 * the form's own code of a relation, sex, visit outcome; the age from the
 * birth year. */
static char *as_question(form_model *c, const gn_field *fd, char *v)
{
	if (!v)
		return strdup("");
	if (has_codes(fd->role)) {
		char *code = strdup(gn_form_code_from_gonha(c->form, fd->role, v));
		free(v);
		return code;
	}
	if (fd->role == GN_QROLE_AGE) {
		char age[16];
		snprintf(age, sizeof age, "%d", gn_this_year() - atoi(v));
		free(v);
		return strdup(age);
	}
	return v;
}

/* A field's stored value (malloc'd; "" for none). */
static char *stored_value(form_model *c, const gn_field *fd)
{
	const char *col = column_of(fd);
	bool household = fd->level == 0;
	if (col)
		return as_question(c, fd, household ? gn_household_column(c->hh, col) : gn_person_column(person_of(c), col));
	char *v = gn_answers_get(c->form->db, household ? c->hh->answers : person_of(c)->answers, fd->name);
	return v ? v : strdup("");
}

static bool whole_number(const char *s, long long *out)
{
	const char *p = s;
	if (*p == '-')
		p++;
	if (!*p)
		return false;
	for (; *p; p++)
		if (!isdigit((unsigned char)*p))
			return false;
	*out = strtoll(s, NULL, 10);
	return true;
}

/* A number as JSON writes it: -12, 12.5 (no hex, exponents, inf). */
static bool json_number(const char *s)
{
	const char *p = s;
	if (*p == '-')
		p++;
	if (!isdigit((unsigned char)*p))
		return false;
	while (isdigit((unsigned char)*p))
		p++;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return false;
		while (isdigit((unsigned char)*p))
			p++;
	}
	return *p == '\0' && strlen(s) < 20;
}

/* Writes a value into the record: its column, or its key in answers. */
static gn_status store(form_model *c, const gn_field *fd, const char *v, gn_err *err)
{
	const char *col = column_of(fd);
	bool household = fd->level == 0;
	char **answers = household ? &c->hh->answers : &person_of(c)->answers;
	if (col) {
		char year[16];
		long long age;
		if (has_codes(fd->role))
			v = gn_form_code_to_gonha(c->form, fd->role, v);
		if (fd->role == GN_QROLE_AGE) {
			year[0] = '\0';
			if (whole_number(v, &age) && age >= 0 && age < 200)
				snprintf(year, sizeof year, "%lld", gn_this_year() - age);
			v = year;
		}
		if (household)
			gn_household_set_column(c->hh, col, v);
		else
			gn_person_set_column(person_of(c), col, v);
		return GN_OK;
	}
	gn_answer_type type = GN_ANSWER_TEXT;
	if (!*v)
		type = GN_ANSWER_NONE;
	else if ((fd->type == GN_FT_INTEGER || fd->type == GN_FT_DECIMAL) && json_number(v))
		type = GN_ANSWER_NUMBER;
	/* what does not parse is kept as typed (text): the check says why */
	return gn_answers_set(c->form->db, answers, fd->name, v, type, err);
}

/* ---- the model ------------------------------------------------------------ */

static size_t fm_n(uf_model *m) { return self(m)->n; }

static const uf_field *fm_field_at(uf_model *m, size_t i) { return &self(m)->f[i].uf; }

static gn_form_values values(form_model *c) { return (gn_form_values)c->eval; }

static bool number_ok(const gn_field *fd, const char *v)
{
	char *end;
	if (!v || !*v)
		return false;
	if (fd->type == GN_FT_INTEGER)
		(void)strtoll(v, &end, 10);
	else if (fd->type == GN_FT_DECIMAL)
		(void)strtod(v, &end);
	else
		return true;
	return *end == '\0' && end != v;
}

static void set_eval(form_model *c, size_t k)
{
	const char *v = c->vals[k];
	c->eval[k] = number_ok(&c->form->fields[k], v) ? v : NULL;
}

static const char *fm_get(uf_model *m, size_t i)
{
	form_model *c = self(m);
	fm_field *f = &c->f[i];
	if (f->uf.kind == UF_CALCULATE) {
		/* live: recomputed from the values now */
		char *now = gn_form_calculate(c->form, f->fi, values(c));
		if (!now)
			now = strdup("");
		/* replaced only when it changed: what get returned stays valid */
		if (now && (!f->shown || strcmp(now, f->shown) != 0)) {
			free(f->shown);
			f->shown = now;
		} else {
			free(now);
		}
	}
	return f->shown ? f->shown : "";
}

/* Sets the value (as stored) of model field i, and what is shown. */
static gn_status put(form_model *c, size_t i, const char *stored, gn_err *err)
{
	fm_field *f = &c->f[i];
	const gn_field *fd = &c->form->fields[f->fi];
	char *v = strdup(stored);
	char *shown = fd->type == GN_FT_DATE ? gn_date_to_dmy(stored) : strdup(stored);
	if (!v || !shown) {
		free(v);
		free(shown);
		return gn_fail(err, GN_ERR_NOMEM, "%s", _("out of memory"));
	}
	gn_status st = store(c, fd, v, err);
	if (st != GN_OK) {
		free(v);
		free(shown);
		return st;
	}
	free(c->vals[f->fi]);
	c->vals[f->fi] = v;
	set_eval(c, f->fi);
	free(f->shown);
	f->shown = shown;
	return GN_OK;
}

static gn_status fm_set(uf_model *m, size_t i, const char *value, gn_err *err)
{
	form_model *c = self(m);
	const gn_field *fd = &c->form->fields[c->f[i].fi];
	if (!gn_field_is_question(fd) || fd->type == GN_FT_CALCULATE)
		return GN_OK;
	char *clean = NULL;
	gn_status st = gn_text_clean(value, strlen(value), 0, &clean, err);
	if (st != GN_OK)
		return st;
	if (fd->type == GN_FT_DATE) {
		char iso[64];
		gn_date_from_dmy(clean, iso, sizeof iso);
		st = put(c, i, iso, err);
	} else {
		st = put(c, i, clean, err);
	}
	free(clean);
	return st;
}

static bool fm_relevant(uf_model *m, size_t i)
{
	form_model *c = self(m);
	return gn_form_relevant(c->form, c->f[i].fi, values(c));
}

static gn_status fm_check(uf_model *m, size_t i, gn_err *err)
{
	form_model *c = self(m);
	const gn_field *fd = &c->form->fields[c->f[i].fi];
	const char *v = c->vals[c->f[i].fi] ? c->vals[c->f[i].fi] : "";
	if (!gn_field_is_question(fd) || fd->type == GN_FT_CALCULATE || !fm_relevant(m, i))
		return GN_OK;
	/* dates are typed dd/mm/yyyy here, so say it that way */
	if (fd->type == GN_FT_DATE && *v && !gn_date_valid(v))
		return gn_fail_field(err, GN_ERR_INVALID, fd->name, "%s", _("Type a real date as dd/mm/yyyy, e.g. 20/11/2026."));
	/* the field itself as typed (its type is checked), the others as
	 * expressions see them */
	c->eval[c->f[i].fi] = c->vals[c->f[i].fi];
	gn_status st = gn_form_check_value(c->form, c->f[i].fi, values(c), err);
	set_eval(c, c->f[i].fi);
	if (st != GN_OK)
		return st;
	/* the domain's own checks of the roles' columns (CCCD, one head) */
	const char *col = column_of(fd);
	if (col && fd->role != GN_QROLE_AGE) {
		const char *value = has_codes(fd->role) ? gn_form_code_to_gonha(c->form, fd->role, v) : v;
		st = gn_household_check_field(c->hh, c->person ? c->member : (size_t)-1, col, value, err);
		if (st != GN_OK && err)
			snprintf(err->field, sizeof err->field, "%s", fd->name);
	}
	return st;
}

static size_t fm_find(uf_model *m, const char *name)
{
	form_model *c = self(m);
	const char *dot = strrchr(name, '.');
	if (dot)
		name = dot + 1;
	/* a record's column (the domain names its problems so) is its role's question */
	int k = gn_form_field_of(c->form, name);
	for (size_t i = 0; k >= 0 && i < c->n; i++)
		if (c->f[i].uf.kind != UF_HEADING && c->f[i].fi == (size_t)k)
			return i;
	for (size_t i = 0; i < c->n; i++)
		if (c->f[i].uf.kind != UF_HEADING && strcmp(c->f[i].uf.name, name) == 0)
			return i;
	return (size_t)-1;
}

/* Answers of questions that are no longer asked are dropped, repeating
 * until nothing changes (a dropped answer may hide another question). */
static void fm_prune(uf_model *m)
{
	form_model *c = self(m);
	for (int round = 0; round < 8; round++) {
		bool changed = false;
		for (size_t i = 0; i < c->n; i++) {
			const gn_field *fd = &c->form->fields[c->f[i].fi];
			const char *v = c->vals[c->f[i].fi];
			if (!gn_field_is_question(fd) || fd->type == GN_FT_CALCULATE || !v || !*v || fm_relevant(m, i))
				continue;
			gn_err err = { 0 };
			if (put(c, i, "", &err) == GN_OK)
				changed = true;
		}
		if (!changed)
			break;
	}
}

static void fm_free(uf_model *m)
{
	form_model *c = self(m);
	for (size_t i = 0; i < c->n; i++) {
		free(c->f[i].choices);
		free(c->f[i].shown);
	}
	free(c->f);
	if (c->vals)
		for (size_t i = 0; i < c->form->n_fields; i++)
			free(c->vals[i]);
	free(c->vals);
	free(c->eval);
	free(c);
}

static uf_kind kind_of(gn_field_type t)
{
	switch (t) {
	case GN_FT_INTEGER: return UF_INTEGER;
	case GN_FT_DECIMAL: return UF_DECIMAL;
	case GN_FT_DATE: return UF_DATE;
	case GN_FT_SELECT_ONE: return UF_SELECT_ONE;
	case GN_FT_SELECT_MULTIPLE: return UF_SELECT_MULTIPLE;
	case GN_FT_NOTE: return UF_NOTE;
	case GN_FT_CALCULATE: return UF_CALCULATE;
	case GN_FT_BEGIN_GROUP: return UF_HEADING;
	default: return UF_TEXT;
	}
}

/* Is form field k on this model's level, and shown as a line? */
static bool on_level(const gn_form *form, const gn_field *fd, bool person)
{
	if (person ? !gn_form_in_roster(form, fd) : fd->level != 0)
		return false;
	switch (fd->type) {
	case GN_FT_END_GROUP:
	case GN_FT_BEGIN_REPEAT:
	case GN_FT_END_REPEAT:
		return false;
	case GN_FT_BEGIN_GROUP:
		return gn_field_label(fd) && *gn_field_label(fd); /* a heading, when it has a label */
	default:
		return true;
	}
}

/* A record not saved yet and still empty gets the form's defaults. */
static char *default_of(form_model *c, const gn_field *fd)
{
	const char *d = fd->default_value;
	if (fd->role == GN_QROLE_VISITED_BY && (!d || !*d) && c->login[0])
		return strdup(c->login); /* the signed-in user */
	if (!d || !*d)
		return NULL;
	if (strcmp(d, "today()") == 0 || strcmp(d, "now()") == 0) {
		char now[32];
		gn_now_iso(now);
		now[10] = '\0';
		return strdup(now);
	}
	return strdup(d);
}

static bool person_is_new(const gn_person *p)
{
	return !p->id[0] && (!p->full_name || !*p->full_name) && !p->birth_year && !p->sex[0] && !p->relation[0] &&
	       (!p->cccd || !*p->cccd) && (!p->answers || !*p->answers || strcmp(p->answers, "{}") == 0);
}

uf_model *ui_form_model_new(gn_form *form, const char *login, gn_household *hh, bool person, size_t member)
{
	form_model *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->m = (uf_model){ fm_n, fm_field_at, fm_get, fm_set, fm_relevant, fm_check, fm_find, fm_prune, fm_free };
	snprintf(c->login, sizeof c->login, "%s", login ? login : "");
	c->form = form;
	c->hh = hh;
	c->person = person;
	c->member = member;
	c->vals = calloc(form->n_fields ? form->n_fields : 1, sizeof *c->vals);
	c->eval = calloc(form->n_fields ? form->n_fields : 1, sizeof *c->eval);
	c->f = calloc(form->n_fields ? form->n_fields : 1, sizeof *c->f);
	if (!c->vals || !c->eval || !c->f)
		goto fail;
	/* the values expressions see: the household's, and this member's */
	for (size_t k = 0; k < form->n_fields; k++) {
		const gn_field *fd = &form->fields[k];
		if (!gn_field_is_question(fd) || fd->type == GN_FT_CALCULATE)
			continue;
		bool mine = fd->level == 0 || (person && gn_form_in_roster(form, fd));
		if (!mine)
			continue;
		c->vals[k] = stored_value(c, fd);
		if (!c->vals[k])
			goto fail;
		set_eval(c, k);
	}
	for (size_t k = 0; k < form->n_fields; k++) {
		const gn_field *fd = &form->fields[k];
		if (!on_level(form, fd, person))
			continue;
		fm_field *f = &c->f[c->n++];
		f->fi = k;
		const char *hint = gn_field_hint(fd);
		f->uf = (uf_field){ fd->name, gn_field_label(fd), hint && *hint ? hint : NULL, kind_of(fd->type), NULL, 0 };
		if (!*f->uf.label)
			f->uf.label = fd->name;
		if (fd->list && (fd->type == GN_FT_SELECT_ONE || fd->type == GN_FT_SELECT_MULTIPLE)) {
			f->choices = calloc(fd->list->n ? fd->list->n : 1, sizeof *f->choices);
			if (!f->choices)
				goto fail;
			for (size_t j = 0; j < fd->list->n; j++)
				f->choices[j] = (uf_choice){ fd->list->items[j].name, gn_choice_label(&fd->list->items[j]) };
			f->uf.choices = f->choices;
			f->uf.n_choices = fd->list->n;
		}
		if (gn_field_is_question(fd) && fd->type != GN_FT_CALCULATE) {
			f->shown = fd->type == GN_FT_DATE ? gn_date_to_dmy(c->vals[k]) : strdup(c->vals[k]);
			if (!f->shown)
				goto fail;
		}
	}
	/* defaults, for a record not saved yet */
	bool fresh = person ? person_is_new(person_of(c)) : !hh->id[0];
	for (size_t i = 0; fresh && i < c->n; i++) {
		const gn_field *fd = &form->fields[c->f[i].fi];
		if (!gn_field_is_question(fd) || fd->type == GN_FT_CALCULATE || *c->vals[c->f[i].fi])
			continue;
		char *d = default_of(c, fd);
		if (d) {
			gn_err err = { 0 };
			put(c, i, d, &err);
			free(d);
		}
	}
	return &c->m;
fail:
	fm_free(&c->m);
	return NULL;
}

/* ---- which form --------------------------------------------------------- */

static gn_form *loaded_form(ui_app *app)
{
	if (app && app->tdp_form && app->form == app->tdp_form)
		return app->tdp_form; /* the open TDP's (ui_enter_tdp_form) */
	return app && app->census && app->census->form ? app->census->form : NULL;
}

uf_model *ui_household_model_new(ui_app *app, gn_household *hh)
{
	gn_form *form = loaded_form(app);
	return form ? ui_form_model_new(form, app->ctx.user.login, hh, false, 0) : NULL;
}

uf_model *ui_person_model_new(ui_app *app, gn_household *hh, size_t member)
{
	gn_form *form = loaded_form(app);
	return form ? ui_form_model_new(form, app->ctx.user.login, hh, true, member) : NULL;
}

void ui_model_free(uf_model *m)
{
	if (m)
		m->free(m);
}
