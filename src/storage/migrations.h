/* Internal to the storage layer: the list of schema migrations. */
#ifndef GONHA_STORAGE_MIGRATIONS_H
#define GONHA_STORAGE_MIGRATIONS_H

#include "gonha/core/status.h"

#include <sqlite3.h>

int gn_migration_count(void);
/* Takes the schema from version-1 to version, inside the caller's
 * transaction. */
gn_status gn_migration_apply(sqlite3 *db, int version, gn_err *err);

#endif
