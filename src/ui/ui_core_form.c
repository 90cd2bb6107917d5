/* The core form: the household and person columns (address, visit, name,
 * birth year, sex, relation, CCCD) as a uf_model, with their checks, for
 * entering households until the forms engine gives the screen the loaded
 * form. The other questions live in `answers` and are kept untouched. */
#include "ui.h"
#include "gonha/cccd.h"
#include "gonha/i18n.h"
#include "gonha/text.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { HF_HOUSE_NO, HF_ALLEY, HF_STREET, HF_VISIT_STATUS, HF_VISIT_DATE, HF_VISITED_BY, HF_COUNT };
enum { PF_FULL_NAME, PF_BIRTH_YEAR, PF_SEX, PF_RELATION, PF_CCCD, PF_COUNT };

typedef struct core_model {
	uf_model m;
	ui_app *app;
	gn_household *hh;    /* borrowed */
	size_t member;       /* the person edited, for the person form */
	bool person;
	uf_field fields[8];
	uf_choice visit[5], sex[2], relation[7];
	char *values[8];     /* owned: the text of each field as typed */
} core_model;

static core_model *self(uf_model *m) { return (core_model *)m; }

static size_t core_n(uf_model *m) { return self(m)->person ? PF_COUNT : HF_COUNT; }

static const uf_field *core_field(uf_model *m, size_t i) { return &self(m)->fields[i]; }

static const char *core_get(uf_model *m, size_t i)
{
	const char *v = self(m)->values[i];
	return v ? v : "";
}

static gn_person *person_of(core_model *c) { return &c->hh->members[c->member]; }

/* Writes a text value into its place in the record (owned copy). */
static void put_string(char **place, const char *v)
{
	free(*place);
	*place = strdup(v);
}

void ui_date_iso(const char *in, char *out, size_t size)
{
	int d, mo, y;
	char tail;
	if (sscanf(in, "%d/%d/%d%c", &d, &mo, &y, &tail) == 3 && y >= 1000)
		snprintf(out, size, "%04d-%02d-%02d", y, mo, d);
	else
		snprintf(out, size, "%s", in);
}

char *ui_date_shown(const char *iso)
{
	int y, mo, d;
	char tail, buf[32];
	if (iso && sscanf(iso, "%4d-%2d-%2d%c", &y, &mo, &d, &tail) == 3) {
		snprintf(buf, sizeof buf, "%02d/%02d/%04d", d, mo, y);
		return strdup(buf);
	}
	return strdup(iso ? iso : "");
}

static bool whole_number(const char *s, long *out)
{
	char *end;
	if (!*s)
		return false;
	for (const char *p = s; *p; p++)
		if (!isdigit((unsigned char)*p))
			return false;
	*out = strtol(s, &end, 10);
	return *end == '\0';
}

static gn_status core_set(uf_model *m, size_t i, const char *value, gn_err *err)
{
	core_model *c = self(m);
	char *clean = NULL;
	gn_status st = gn_text_clean(value, strlen(value), 0, &clean, err);
	if (st != GN_OK)
		return st;
	/* dates are shown dd/mm/yyyy, as written in Vietnam, and stored ISO */
	char stored[64];
	if (c->fields[i].kind == UF_DATE) {
		ui_date_iso(clean, stored, sizeof stored);
		char *shown = ui_date_shown(stored);
		if (!shown) {
			free(clean);
			return gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
		}
		free(clean);
		clean = shown;
	} else {
		snprintf(stored, sizeof stored, "%s", "");
	}
	free(c->values[i]);
	c->values[i] = clean;
	/* into the record: what does not parse stays only as typed, and the
	 * check on leaving the field says why */
	if (!c->person) {
		gn_household *hh = c->hh;
		switch (i) {
		case HF_HOUSE_NO: put_string(&hh->house_no, clean); break;
		case HF_ALLEY: put_string(&hh->alley, clean); break;
		case HF_STREET: put_string(&hh->street, clean); break;
		case HF_VISIT_STATUS:
			snprintf(hh->visit_status, sizeof hh->visit_status, "%s", *clean ? clean : GN_VISIT_NOT_VISITED);
			break;
		case HF_VISIT_DATE: put_string(&hh->visit_date, stored); break;
		case HF_VISITED_BY: put_string(&hh->visited_by, clean); break;
		}
		return GN_OK;
	}
	gn_person *p = person_of(c);
	long n;
	switch (i) {
	case PF_FULL_NAME: put_string(&p->full_name, clean); break;
	case PF_BIRTH_YEAR: p->birth_year = whole_number(clean, &n) && n < 100000 ? (int)n : 0; break;
	case PF_SEX: snprintf(p->sex, sizeof p->sex, "%s", clean); break;
	case PF_RELATION: snprintf(p->relation, sizeof p->relation, "%s", clean); break;
	case PF_CCCD: put_string(&p->cccd, clean); break;
	}
	return GN_OK;
}

