/*
 * store/repo_party_internal.h — helpers the party repositories (repo_party_*.c) share:
 * binding optional values, copying columns, the schema's enumeration texts, and the read-back
 * that keeps inserts inside the caller's scope. Nothing outside src/store/repo_party*.c
 * includes it.
 */
#ifndef CSPD_STORE_REPO_PARTY_INTERNAL_H
#define CSPD_STORE_REPO_PARTY_INTERNAL_H

#include "store/repo_party.h"

/* Bind text, or NULL when `s` is NULL or "". */
int rp_bind_opt(struct db_stmt *st, int idx, const char *s, struct err *err);
/* Bind a date as "YYYY-MM-DD", or NULL when its year is 0 (not recorded). */
int rp_bind_date(struct db_stmt *st, int idx, struct date d, struct err *err);
/* Bind a day as the instant 00:00:00Z, or NULL when its year is 0. */
int rp_bind_day_instant(struct db_stmt *st, int idx, struct date d, struct err *err);
/* Bind a fact: NULL when unknown. */
int rp_bind_count(struct db_stmt *st, int idx, struct fact_count c, struct err *err);
int rp_bind_money(struct db_stmt *st, int idx, bool known, struct dec v, struct err *err);
int rp_bind_bool_fact(struct db_stmt *st, int idx, enum fact_bool b, struct err *err);

/* Copy a text column into buf ("" for NULL), truncating to size. */
void rp_col_copy(struct db_stmt *st, int col, char *buf, size_t size);
/* A TEXT date column; year 0 for NULL or a value that does not parse. */
struct date rp_col_date(struct db_stmt *st, int col);
/* The UTC day of an instant column; year 0 for NULL. */
struct date rp_col_day(struct db_stmt *st, int col);
/* A decimal TEXT column; known = false for NULL. ERR_DB when the stored text is not one. */
int rp_col_money(struct db_stmt *st, int col, struct fact_money *out, struct err *err);
struct fact_count rp_col_count(struct db_stmt *st, int col);
enum fact_bool rp_col_bool_fact(struct db_stmt *st, int col);

/* Schema texts of the kinds: 'distributor', 'reseller', 'direct'. */
const char *rp_kind_to_db(enum partner_kind k);
enum partner_kind rp_kind_from_db(const char *s);

/*
 * The read-back after an INSERT: is `id` visible in `table` through the predicate `pred`
 * (built with alias "t")? 0 when it is; ERR_FORBIDDEN naming `field` when it is not.
 */
int rp_insert_visible(struct db *db, const char *table, const char *id,
                      const struct scope_pred *pred, const char *field, struct err *err);

/* Step a prepared, bound write statement once and finalize it. */
int rp_run(struct db_stmt *st, struct err *err);

/* The limit a filter asks for, capped at PARTY_LIST_MAX. */
int rp_limit(const struct party_filter *f);

#endif
