/* Storage: the schema the migrations make, as a table built into gonha.
 * tools/gen_schema.c writes it at build time by running the migrations on
 * an in-memory database (the Makefile's build/gen/schema_ref.c), so it is
 * the migrations' own result, not a second copy of the schema kept by
 * hand; gonha check compares a file with it without running the 23
 * migrations again on every check. */
#ifndef GONHA_SCHEMA_REF_H
#define GONHA_SCHEMA_REF_H

#include <stddef.h>

typedef struct gn_schema_object {
	const char *type; /* "index", "table", "trigger", "view" */
	const char *name;
	const char *sql;  /* sqlite_schema.sql as the migrations leave it */
} gn_schema_object;

/* Every object of a fresh database whose sql is not NULL and whose name
 * does not start with "sqlite_", ordered by type, then name. */
extern const gn_schema_object gn_schema_reference[];
extern const size_t gn_schema_reference_count;

/* The query that lists them, in that order: the generator's and the
 * unit test's, so that the two cannot disagree on what is compared. */
#define GN_SQL_SCHEMA_OBJECTS                                                                                         \
	"SELECT type, name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' AND sql IS NOT NULL ORDER BY 1, 2"

#endif