static bool core_relevant(uf_model *m, size_t i)
{
	core_model *c = self(m);
	if (!c->person)
		return !(i == HF_VISIT_DATE || i == HF_VISITED_BY) ||
		       strcmp(c->hh->visit_status, GN_VISIT_NOT_VISITED) != 0;
	if (i == PF_CCCD) {
		/* a CCCD is asked from 14 years old (or when the age is unknown) */
		int by = person_of(c)->birth_year;
		return by == 0 || gn_this_year() - by >= 14;
	}
	return true;
}

static gn_status check_household_field(core_model *c, size_t i, gn_err *err)
{
	const char *v = core_get(&c->m, i);
	gn_household *hh = c->hh;
	if (i == HF_VISIT_STATUS && !*v)
		return gn_fail(err, GN_ERR_INVALID, "%s", _("Choose the visit outcome (1-5)."));
	if (i == HF_VISIT_DATE) {
		if (!*v)
			return gn_fail(err, GN_ERR_INVALID, "%s", _("The visit date is required once the household was visited (dd/mm/yyyy)."));
		return ui_domain_check(hh, (size_t)-1, "visit_date", hh->visit_date ? hh->visit_date : "", err);
	}
	return GN_OK;
}

static gn_status check_person_field(core_model *c, size_t i, gn_err *err)
{
	const char *v = core_get(&c->m, i);
	int year = gn_this_year();
	long n;
	switch (i) {
	case PF_FULL_NAME:
		if (!*v)
			return gn_fail(err, GN_ERR_INVALID, "%s", _("The full name is required."));
		break;
	case PF_BIRTH_YEAR:
		if (!*v)
			break;
		if (!whole_number(v, &n))
			return gn_fail(err, GN_ERR_INVALID, "%s", _("The birth year is a number, like 1985."));
		if (n < 1900 || n > year)
			return gn_fail(err, GN_ERR_INVALID, _("The birth year must be between 1900 and %d."), year);
		break;
	case PF_RELATION:
		return ui_domain_check(c->hh, c->member, "relation", v, err);
	case PF_CCCD:
		return ui_domain_check(c->hh, c->member, "cccd", v, err);
	}
	return GN_OK;
}

gn_status ui_domain_check(gn_household *hh, size_t member, const char *name, const char *value, gn_err *err)
{
	if (member == (size_t)-1) {
		if (strcmp(name, "visit_date") == 0 && *value) {
			/* the domain's own date checks, on this field alone */
			gn_household probe = { 0 };
			snprintf(probe.visit_status, sizeof probe.visit_status, "%s", hh->visit_status);
			probe.visit_date = (char *)value;
			if (gn_household_validate(&probe, gn_this_year(), err) != GN_OK)
				return err ? err->status : GN_ERR_INVALID;
		}
		return GN_OK;
	}
	if (member >= hh->n_members)
		return GN_OK;
	const gn_person *p = &hh->members[member];
	if (strcmp(name, "relation") == 0 && strcmp(value, "head") == 0) {
		for (size_t k = 0; k < hh->n_members; k++)
			if (k != member && strcmp(hh->members[k].relation, "head") == 0)
				return gn_fail(err, GN_ERR_INVALID,
				               _("The household already has a head (%s); a household has exactly one head."),
				               hh->members[k].full_name ? hh->members[k].full_name : "");
	} else if (strcmp(name, "cccd") == 0 && *value) {
		if (gn_cccd_validate(value, p->birth_year, gn_sex_from_name(p->sex), err) != GN_OK)
			return GN_ERR_INVALID;
		for (size_t k = 0; k < hh->n_members; k++)
			if (k != member && hh->members[k].cccd && strcmp(hh->members[k].cccd, value) == 0)
				return gn_fail(err, GN_ERR_INVALID, _("Member %zu already has this CCCD."), k + 1);
	}
	return GN_OK;
}

static gn_status core_check(uf_model *m, size_t i, gn_err *err)
{
	core_model *c = self(m);
	if (!core_relevant(m, i))
		return GN_OK;
	return c->person ? check_person_field(c, i, err) : check_household_field(c, i, err);
}

static size_t core_find(uf_model *m, const char *name)
{
	core_model *c = self(m);
	const char *dot = strrchr(name, '.');
	if (dot)
		name = dot + 1;
	for (size_t i = 0; i < core_n(m); i++)
		if (strcmp(c->fields[i].name, name) == 0)
			return i;
	return (size_t)-1;
}

static void field(core_model *c, size_t i, const char *name, const char *label, const char *hint, uf_kind kind,
                  const uf_choice *choices, size_t n_choices)
{
	c->fields[i] = (uf_field){ name, label, hint, kind, choices, n_choices };
}

