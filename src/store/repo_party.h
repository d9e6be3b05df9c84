/*
 * store/repo_party.h — the parties of the CSP program in the store: partners, distributor ↔
 * reseller relationships, customers.
 *
 * Audit rows are not written here: svc/party*.c writes them through svc/audit.h in the same
 * transaction as the change.
 *
 * Tenancy (DESIGN.md): every function takes the caller's `const struct scope *` and the query
 * carries the scope's predicate from store/scope.c — reads see only rows in scope, UPDATEs
 * change only rows in scope (none changed = ERR_NOT_FOUND), and INSERTs are read back through
 * the predicate, so a row the caller could not see afterwards is refused (ERR_FORBIDDEN) and
 * the caller's transaction rolled back. Out of scope and absent look the same: ERR_NOT_FOUND.
 *
 * Values: the domain's own structs (`struct partner`, `struct customer`, program.h) plus what
 * only the store and the API know (contacts, designations, recorded facts, timestamps).
 * Enumerations are stored as the schema's TEXT values: kinds 'distributor' / 'reseller' /
 * 'direct'; support plans 'none' / 'other' / 'asfp' / 'psfp'; MCA 'none' / 'accepted' /
 * 'attested'. Dates of acceptance are stored as the instant 00:00:00Z of the day.
 *
 * Transactions: no function begins or commits; writes run inside the caller's transaction
 * (svc/party*.c), reads may run outside one. Lists call `fn` once per row in id order, for
 * at most the filter's limit rows, and set *more (when not NULL) if further rows exist; `fn`
 * returning -1 stops the walk with that result.
 */
#ifndef CSPD_STORE_REPO_PARTY_H
#define CSPD_STORE_REPO_PARTY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/date.h"
#include "core/decimal.h"
#include "core/err.h"
#include "core/id.h"
#include "domain/program/program.h"
#include "store/db.h"
#include "store/scope.h"

#define PARTY_DESIGNATIONS_MAX 8
#define PARTY_CONTACTS_MAX 10
#define PARTY_DOMAIN_LEN 254      /* a DNS name: 253 characters + NUL */
#define PARTY_ROLE_LEN 32
#define PARTY_LIST_MAX 1000       /* rows one list call returns at most */

/* A partner location account with everything cspd records about it. */
struct party_partner {
    struct partner p;                          /* the domain value (program.h) */
    char mpa_accepted_by[PROGRAM_EMAIL_LEN];   /* the Global Admin who accepted the MPA */
    bool security_contact_known;               /* false: not recorded */
    char security_contact[PROGRAM_EMAIL_LEN];  /* "" with _known: recorded as none */
    bool designations_known;
    size_t n_designations;
    char designations[PARTY_DESIGNATIONS_MAX][PROGRAM_NAME_LEN];
    enum support_plan support_plan;            /* SUPPORT_PLAN_UNKNOWN: not recorded */
    struct fact_money ttm_revenue_usd;         /* recorded figure until billing computes it */
    struct fact_count alert_response_minutes;
    struct fact_count reseller_months;
    enum fact_bool business_email;
    /* Derived on read from the users table (the partner's owner and admin users). */
    int64_t admin_users;
    int64_t admin_users_with_mfa;
    instant_t created_at;
    instant_t updated_at;                      /* 0: never updated */
};

struct party_contact {
    char name[PROGRAM_NAME_LEN];
    char email[PROGRAM_EMAIL_LEN];
    char phone[PROGRAM_PHONE_LEN];
    char role[PARTY_ROLE_LEN];                 /* free text: "billing", "technical", ... */
};

/*
 * A customer. `c.country` is the market (the country of the customer's tenant, program.md
 * §1); `address_country` is where the organisation is. The owner is a direct-bill partner
 * (owner_partner_id; distributor_id and reseller_id "") or, for a distributor's book, the
 * distributor (owner_partner_id == distributor_id) and the reseller (reseller_id).
 */
struct party_customer {
    struct customer c;
    char address_country[PROGRAM_COUNTRY_LEN];
    char domain[PARTY_DOMAIN_LEN];
    char billing_currency[PROGRAM_CURRENCY_LEN];
    char owner_partner_id[ID_MAXLEN];
    char distributor_id[ID_MAXLEN];
    char reseller_id[ID_MAXLEN];
    bool has_credit_limit;
    struct dec credit_limit;                   /* billing currency */
    bool portal_enabled;
    size_t n_contacts;
    struct party_contact contacts[PARTY_CONTACTS_MAX];
    instant_t created_at;
    instant_t updated_at;
};

