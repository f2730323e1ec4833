#ifndef DRS_SQLITE_CONFIG_H
#define DRS_SQLITE_CONFIG_H

/// Sets an on/off option of sqlite3_db_config (a C variadic function, which Swift cannot call) on the connection
/// `db` (a sqlite3 *); returns SQLite's result code.
int drs_sqlite_db_config_flag(void *db, int option, int on);

#endif
