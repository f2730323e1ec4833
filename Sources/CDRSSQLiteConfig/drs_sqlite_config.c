#include "drs_sqlite_config.h"

// The SQLite that sqlite-nio bundles (its symbols carry the sqlite_nio_ prefix).
extern int sqlite_nio_sqlite3_db_config(void *db, int op, ...);

int drs_sqlite_db_config_flag(void *db, int option, int on) {
    return sqlite_nio_sqlite3_db_config(db, option, on, (int *)0);
}
