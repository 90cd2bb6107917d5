/* A form's codebook (see codebook.h), through the export's sinks. */
#include "gonha/interchange/codebook.h"
#include "gonha/core/i18n.h"
#include "gonha/core/strbuf.h"
#include "sink.h"

#include <string.h>
#include <strings.h>

const char *const gn_codebook_columns[] = {
	"form_id", "form_version", "name", "type", "label::vi", "label::en", "hint::vi", "hint::en", "list_name",
	"choices::vi", "choices::en", "relevant", "constraint", "required", "calculation", "choice_filter",
	"repeat_count", "parent", "gonha::role", NULL,
};

typedef struct codebook_job {
	const gn_form *form;
	long *rows;
} codebook_job;

/* "code, label | code, label" as REDCap writes a field's choices. */
static void choices_text(const gn_choice_list *list, bool vi, gn_strbuf *out)
{
	for (size_t i = 0; list && i < list->n; i++) {
		const gn_choice *c = &list->items[i];
		const char *label = vi ? c->label_vi : c->label_en;
		gn_sb_printf(out, "%s%s, %s", i ? " | " : "", c->name, label ? label : "");
	}
}

/* The type as the survey sheet writes it, with its list or file. */
static void type_text(const gn_field *f, gn_strbuf *out)
{
	gn_sb_add(out, f->xls_type);
	if (f->media_file)
		gn_sb_printf(out, " %s", f->media_file);
	else if (f->list)
		gn_sb_printf(out, " %s", f->list->name);
}

static gn_status fill(void *arg, ex_sink *s, gn_err *err)
{
	codebook_job *j = arg;
	const gn_form *form = j->form;
	size_t n = 0;
	while (gn_codebook_columns[n])
		n++;
	ex_sink_col cols[32];
	for (size_t i = 0; i < n; i++)
		cols[i] = (ex_sink_col){ gn_codebook_columns[i], false, false };
	gn_status st = ex_sink_columns(s, cols, n, err);
	for (size_t i = 0; i < form->n_fields && st == GN_OK; i++) {
		const gn_field *f = &form->fields[i];
		if (f->type == GN_FT_END_GROUP || f->type == GN_FT_END_REPEAT)
			continue;
		gn_strbuf type = { 0 }, vi = { 0 }, en = { 0 };
		type_text(f, &type);
		choices_text(f->list, true, &vi);
		choices_text(f->list, false, &en);
		ex_sink_text(s, form->id);
		ex_sink_text(s, form->version);
		ex_sink_text(s, f->name);
		ex_sink_text(s, gn_sb_str(&type));
		ex_sink_text(s, f->label_vi);
		ex_sink_text(s, f->label_en);
		ex_sink_text(s, f->hint_vi);
		ex_sink_text(s, f->hint_en);
		ex_sink_text(s, f->list ? f->list->name : NULL);
		ex_sink_text(s, gn_sb_str(&vi));
		ex_sink_text(s, gn_sb_str(&en));
		ex_sink_text(s, f->relevant_src);
		ex_sink_text(s, f->constraint_src);
		ex_sink_text(s, f->required_always ? "yes" : f->required_src);
		ex_sink_text(s, f->calculation_src);
		ex_sink_text(s, f->choice_filter_src);
		ex_sink_text(s, f->repeat_count_src);
		ex_sink_text(s, f->parent >= 0 ? form->fields[f->parent].name : NULL);
		ex_sink_text(s, gn_qrole_name(f->role));
		bool failed = type.failed || vi.failed || en.failed;
		gn_sb_free(&type);
		gn_sb_free(&vi);
		gn_sb_free(&en);
		st = failed ? gn_fail(err, GN_ERR_NOMEM, _("out of memory")) : ex_sink_end_row(s, err);
		if (st == GN_OK)
			(*j->rows)++;
	}
	return st;
}

gn_status gn_codebook_write(const gn_form *form, const char *path, long *rows, gn_err *err)
{
	long dummy = 0;
	codebook_job j = { form, rows ? rows : &dummy };
	*j.rows = 0;
	size_t len = strlen(path);
	if (len > 5 && strcasecmp(path + len - 5, ".xlsx") == 0)
		return ex_write_xlsx(path, "Codebook", 0, fill, &j, err);
	return ex_write_csv(path, false, fill, &j, err);
}
