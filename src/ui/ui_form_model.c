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
#include "gonha/domain/cccd.h"
#include "ui.h"
#include "gonha/domain/answers.h"
#include "gonha/domain/users.h"
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
	char *label, *hint;   /* owned: with ${...} filled in, when the form's have any */
	unsigned gen;         /* c->gen when choices, label and hint were last made */
	int lang;             /* the form's language they were made in (form->lang) */
} fm_field;

#define FM_DEPTH 16       /* repeats within repeats */

typedef struct form_model {
	uf_model m;
	char login[64];       /* the signed-in user: the metadata username */
	char visitor[128];    /* the signed-in person's name: visited_by's default */
	gn_form *form;        /* borrowed */
	gn_household *hh;     /* borrowed */
	size_t member;
	bool person;
	int repeat;           /* the begin_repeat whose entry this is; -1 the household */
	int chain[FM_DEPTH];  /* the repeats it is in, outermost first */
	char *prefix[FM_DEPTH]; /* the entry path at each depth ("woman[2]", "woman[2]/child[1]") */
	size_t depth;
	unsigned gen;         /* moves with every value stored */
	int position;         /* position(..): this entry's index (from 1), 0 for the household */
	bool *agg;            /* per form field: vals holds the JSON array of the entries below */
	size_t n_agg;
	char *seen;           /* the answers the arrays were made from (owned) */
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

static int repeat_of(const gn_form *form, size_t k) { return gn_form_repeat_of(form, k); }

/* The person roster: the repeat the form gives the role roster (the
 * census form's members); every other repeat is kept in the household's
 * answers by path. */
int ui_form_person_repeat(const gn_form *form)
{
	return gn_form_role(form, GN_QROLE_ROSTER);
}

/* Is form field k in the person roster (as a member's column or answer)? */
static bool in_person_roster(const form_model *c, size_t k)
{
	int pr = ui_form_person_repeat(c->form);
	for (int r = repeat_of(c->form, k); pr >= 0 && r >= 0; r = repeat_of(c->form, (size_t)r))
		if (r == pr)
			return true;
	return false;
}

/* The repeats form field k is in, outermost first, when they start with
 * this entry's (k is in this entry, around it or below it); false for
 * another repeat's question. */
static bool generic_chain(const form_model *c, size_t k, int chain[FM_DEPTH], size_t *n)
{
	int inner[FM_DEPTH];
	size_t m = 0;
	for (int r = repeat_of(c->form, k); r >= 0; r = repeat_of(c->form, (size_t)r)) {
		if (m == FM_DEPTH)
			return false;
		inner[m++] = r;
	}
	for (size_t d = 0; d < m; d++)
		chain[d] = inner[m - 1 - d];
	for (size_t d = 0; d < m && d < c->depth; d++)
		if (chain[d] != c->chain[d])
			return false;
	*n = m;
	return true;
}

/* The answers key of form field k as seen from this model's entry (false
 * when it is not in this entry or one around it). */
static bool generic_key(const form_model *c, size_t k, char *buf, size_t size)
{
	int chain[FM_DEPTH];
	size_t n;
	if (!generic_chain(c, k, chain, &n) || n > c->depth)
		return false;
	return gn_repeat_key(buf, size, n ? c->prefix[n - 1] : "", c->form->fields[k].name);
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


/* Writes a value into the record: its column (its gonha::role), or its
 * key in answers (a repeat's by its path). */
static gn_status store(form_model *c, const gn_field *fd, const char *v, gn_err *err)
{
	const char *n = fd->name;
	char key[512];
	size_t k = (size_t)(fd - c->form->fields);
	bool household = fd->level == 0;
	char **answers;
	if (!household && !in_person_roster(c, k)) {
		if (!generic_key(c, k, key, sizeof key))
			return gn_fail_field(err, GN_ERR_INVALID, n, _("the answer to %s cannot be stored"), n);
		n = key;
		answers = &c->hh->answers;
	} else {
		const char *col = column_of(fd);
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
		answers = household ? &c->hh->answers : &person_of(c)->answers;
	}
	gn_answer_type type = GN_ANSWER_TEXT;
	if (!*v)
		type = GN_ANSWER_NONE;
	else if ((fd->type == GN_FT_INTEGER || fd->type == GN_FT_DECIMAL) && gn_answers_is_number(v))
		type = GN_ANSWER_NUMBER;
	/* what does not parse is kept as typed (text): the check says why */
	return gn_answers_set(c->form->db, answers, n, v, type, err);
}

/* ---- the model ------------------------------------------------------------ */

static size_t fm_n(uf_model *m) { return self(m)->n; }

static bool generic_chain(const form_model *c, size_t k, int chain[FM_DEPTH], size_t *n);
static void load_aggregates(form_model *c);

/* What expressions see now; the entries' arrays made again when the
 * answers changed (an entry added in a roster). */
static gn_form_values values(form_model *c)
{
	c->form->position = c->position;
	if (c->n_agg && (!c->seen || strcmp(c->seen, c->hh->answers ? c->hh->answers : "") != 0))
		load_aggregates(c);
	return (gn_form_values)c->eval;
}

/* Questions and repeats in other entries than this one's and those around
 * it, as ODK reads ${q} from here (pyxform's relative path): from the
 * deepest repeat q shares with this entry (this entry's own entry of it),
 * down through q's other repeats, every entry: a JSON array of their
 * values (gn_repeat_values), for count(), sum(), indexed-repeat()... So a
 * child's entry sees all of the household's members (a sibling repeat),
 * a nested entry its own repeat's entries under the entry around it; a
 * repeat's own reference is its entries. A question of this entry or of
 * one around it is a single value (generic_key). */
static void load_aggregates(form_model *c)
{
	free(c->seen);
	c->seen = strdup(c->hh->answers ? c->hh->answers : "");
	c->n_agg = 0;
	for (size_t k = 0; k < c->form->n_fields; k++) {
		const gn_field *fd = &c->form->fields[k];
		int chain[FM_DEPTH];
		size_t n = 0;
		bool repeat = fd->type == GN_FT_BEGIN_REPEAT;
		if ((!repeat && (!gn_field_is_question(fd) || fd->type == GN_FT_CALCULATE)) || in_person_roster(c, k) ||
		    (int)k == ui_form_person_repeat(c->form))
			continue;
		for (int r = repeat_of(c->form, k); r >= 0 && n <= FM_DEPTH; r = repeat_of(c->form, (size_t)r))
			n++;
		if (n + repeat > FM_DEPTH)
			continue;
		size_t d = n;
		for (int r = repeat_of(c->form, k); r >= 0; r = repeat_of(c->form, (size_t)r))
			chain[--d] = r;
		size_t shared = 0; /* the repeats around k that are this entry's too */
		while (shared < n && shared < c->depth && chain[shared] == c->chain[shared])
			shared++;
		if (repeat)
			chain[n++] = (int)k;
		else if (shared == n)
			continue; /* in this entry or one around it: its value */
		const char *names[FM_DEPTH];
		for (size_t i = shared; i < n; i++)
			names[i - shared] = c->form->fields[chain[i]].name;
		char *json = NULL;
		if (gn_repeat_values(c->form->db, c->hh->answers, shared ? c->prefix[shared - 1] : "", names, n - shared,
		                     repeat ? NULL : fd->name, &json) != GN_OK)
			continue;
		free(c->vals[k]);
		c->vals[k] = json;
		c->eval[k] = json;
		c->agg[k] = true;
		c->n_agg++;
	}
	c->gen++;
}

/* A label or hint with ${...}: filled in from the values now. */
static void refill(form_model *c, char **place, const char *src, const char **out)
{
	if (!src || !strstr(src, "${"))
		return;
	char *filled = gn_form_fill(c->form, src, values(c));
	if (!filled)
		return;
	free(*place);
	*place = filled;
	*out = filled;
}

/* The label and hint as the form gives them in its language now (the
 * question's name when it has no label; a repeat's line says how it opens). */
static void set_texts(form_model *c, fm_field *f, const gn_field *fd)
{
	const char *label = gn_form_text(c->form, fd, GN_TR_LABEL), *hint = gn_form_text(c->form, fd, GN_TR_HINT);
	f->uf.label = *label ? label : fd->name;
	f->uf.hint = *hint ? hint : fd->type == GN_FT_BEGIN_REPEAT ? _("Enter opens its list of entries") : NULL;
}

/* The field as it stands with the values now: the choices its
 * choice_filter lets through, labels and hints filled in. */
static const uf_field *fm_field_at(uf_model *m, size_t i)
{
	form_model *c = self(m);
	fm_field *f = &c->f[i];
	if (f->gen == c->gen && f->lang == c->form->lang)
		return &f->uf;
	f->gen = c->gen;
	f->lang = c->form->lang;
	gn_field *fd = &c->form->fields[f->fi];
	set_texts(c, f, fd);
	refill(c, &f->label, f->uf.label, &f->uf.label);
	refill(c, &f->hint, f->uf.hint, &f->uf.hint);
	if (f->choices) {
		size_t n = 0;
		for (size_t j = 0; j < fd->list->n; j++)
			if (!fd->filter || gn_form_choice_shown(c->form, f->fi, j, values(c)))
				f->choices[n++] =
					(uf_choice){ fd->list->items[j].name, gn_form_choice_text(c->form, &fd->list->items[j]) };
		f->uf.n_choices = n;
	}
	return &f->uf;
}

/* The count key of a repeat line's repeat in this entry ("woman[2]/child"). */
static bool repeat_path(form_model *c, size_t fi, char *buf, size_t size)
{
	return gn_repeat_key(buf, size, c->depth ? c->prefix[c->depth - 1] : "", c->form->fields[fi].name);
}

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
	if (c->agg && c->agg[k]) {
		c->eval[k] = c->vals[k];
		return;
	}
	const char *v = c->vals[k];
	c->eval[k] = number_ok(&c->form->fields[k], v) ? v : NULL;
}

static const char *fm_get(uf_model *m, size_t i)
{
	form_model *c = self(m);
	fm_field *f = &c->f[i];
	if (f->uf.kind == UF_REPEAT) {
		char path[512];
		size_t n = repeat_path(c, f->fi, path, sizeof path) ? gn_repeat_count(c->form->db, c->hh->answers, path) : 0;
		char now[64];
		snprintf(now, sizeof now, ngettext("%zu entry", "%zu entries", n), n);
		if (!f->shown || strcmp(now, f->shown) != 0) {
			free(f->shown);
			f->shown = strdup(now);
		}
	} else if (c->form->fields[f->fi].type == GN_FT_MEDIA) {
		return _("not collected on this PC");
	} else if (f->uf.kind == UF_CALCULATE) {
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

/* Sets the value (as stored) of form field k. */
static gn_status put_field(form_model *c, size_t k, const char *stored, gn_err *err)
{
	char *v = strdup(stored);
	if (!v)
		return gn_fail(err, GN_ERR_NOMEM, "%s", _("out of memory"));
	gn_status st = store(c, &c->form->fields[k], v, err);
	if (st != GN_OK) {
		free(v);
		return st;
	}
	free(c->vals[k]);
	c->vals[k] = v;
	set_eval(c, k);
	c->gen++;
	return GN_OK;
}

/* Sets the value (as stored) of model field i, and what is shown. */
static gn_status put(form_model *c, size_t i, const char *stored, gn_err *err)
{
	fm_field *f = &c->f[i];
	const gn_field *fd = &c->form->fields[f->fi];
	char *shown = fd->type == GN_FT_DATE ? gn_date_to_dmy(stored) : strdup(stored);
	if (!shown)
		return gn_fail(err, GN_ERR_NOMEM, "%s", _("out of memory"));
	gn_status st = put_field(c, f->fi, stored, err);
	if (st != GN_OK) {
		free(shown);
		return st;
	}
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
	/* as ODK does: a choice that a choice_filter no longer lets through (the
	 * district of another province) is cleared */
	for (size_t j = 0; st == GN_OK && j < c->n; j++) {
		size_t k = c->f[j].fi;
		const gn_field *other = &c->form->fields[k];
		const gn_choice *ch = other->filter && other->type == GN_FT_SELECT_ONE && c->vals[k] && *c->vals[k]
		                          ? gn_choice_find(other->list, c->vals[k]) : NULL;
		if (j != i && ch && !gn_form_choice_shown(c->form, k, (size_t)(ch - other->list->items), values(c)))
			st = put(c, j, "", err);
	}
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
	if (!gn_field_is_question(fd) || fd->type == GN_FT_CALCULATE || fd->type == GN_FT_MEDIA || !fm_relevant(m, i))
		return GN_OK;
	/* dates are typed dd/mm/yyyy here, so say it that way */
	if (fd->type == GN_FT_DATE && *v && !gn_date_valid(v))
		return gn_fail_field(err, GN_ERR_INVALID, fd->name, "%s", _("Type a real date as dd/mm/yyyy, e.g. 20/11/2026."));
	/* the stored number shown masked (this account has no ward key yet):
	 * the save keeps it as it is, it is not checked as typed */
	if (fd->role == GN_QROLE_CCCD && gn_cccd_is_masked(v))
		return GN_OK;
	/* the field itself as typed (its type is checked), the others as
	 * expressions see them */
	c->eval[c->f[i].fi] = c->vals[c->f[i].fi];
	gn_status st = gn_form_check_value(c->form, c->f[i].fi, values(c), err);
	set_eval(c, c->f[i].fi);
	if (st != GN_OK)
		return st;
	/* a choice its choice_filter no longer lets through (the province changed) */
	if (fd->filter && *v && fd->type == GN_FT_SELECT_ONE) {
		const gn_choice *ch = gn_choice_find(fd->list, v);
		if (!ch || !gn_form_choice_shown(c->form, c->f[i].fi, (size_t)(ch - fd->list->items), values(c)))
			return gn_fail_field(err, GN_ERR_INVALID, fd->name, _("'%s' is not one of the choices for the answers above"),
			                     ch && *gn_choice_label(ch) ? gn_choice_label(ch) : v);
	}
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
	/* a repeat no longer asked loses its entries, as its questions do */
	for (size_t i = 0; i < c->n; i++) {
		char path[512];
		gn_err err = { 0 };
		if (c->f[i].uf.kind == UF_REPEAT && !fm_relevant(m, i) && repeat_path(c, c->f[i].fi, path, sizeof path) &&
		    gn_repeat_count(c->form->db, c->hh->answers, path) > 0 &&
		    gn_repeat_set_count(c->form->db, &c->hh->answers, path, 0, &err) == GN_OK)
			c->gen++;
	}
	/* metadata `end`: the instant the record was last saved */
	for (size_t k = 0; k < c->form->n_fields; k++) {
		const gn_field *fd = &c->form->fields[k];
		if (fd->type == GN_FT_META && strcmp(fd->xls_type, "end") == 0 && repeat_of(c->form, k) == c->repeat) {
			char now[32];
			gn_err err = { 0 };
			gn_now_iso(now);
			put_field(c, k, now, &err);
		}
	}
}

static void fm_free(uf_model *m)
{
	form_model *c = self(m);
	for (size_t i = 0; i < c->n; i++) {
		free(c->f[i].choices);
		free(c->f[i].shown);
		free(c->f[i].label);
		free(c->f[i].hint);
	}
	for (size_t d = 0; d < c->depth; d++)
		free(c->prefix[d]);
	free(c->f);
	if (c->vals)
		for (size_t i = 0; i < c->form->n_fields; i++)
			free(c->vals[i]);
	free(c->vals);
	free(c->eval);
	free(c->agg);
	free(c->seen);
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
	case GN_FT_BEGIN_REPEAT: return UF_REPEAT;
	case GN_FT_MEDIA: return UF_CALCULATE; /* shown, not asked */
	default: return UF_TEXT;
	}
}

/* Is form field k in this model's entry, and shown as a line? A repeat in
 * it is a line of its own (its entries open from there), but for the
 * person roster, which the household screen shows below the form. */
static bool on_level(const form_model *c, size_t k)
{
	const gn_field *fd = &c->form->fields[k];
	if (repeat_of(c->form, k) != c->repeat)
		return false;
	switch (fd->type) {
	case GN_FT_BEGIN_REPEAT:
		return (int)k != ui_form_person_repeat(c->form);
	case GN_FT_END_GROUP:
	case GN_FT_END_REPEAT:
	case GN_FT_META:
		return false;
	case GN_FT_BEGIN_GROUP:
		return gn_field_label(fd) && *gn_field_label(fd); /* a heading, when it has a label */
	case GN_FT_CALCULATE:
		/* shown when the form labels it (the age); ODK never shows one, and
		 * one with no label (a jr:choice-name() for a label) is not a line */
		return gn_field_label(fd) && *gn_field_label(fd);
	default:
		return true;
	}
}

/* The outermost group with appearance field-list that form field k is (a
 * group's heading) or is in, within this entry; -1 none. */
static int page_of(const form_model *c, size_t k)
{
	int page = -1;
	for (int g = (int)k; g >= 0; g = c->form->fields[g].parent) {
		const gn_field *fd = &c->form->fields[g];
		if (fd->type == GN_FT_BEGIN_REPEAT)
			break; /* a page never spans a repeat's entries */
		if (fd->type == GN_FT_BEGIN_GROUP && gn_field_appearance(fd, "field-list"))
			page = g;
	}
	return page;
}

/* field-list: the lines of one such group are a page, shown together. */
static void set_pages(form_model *c)
{
	for (size_t i = 0; i < c->n; i++) {
		int page = page_of(c, c->f[i].fi);
		if (page < 0)
			continue;
		size_t first = i, last = i;
		while (first > 0 && page_of(c, c->f[first - 1].fi) == page)
			first--;
		while (last + 1 < c->n && page_of(c, c->f[last + 1].fi) == page)
			last++;
		c->f[i].uf.paged = true;
		c->f[i].uf.page_first = first;
		c->f[i].uf.page_last = last;
	}
}

/* A record not saved yet and still empty gets the form's defaults. */
static char *default_of(form_model *c, const gn_field *fd)
{
	const char *d = fd->default_value;
	if (fd->role == GN_QROLE_VISITED_BY && (!d || !*d) && c->visitor[0])
		return strdup(c->visitor); /* the signed-in person */
	if (fd->type == GN_FT_META) {
		char now[72];
		gn_err err = { 0 };
		if (strcmp(fd->xls_type, "start") == 0)
			gn_now_iso(now);
		else if (strcmp(fd->xls_type, "today") == 0)
			gn_today_iso(now);
		else if (strcmp(fd->xls_type, "username") == 0)
			snprintf(now, sizeof now, "%s", c->login);
		else if (strcmp(fd->xls_type, "deviceid") != 0 || gn_db_pc_id(c->form->db, now, &err) != GN_OK)
			return NULL;
		return strdup(now);
	}
	if (!d || !*d)
		return NULL;
	if (strcmp(d, "today()") == 0 || strcmp(d, "now()") == 0) {
		char today[11]; /* the local date: at 04:00 in Hà Nội it is already the new day */
		gn_today_iso(today);
		return strdup(today);
	}
	return strdup(d);
}

static bool person_is_new(const gn_person *p)
{
	return !p->id[0] && (!p->full_name || !*p->full_name) && !p->birth_year && !p->sex[0] && !p->relation[0] &&
	       (!p->cccd || !*p->cccd) && (!p->answers || !*p->answers || strcmp(p->answers, "{}") == 0);
}

static bool fm_repeat(uf_model *m, size_t i, uf_repeat *r)
{
	form_model *c = self(m);
	if (i >= c->n || c->f[i].uf.kind != UF_REPEAT)
		return false;
	size_t fi = c->f[i].fi;
	r->repeat = (int)fi;
	snprintf(r->label, sizeof r->label, "%s", c->f[i].uf.label);
	r->fixed = gn_form_repeat_count(c->form, fi, values(c));
	return repeat_path(c, fi, r->path, sizeof r->path);
}

/* Is this entry (or household) still empty: no answer to any of its lines? */
static bool entry_is_new(const form_model *c)
{
	for (size_t i = 0; i < c->n; i++) {
		const char *v = c->vals[c->f[i].fi];
		if (c->f[i].uf.kind != UF_REPEAT && v && *v)
			return false;
	}
	return true;
}

/* The model of the household (repeat -1), of a member of the person roster
 * (person), or of the entry at entry_path of another repeat. */
static uf_model *model_new(gn_form *form, const char *login, const char *visitor, gn_household *hh, bool person, size_t member,
                           int repeat, const char *entry_path)
{
	form_model *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->m = (uf_model){ fm_n, fm_field_at, fm_get, fm_set, fm_relevant, fm_check, fm_find, fm_prune, fm_free, fm_repeat };
	snprintf(c->login, sizeof c->login, "%s", login ? login : "");
	snprintf(c->visitor, sizeof c->visitor, "%s", visitor ? visitor : "");
	c->form = form;
	c->hh = hh;
	c->person = person;
	c->member = member;
	c->repeat = repeat;
	c->gen = 1;
	/* the chain of repeats and the entry path at each depth */
	int inner[FM_DEPTH];
	size_t depth = 0;
	for (int r = repeat; r >= 0; r = repeat_of(form, (size_t)r)) {
		if (depth == FM_DEPTH)
			goto fail;
		inner[depth++] = r;
	}
	const char *seg = entry_path ? entry_path : "";
	for (size_t d = 0; d < depth; d++) {
		c->chain[d] = inner[depth - 1 - d];
		const char *slash = strchr(seg, '/');
		size_t len = slash ? (size_t)(slash - entry_path) : strlen(entry_path ? entry_path : "");
		c->prefix[d] = strndup(entry_path ? entry_path : "", len);
		c->depth = d + 1;
		if (!c->prefix[d])
			goto fail;
		seg = slash ? slash + 1 : seg + strlen(seg);
	}
	c->vals = calloc(form->n_fields ? form->n_fields : 1, sizeof *c->vals);
	c->eval = calloc(form->n_fields ? form->n_fields : 1, sizeof *c->eval);
	c->agg = calloc(form->n_fields ? form->n_fields : 1, sizeof *c->agg);
	c->f = calloc(form->n_fields ? form->n_fields : 1, sizeof *c->f);
	if (!c->vals || !c->eval || !c->agg || !c->f)
		goto fail;
	if (person)
		c->position = (int)member + 1;
	else if (c->depth) {
		const char *open = strrchr(c->prefix[c->depth - 1], '[');
		c->position = open ? atoi(open + 1) : 0;
	}
	/* the values expressions see: the household's, this member's or the
	 * entries' of this entry's chain */
	for (size_t k = 0; k < form->n_fields; k++) {
		const gn_field *fd = &form->fields[k];
		char key[512];
		if (!gn_field_is_question(fd) || fd->type == GN_FT_CALCULATE)
			continue;
		if (fd->level == 0) {
			if (!(c->vals[k] = stored_value(c, fd)))
				goto fail;
		} else if (in_person_roster(c, k)) {
			if (person && fd->level == 1 && !(c->vals[k] = stored_value(c, fd)))
				goto fail;
		} else if (generic_key(c, k, key, sizeof key)) {
			char *v = gn_answers_get(form->db, hh->answers, key);
			if (!(c->vals[k] = v ? v : strdup("")))
				goto fail;
		}
		set_eval(c, k);
	}
	load_aggregates(c);
	for (size_t k = 0; k < form->n_fields; k++) {
		const gn_field *fd = &form->fields[k];
		if (!on_level(c, k))
			continue;
		fm_field *f = &c->f[c->n++];
		f->fi = k;
		/* length: a date typed whole (dd/mm/yyyy), or what the form's constraint fixes */
		f->uf = (uf_field){ .name = fd->name, .kind = kind_of(fd->type),
		                    .length = fd->type == GN_FT_DATE ? GN_DATE_DMY_LEN : gn_field_fixed_length(form, k) };
		f->lang = form->lang;
		set_texts(c, f, fd);
		if (fd->list && (fd->type == GN_FT_SELECT_ONE || fd->type == GN_FT_SELECT_MULTIPLE)) {
			f->choices = calloc(fd->list->n ? fd->list->n : 1, sizeof *f->choices);
			if (!f->choices)
				goto fail;
			for (size_t j = 0; j < fd->list->n; j++)
				f->choices[j] = (uf_choice){ fd->list->items[j].name, gn_form_choice_text(form, &fd->list->items[j]) };
			f->uf.choices = f->choices;
			f->uf.n_choices = fd->list->n;
			f->uf.search = fd->list->n > 9 || gn_field_appearance(fd, "search") ||
			               gn_field_appearance(fd, "autocomplete");
			f->uf.minimal = gn_field_appearance(fd, "minimal");
			f->uf.columns = gn_field_appearance(fd, "horizontal");
		}
		if (gn_field_is_question(fd) && fd->type != GN_FT_CALCULATE && fd->type != GN_FT_MEDIA) {
			f->shown = fd->type == GN_FT_DATE ? gn_date_to_dmy(c->vals[k]) : strdup(c->vals[k]);
			if (!f->shown)
				goto fail;
		}
	}
	set_pages(c);
	/* defaults, for a record not saved yet; metadata (start, today,
	 * username, deviceid) whenever it has none */
	bool fresh = person ? person_is_new(person_of(c)) : repeat < 0 ? !hh->id[0] : entry_is_new(c);
	size_t line = 0;
	for (size_t k = 0; k < form->n_fields; k++) {
		const gn_field *fd = &form->fields[k];
		bool is_line = line < c->n && c->f[line].fi == k;
		bool meta = fd->type == GN_FT_META && repeat_of(form, k) == repeat;
		line += is_line;
		if (!(meta || (fresh && is_line)) || !gn_field_is_question(fd) || fd->type == GN_FT_CALCULATE ||
		    fd->type == GN_FT_MEDIA || !c->vals[k] || *c->vals[k])
			continue;
		char *d = default_of(c, fd);
		gn_err err = { 0 };
		if (d && is_line)
			put(c, line - 1, d, &err);
		else if (d)
			put_field(c, k, d, &err);
		free(d);
	}
	return &c->m;
fail:
	fm_free(&c->m);
	return NULL;
}

uf_model *ui_form_model_new(gn_form *form, const char *login, const char *visitor, gn_household *hh, bool person,
                            size_t member)
{
	int repeat = -1;
	if (person) {
		repeat = ui_form_person_repeat(form);
		if (repeat < 0 && form->repeat_name)
			repeat = gn_form_find(form, form->repeat_name);
	}
	return model_new(form, login, visitor, hh, person, member, repeat, NULL);
}

uf_model *ui_entry_model_new(gn_form *form, const char *login, const char *visitor, gn_household *hh, int repeat,
                             const char *entry_path)
{
	return model_new(form, login, visitor, hh, false, 0, repeat, entry_path);
}

/* ---- which form --------------------------------------------------------- */

gn_form *ui_form_in_use(ui_app *app)
{
	if (app && app->tdp_form && app->form == app->tdp_form)
		return app->tdp_form; /* the open TDP's (ui_enter_tdp_form) */
	return app && app->census && app->census->form ? app->census->form : NULL;
}

static gn_form *loaded_form(ui_app *app)
{
	gn_form *form = ui_form_in_use(app);
	if (form)
		ui_form_lang_apply(app, form);
	return form;
}

/* The setting that keeps the person's language of this form. */
static void lang_setting(const gn_form *form, char *buf, size_t size)
{
	snprintf(buf, size, GN_SETTING_FORM_LANG "%s", form->id ? form->id : "");
}

void ui_form_lang_apply(ui_app *app, gn_form *form)
{
	char name[160], code[128];
	lang_setting(form, name, sizeof name);
	gn_user_setting_text(&app->ctx, name, code, sizeof code);
	int k = *code ? gn_form_lang_find(form, code) : -1;
	gn_form_set_lang(form, k >= 0 ? k : gn_form_lang_initial(form, gn_i18n_lang()));
}

void ui_form_lang_next(ui_app *app)
{
	gn_form *form = loaded_form(app);
	if (!form || form->n_langs < 2) {
		ui_status(app, false, "%s", _("This form is written in one language only."));
		return;
	}
	int k = (form->lang + 1) % (int)form->n_langs;
	char name[160];
	gn_err err = { 0 };
	lang_setting(form, name, sizeof name);
	if (gn_user_setting_text_set(&app->ctx, name, form->langs[k].code, &err) != GN_OK) {
		ui_status_err(app, &err);
		return;
	}
	gn_form_set_lang(form, k);
	ui_status(app, false, _("The form in %s (F7: the next of its %zu languages; kept for your account)"),
	          form->langs[k].name, form->n_langs);
}

const char *ui_visitor_name(const ui_app *app)
{
	return app->ctx.user.display_name[0] ? app->ctx.user.display_name : app->ctx.user.login;
}

uf_model *ui_household_model_new(ui_app *app, gn_household *hh)
{
	gn_form *form = loaded_form(app);
	return form ? ui_form_model_new(form, app->ctx.user.login, ui_visitor_name(app), hh, false, 0) : NULL;
}

uf_model *ui_person_model_new(ui_app *app, gn_household *hh, size_t member)
{
	gn_form *form = loaded_form(app);
	return form ? ui_form_model_new(form, app->ctx.user.login, ui_visitor_name(app), hh, true, member) : NULL;
}

uf_model *ui_repeat_entry_model_new(ui_app *app, gn_household *hh, int repeat, const char *entry_path)
{
	gn_form *form = loaded_form(app);
	return form ? ui_entry_model_new(form, app->ctx.user.login, ui_visitor_name(app), hh, repeat, entry_path) : NULL;
}

void ui_model_free(uf_model *m)
{
	if (m)
		m->free(m);
}
