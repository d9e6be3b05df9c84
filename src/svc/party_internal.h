/*
 * svc/party_internal.h — what the party use cases (svc/party_*.c) share: the bounded JSON
 * field readers every input goes through, who may write, the transaction-and-audit frame.
 * Nothing outside src/svc/party*.c includes it.
 */
#ifndef CSPD_SVC_PARTY_INTERNAL_H
#define CSPD_SVC_PARTY_INTERNAL_H

#include "svc/party.h"

/* ---- field readers (party_json_in.c) ------------------------------------------------------
 * Each reads `key` of the object `in`; *has says whether it was absent, null or a value. A
 * value of the wrong type or out of bounds is ERR_INVALID naming `key`. Text is bounded by
 * `size` (including the NUL) and may not hold control characters. */
enum pj_has { PJ_ABSENT = 0, PJ_NULL, PJ_VALUE };

/* 422 naming the first key of `in` not in the NULL-terminated `allowed`. */
int pj_known(const json_t *in, const char *const *allowed, struct err *err);
/* A create needs a value; a patch may not null a required field. */
int pj_required(enum pj_has has, const char *key, bool create, struct err *err);
int pj_text(const json_t *in, const char *key, char *buf, size_t size, enum pj_has *has,
            struct err *err);
int pj_bool(const json_t *in, const char *key, bool *out, enum pj_has *has, struct err *err);
int pj_int(const json_t *in, const char *key, int64_t min, int64_t max, int64_t *out,
           enum pj_has *has, struct err *err);
int pj_date(const json_t *in, const char *key, struct date *out, enum pj_has *has,
            struct err *err);
/* A decimal string ("1000.00"), never a JSON number (money stays exact); >= 0. */
int pj_amount(const json_t *in, const char *key, struct dec *out, enum pj_has *has,
              struct err *err);

/* Shape checks on text already read; they normalise case in place. */
int pj_check_country(const char *key, char *s, struct err *err);  /* "de" -> "DE" */
int pj_check_currency(const char *key, char *s, struct err *err); /* known ISO 4217 */
int pj_check_guid(const char *key, char *s, struct err *err);     /* lower case */
int pj_check_email(const char *key, const char *s, struct err *err);
int pj_check_partner_number(const char *key, const char *s, struct err *err);
int pj_check_domain(const char *key, char *s, struct err *err);   /* lower case */
int pj_check_name(const char *key, const char *s, struct err *err);
/* A cspd id of kind `prefix` ("prt"). */
int pj_check_id(const char *key, const char *s, const char *prefix, struct err *err);

/* ---- access and frame (party_access.c) ------------------------------------------------ */

enum party_write {
    PARTY_WRITE_PROFILE, /* a partner's own record, its MPA, its relationships */
    PARTY_WRITE_BOOK,    /* customers and their MCA */
};

/* ERR_FORBIDDEN when the scope's role may not make this kind of change. */
int party_may_write(const struct scope *s, enum party_write w, struct err *err);
/* The scope rule checks read counterparties with (see party.h). */
const struct scope *party_rule_scope(void);
/* Read a partner the request names in `field`, with the rule scope, for a rule check; one
 * that does not exist is the field's fault (ERR_INVALID naming it). */
int party_load_named(struct db *db, const char *field, const char *id,
                     struct party_partner *out, struct err *err);
/* Start the use case's transaction. */
int party_begin(struct db *db, struct err *err);
/*
 * Append the audit row (svc/audit.h), then commit; on any failure roll back. The row is filed
 * under the tenant `tenant_partner` or `tenant_customer` (the one the change concerns, so
 * GET /v1/audit shows it to that tenant and to the partners that see it). Steals `before`
 * (NULL on a create) and `after` (NULL only when rendering it ran out of memory: ERR_NOMEM).
 */
int party_audit_commit(struct db *db, const struct scope *s, const char *action,
                       const char *object_type, const char *object_id,
                       const char *tenant_partner, const char *tenant_customer,
                       json_t *before, json_t *after, struct err *err);
/* Roll back and return -1 (for `return party_fail(db);` on any error path). */
int party_fail(struct db *db);
/* A program rule's error with its field renamed from `from` to `to` (the request's name). */
void party_rename_field(struct err *err, const char *from, const char *to);

#endif
