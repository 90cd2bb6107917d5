/* One member of the household being entered: the person form. Ctrl-T keeps
 * this person and opens the next one ("Thêm người tiếp theo"); Ctrl-S and
 * Ctrl-N save the whole household. Esc goes back to the roster once the
 * person's fields pass their checks; a second Esc drops the changes. */
#include "ui.h"
#include "gonha/core/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct person_view {
	ui_view v;
	ui_view *household;   /* borrowed: the view below */
	size_t member;
	uf_model *model;      /* owned */
	ui_form form;
	gn_person orig;       /* owned copy, to drop changes */
	bool was_new;
	bool esc_armed;       /* the next Esc drops the changes */
	bool hh_was_dirty;    /* the household was not saved when this person opened */
	unsigned drafted_edits;
} person_view;

static gn_person *member(person_view *p)
{
	return &ui_household_record(p->household)->members[p->member];
}

static void copy_person(gn_person *to, const gn_person *from)
{
	*to = *from;
	to->full_name = from->full_name ? strdup(from->full_name) : NULL;
	to->cccd = from->cccd ? strdup(from->cccd) : NULL;
	to->answers = from->answers ? strdup(from->answers) : NULL;
}

static bool is_empty(const gn_person *p)
{
	return (!p->full_name || !*p->full_name) && !p->birth_year && !p->sex[0] && !p->relation[0] &&
	       (!p->cccd || !*p->cccd);
}

static void person_draw(ui_view *v)
{
	person_view *p = (person_view *)v;
	gn_household *hh = ui_household_record(p->household);
	char left[300], right[120];
	size_t answered, total;
	ui_form_progress(&p->form, &answered, &total);
	snprintf(left, sizeof left, _("Household %s %s · person %zu of %zu"), hh->house_no ? hh->house_no : "",
	         hh->alley ? hh->alley : "", p->member + 1, hh->n_members);
	snprintf(right, sizeof right, _("filled %zu/%zu"), answered, total);
	ui_title(v->app, left, right);
	ui_form_draw(&p->form, 2, UI_LINES - 2, true);
}

/* Draft after keys, as the household view does. */
static void drafted_every(person_view *p, unsigned every)
{
	if (ui_form_draft_due(&p->form, &p->drafted_edits, every))
		ui_household_touched(p->household);
}

static void drafted(person_view *p) { drafted_every(p, 6); }

static bool person_keep_draft(ui_view *v, bool pending)
{
	person_view *p = (person_view *)v;
	ui_form *f = &p->form;
	if (pending) {
		drafted_every(p, 1);
		return false;
	}
	if (f->loaded && f->eb.changed) {
		gn_err err = { 0 };
		f->model->set(f->model, f->cur, f->eb.text, &err);
	}
	p->drafted_edits = f->edits;
	f->stored = false;
	if (gn_person_same(v->app->db, member(p), &p->orig))
		return false;
	ui_household_touched(p->household);
	return true;
}

static void drop_changes(person_view *p)
{
	gn_household *hh = ui_household_record(p->household);
	if (p->was_new) {
		gn_person_free(&hh->members[p->member]);
		memmove(&hh->members[p->member], &hh->members[p->member + 1],
		        (hh->n_members - p->member - 1) * sizeof *hh->members);
		hh->n_members--;
	} else {
		gn_person_free(&hh->members[p->member]);
		hh->members[p->member] = p->orig;
		memset(&p->orig, 0, sizeof p->orig);
	}
	/* the household is as it was when this person opened */
	if (p->hh_was_dirty)
		ui_household_touched(p->household);
	else
		ui_household_untouched(p->household);
}

static bool person_key(ui_view *v, ui_action a, int key)
{
	person_view *p = (person_view *)v;
	ui_app *app = v->app;
	ui_view *hv = p->household;
	if (a != UA_BACK)
		p->esc_armed = false;
	p->form.auto_advance = app->auto_advance && !app->paste;
	if (a != UA_NEXT_FIELD)
		p->form.advanced = false; /* only the very next key is the Enter of habit */
	switch (a) {
	case UA_AUTO_ADVANCE:
		ui_toggle_auto_advance(app);
		return true;
	case UA_SAVE:
	case UA_SAVE_NEXT:
		if (!ui_form_check_all(&p->form)) {
			ui_status(app, true, "%s", _("Not saved: correct the field shown."));
			return true;
		}
		ui_pop(app); /* p is gone */
		ui_household_save(hv, a == UA_SAVE_NEXT);
		return true;
	case UA_SAVE_ADD_MEMBER:
		if (!ui_form_check_all(&p->form))
			return true;
		drafted(p);
		ui_household_touched(hv);
		ui_pop(app);
		ui_household_add_member(hv);
		ui_status(app, false, "%s", _("Next person: type their full name."));
		return true;
	case UA_BACK:
		if (p->was_new && is_empty(member(p))) {
			drop_changes(p);
			ui_pop(app);
			return true;
		}
		if (p->esc_armed) {
			drop_changes(p);
			ui_pop(app);
			ui_status(app, false, "%s", _("Changes to this person dropped."));
			return true;
		}
		if (!ui_form_check_all(&p->form)) {
			p->esc_armed = true;
			ui_status(app, true, "%s", _("Correct the field shown, or press Esc again to drop the changes to this person."));
			return true;
		}
		/* only looked at: the household is not marked changed */
		if (!gn_person_same(app->db, member(p), &p->orig))
			ui_household_touched(hv);
		ui_pop(app);
		return true;
	default:
		break;
	}
	int where;
	if (ui_form_key(&p->form, a, key, &where)) {
		drafted(p);
		if (where == UF_PAST_END) {
			/* past the last question: back to the roster, on the next line */
			size_t next = p->member + 1;
			ui_household_touched(hv);
			ui_pop(app);
			ui_household_roster_at(hv, next);
			ui_status(app, false, "%s", _("Enter: next person; Ctrl-S: save the household."));
		}
		return true;
	}
	return a == UA_NONE;
}

bool ui_person_resume(ui_view *v)
{
	return ui_form_resume(&((person_view *)v)->form);
}

void ui_person_show_error(ui_view *v, const gn_err *err)
{
	person_view *p = (person_view *)v;
	if (p)
		ui_form_show_error(&p->form, err);
}

static void person_close(ui_view *v)
{
	person_view *p = (person_view *)v;
	ui_form_free(&p->form);
	ui_model_free(p->model);
	gn_person_free(&p->orig);
	free(p);
}

ui_view *ui_person_new(ui_app *app, ui_view *household, size_t index)
{
	person_view *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	p->v = (ui_view){ .kind = UV_PERSON, .draw = person_draw, .handle_key = person_key, .close = person_close,
	                  .app = app, .keep_draft = person_keep_draft };
	p->household = household;
	p->hh_was_dirty = ui_household_dirty(household);
	p->member = index;
	gn_household *hh = ui_household_record(household);
	copy_person(&p->orig, &hh->members[index]);
	p->was_new = !hh->members[index].id[0] && is_empty(&hh->members[index]);
	p->model = ui_person_model_new(app, hh, index);
	if (!p->model) {
		free(p);
		return NULL;
	}
	ui_form_init(&p->form, p->model);
	return &p->v;
}
