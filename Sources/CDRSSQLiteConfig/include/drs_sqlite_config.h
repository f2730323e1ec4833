#ifndef DRS_SQLITE_CONFIG_H
#define DRS_SQLITE_CONFIG_H

/// Sets an on/off option of sqlite3_db_config (a C variadic function, which Swift cannot call) on the connection
/// `db` (a sqlite3 *); returns SQLite's result code.
int drs_sqlite_db_config_flag(void *db, int option, int on);

/// Asks the processor to bring the memory at `address` into its caches (a hint: nothing waits for it), so that several
/// reads of memory far apart overlap instead of waiting one after another.
static inline void drs_prefetch(const void *address) { __builtin_prefetch(address, 0, 0); }

/// The same for memory that is read more than once or a while after it was asked for: kept in every cache level.
static inline void drs_prefetch_kept(const void *address) { __builtin_prefetch(address, 0, 3); }

#endif
