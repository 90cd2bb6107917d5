/* Internal to the storage layer: the list of schema migrations. */
#ifndef GONHA_STORAGE_MIGRATIONS_H
#define GONHA_STORAGE_MIGRATIONS_H

int gn_migration_count(void);
/* SQL taking the schema from version-1 to version, or NULL. */
const char *gn_migration_sql(int version);

#endif