struct party_relationship {
    char id[ID_MAXLEN];                        /* 'rel_...' */
    char distributor_id[ID_MAXLEN];
    char reseller_id[ID_MAXLEN];
    char region[PROGRAM_REGION_LEN];
    instant_t started_at;
    bool ended;
    instant_t ended_at;
};

/* What a list returns; zero-initialised = everything in scope, up to PARTY_LIST_MAX. */
struct party_filter {
    int limit;                 /* 0 or above PARTY_LIST_MAX: PARTY_LIST_MAX */
    enum partner_kind kind;    /* partners: PARTNER_KIND_NONE = every kind */
    const char *partner_id;    /* customers: owned, distributed or resold by it;
                                  relationships: either side; NULL = any */
    bool active_only;          /* relationships: not ended */
};

/* ---- partners (repo_party_partner.c) ---------------------------------------------------- */

int repo_partner_insert(struct db *db, const struct scope *s, const struct party_partner *p,
                        struct err *err);
int repo_partner_get(struct db *db, const struct scope *s, const char *id,
                     struct party_partner *out, struct err *err);
/* Rewrite every mutable column of p->p.id (kind and created_at never change). */
int repo_partner_update(struct db *db, const struct scope *s, const struct party_partner *p,
                        struct err *err);
int repo_partner_list(struct db *db, const struct scope *s, const struct party_filter *f,
                      int (*fn)(void *ctx, const struct party_partner *p), void *ctx,
                      bool *more, struct err *err);

/* ---- relationships (repo_party_rel.c) --------------------------------------------------- */

int repo_relationship_insert(struct db *db, const struct scope *s,
                             const struct party_relationship *r, struct err *err);
int repo_relationship_get(struct db *db, const struct scope *s, const char *id,
                          struct party_relationship *out, struct err *err);
/* Set ended_at on a relationship not yet ended; ERR_NOT_FOUND when none matched. */
int repo_relationship_end(struct db *db, const struct scope *s, const char *id,
                          instant_t at, struct err *err);
int repo_relationship_list(struct db *db, const struct scope *s, const struct party_filter *f,
                           int (*fn)(void *ctx, const struct party_relationship *r),
                           void *ctx, bool *more, struct err *err);
/* The current (not ended) relationship between the two, if any: *found says. */
int repo_relationship_find_current(struct db *db, const struct scope *s,
                                   const char *distributor_id, const char *reseller_id,
                                   struct party_relationship *out, bool *found,
                                   struct err *err);
/*
 * Whether the pair has a relationship (ended or not) that started at instant `at`: the key
 * of the history is (distributor, reseller, started_at), so a pair ended and re-established
 * within one second cannot be stored twice. Installation-wide (svc/ checks scope first).
 */
int repo_relationship_started_at(struct db *db, const char *distributor_id,
                                 const char *reseller_id, instant_t at, bool *found,
                                 struct err *err);
/*
 * The reseller's relationships as the domain sees them (program_check_relationship): at most
 * `max` into `out`, *n how many; a relationship is active while not ended, since the UTC day
 * it started. ERR_TOO_BIG when the reseller has more than `max`.
 */
int repo_relationships_of_reseller(struct db *db, const struct scope *s,
                                   const char *reseller_id, struct reseller_relationship *out,
                                   size_t max, size_t *n, struct err *err);

/* ---- customers (repo_party_customer.c) -------------------------------------------------- */

int repo_customer_insert(struct db *db, const struct scope *s, const struct party_customer *c,
                         struct err *err);
int repo_customer_get(struct db *db, const struct scope *s, const char *id,
                      struct party_customer *out, struct err *err);
/* Rewrite every mutable column of c->c.id, MCA included (the owners never change). */
int repo_customer_update(struct db *db, const struct scope *s, const struct party_customer *c,
                         struct err *err);
int repo_customer_list(struct db *db, const struct scope *s, const struct party_filter *f,
                       int (*fn)(void *ctx, const struct party_customer *c), void *ctx,
                       bool *more, struct err *err);

#endif
