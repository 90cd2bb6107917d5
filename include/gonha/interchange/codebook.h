/* The codebook of a form (issue 16), as REDCap's codebook: one row per
 * field in survey order with its name, type, labels and hints in
 * Vietnamese and English, its choice list and choices with their labels,
 * relevant, constraint, required, calculation, choice_filter,
 * repeat_count, the group or repeat it is in, its gonha::role, and the
 * form's id and version. CSV, or XLSX through the export's workbook
 * module when the path ends in .xlsx; written whole or not at all. */
#ifndef GONHA_CODEBOOK_H
#define GONHA_CODEBOOK_H

#include "gonha/core/status.h"
#include "gonha/forms/form.h"

/* The columns, in order (NULL-terminated). */
extern const char *const gn_codebook_columns[];

gn_status gn_codebook_write(const gn_form *form, const char *path, long *rows, gn_err *err);

#endif
