#ifndef ACME_SQLITE_SETTINGS_H
#define ACME_SQLITE_SETTINGS_H

#include "sqlite_nio_sqlite3.h"

/// Turns on SQLite's query planner stability guarantee for a connection: plans never depend on the values bound
/// to a statement, so a cached statement is not prepared again when new values are bound (FTS5 `MATCH ?` made
/// every search re-prepare its statement). `sqlite3_db_config` is variadic, which Swift cannot call.
int acme_sqlite_enable_qpsg(sqlite3 *db);

#endif