/* The core form asks every column: nothing to drop. */
static void core_prune(uf_model *m) { (void)m; }

static void core_free(uf_model *m)
{
	core_model *c = self(m);
	for (size_t i = 0; i < sizeof c->values / sizeof *c->values; i++)
		free(c->values[i]);
	free(c);
}

static core_model *core_new(ui_app *app, gn_household *hh)
{
	core_model *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->m = (uf_model){ core_n, core_field, core_get, core_set, core_relevant, core_check, core_find, core_prune,
	                   core_free };
	c->app = app;
	c->hh = hh;
	return c;
}

static char *dup_or_empty(const char *s) { return strdup(s ? s : ""); }

uf_model *ui_core_household_model_new(ui_app *app, gn_household *hh)
{
	core_model *c = core_new(app, hh);
	if (!c)
		return NULL;
	c->visit[0] = (uf_choice){ GN_VISIT_NOT_VISITED, _("Not visited yet") };
	c->visit[1] = (uf_choice){ GN_VISIT_DONE, _("Visited, done") };
	c->visit[2] = (uf_choice){ GN_VISIT_REVISIT, _("Nobody home, revisit") };
	c->visit[3] = (uf_choice){ GN_VISIT_REFUSED, _("Refused") };
	c->visit[4] = (uf_choice){ GN_VISIT_MOVED, _("Moved away") };
	field(c, HF_HOUSE_NO, "house_no", _("House number"), _("As written on the door: 12, 12A, 12/3"), UF_TEXT, NULL, 0);
	field(c, HF_ALLEY, "alley", _("Alley (ngõ/ngách)"), _("e.g. ngõ 45/ngách 3; kept for the next household"), UF_TEXT, NULL, 0);
	field(c, HF_STREET, "street", _("Street"), NULL, UF_TEXT, NULL, 0);
	field(c, HF_VISIT_STATUS, "visit_status", _("Visit outcome"), _("Press the number of the answer"),
	      UF_SELECT_ONE, c->visit, 5);
	field(c, HF_VISIT_DATE, "visit_date", _("Visit date"), _("dd/mm/yyyy"), UF_DATE, NULL, 0);
	field(c, HF_VISITED_BY, "visited_by", _("Visited by"), NULL, UF_TEXT, NULL, 0);
	c->values[HF_HOUSE_NO] = dup_or_empty(hh->house_no);
	c->values[HF_ALLEY] = dup_or_empty(hh->alley);
	c->values[HF_STREET] = dup_or_empty(hh->street);
	c->values[HF_VISIT_STATUS] = dup_or_empty(hh->visit_status[0] ? hh->visit_status : GN_VISIT_NOT_VISITED);
	c->values[HF_VISIT_DATE] = ui_date_shown(hh->visit_date);
	c->values[HF_VISITED_BY] = dup_or_empty(hh->visited_by);
	return &c->m;
}

uf_model *ui_core_person_model_new(ui_app *app, gn_household *hh, size_t member)
{
	core_model *c = core_new(app, hh);
	if (!c)
		return NULL;
	c->person = true;
	c->member = member;
	c->sex[0] = (uf_choice){ "male", _("Male") };
	c->sex[1] = (uf_choice){ "female", _("Female") };
	static const char *const rel[] = { "head", "spouse", "child", "parent", "grandchild", "sibling", "other" };
	const char *rel_label[] = { _("Head of household"), _("Spouse"), _("Child"), _("Parent"), _("Grandchild"),
	                            _("Sibling"), _("Other") };
	for (size_t i = 0; i < 7; i++)
		c->relation[i] = (uf_choice){ rel[i], rel_label[i] };
	field(c, PF_FULL_NAME, "full_name", _("Full name"), _("With accents, as on the ID card"), UF_TEXT, NULL, 0);
	field(c, PF_BIRTH_YEAR, "birth_year", _("Year of birth"), _("Four digits, e.g. 1985"), UF_INTEGER, NULL, 0);
	field(c, PF_SEX, "sex", _("Sex"), NULL, UF_SELECT_ONE, c->sex, 2);
	field(c, PF_RELATION, "relation", _("Relation to the head"), NULL, UF_SELECT_ONE, c->relation, 7);
	field(c, PF_CCCD, "cccd", _("CCCD (citizen ID)"), _("12 digits; optional"), UF_TEXT, NULL, 0);
	gn_person *p = &hh->members[member];
	char year[16] = "";
	if (p->birth_year)
		snprintf(year, sizeof year, "%d", p->birth_year);
	c->values[PF_FULL_NAME] = dup_or_empty(p->full_name);
	c->values[PF_BIRTH_YEAR] = strdup(year);
	c->values[PF_SEX] = dup_or_empty(p->sex);
	c->values[PF_RELATION] = dup_or_empty(p->relation);
	c->values[PF_CCCD] = dup_or_empty(p->cccd);
	return &c->m;
}
