#include "sqlite_settings.h"

int acme_sqlite_enable_qpsg(sqlite3 *db) {
    return sqlite_nio_sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_QPSG, 1, (int *)0);
}
