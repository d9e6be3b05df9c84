/*
 * svc/party.h — the use cases of the CSP program's parties: partners (and their MPA and
 * authorization report), distributor ↔ reseller relationships, customers (and their MCA).
 * The API handlers (api/h_party*.c) and the CLI (cli/cmd_partners.c, cmd_customers.c) both
 * call these; neither talks to the store or the program rules directly (DESIGN.md layers).
 *
 * Input is the JSON document the API accepts (docs/parties.md), parsed and validated here once
 * for both edges: a bad value is ERR_INVALID naming the field (HTTP 422), a program rule's
 * refusal ERR_REFUSED with its reason code (409), an object outside the caller's scope
 * ERR_NOT_FOUND (404), a role that may not act ERR_FORBIDDEN (403). Output is the struct, and
 * party_*_to_json renders it the one way the API, the CLI and the audit log show it.
 *
 * Every mutation runs in one transaction of its own: load, validate, ask the rules
 * (domain/program/program.h), write, append the audit row (actor, scope, action, object,
 * before/after, request id), commit. Any failure rolls back, so a refusal leaves nothing —
 * not even an audit row. The caller must not be inside a transaction.
 *
 * Who may write (reads are limited by scope alone); "installation" means its owner/admin
 * users and the operator (CLI, jobs):
 *   partners       create: the installation only; update, MPA: the installation, or the
 *                  partner's own owner/admin (status only by the installation)
 *   relationships  establish: the installation or the distributor's owner/admin; end: also
 *                  the reseller's owner/admin
 *   customers      create, update, MCA: owner/admin/sales/billing users of the installation
 *                  or of a partner in the customer's book; portal and read-only users never
 * To check a rule the use cases read the counterparties of an action (the distributor a
 * reseller sells through, the reseller a distributor invites) with the installation's scope,
 * only after the caller is known to be a party to it; nothing read that way is returned.
 *
 * Time: `now` is the business clock's instant, passed in; dates are its UTC day.
 */
#ifndef CSPD_SVC_PARTY_H
#define CSPD_SVC_PARTY_H

#include <stdbool.h>

#include <jansson.h>

#include "core/date.h"
#include "core/err.h"
#include "domain/program/program.h"
#include "store/db.h"
#include "store/repo_party.h"
#include "store/scope.h"

/* ---- partners (party_partner.c) --------------------------------------------------------- */

int svc_partner_create(struct db *db, const struct scope *s, instant_t now, const json_t *in,
                       struct party_partner *out, struct err *err);
int svc_partner_get(struct db *db, const struct scope *s, const char *id,
                    struct party_partner *out, struct err *err);
/* A partial update: only the fields present in `patch` change; null clears a recorded fact. */
int svc_partner_update(struct db *db, const struct scope *s, instant_t now, const char *id,
                       const json_t *patch, struct party_partner *out, struct err *err);
/* Record the MPA acceptance: {"accepted_on":"YYYY-MM-DD","accepted_by":"…"}. */
int svc_partner_accept_mpa(struct db *db, const struct scope *s, instant_t now, const char *id,
                           const json_t *in, struct party_partner *out, struct err *err);
int svc_partner_list(struct db *db, const struct scope *s, const struct party_filter *f,
                     int (*fn)(void *ctx, const struct party_partner *p), void *ctx,
                     bool *more, struct err *err);

/*
 * The FY26 authorization report of a partner (program.md §6): each requirement met / not met
 * / unknown with its detail, and the dates that go with it. The reassessment is in the
 * onboarding anniversary month. The remediation deadline is 30 days after a failed
 * reassessment: for a partner in remediation, after the last reassessment; for one with a
 * requirement not met, after the next one (the day it will fail if nothing changes).
 */
struct party_compliance {
    struct party_partner partner;
    struct auth_report report;
    enum auth_state overall;        /* met: all met; not_met: any not met; else unknown */
    struct date today;
    int reassessment_month;         /* 1..12; 0 when onboarded_on is not recorded */
    struct date next_reassessment;  /* year 0 when unknown */
    struct date remediation_deadline; /* year 0 when none applies */
    const char *remediation_basis;  /* "failed_reassessment", "next_reassessment" or NULL */
    const char *ttm_source;         /* "ledger", "recorded", or NULL when unknown */
};

int svc_partner_compliance(struct db *db, const struct scope *s, instant_t now, const char *id,
                           struct party_compliance *out, struct err *err);

/* ---- relationships (party_rel.c) -------------------------------------------------------- */

/* {"distributor_id":"prt_…","reseller_id":"prt_…"}: established at `now`. */
int svc_relationship_establish(struct db *db, const struct scope *s, instant_t now,
                               const json_t *in, struct party_relationship *out,
                               struct err *err);
int svc_relationship_end(struct db *db, const struct scope *s, instant_t now, const char *id,
                         struct party_relationship *out, struct err *err);
int svc_relationship_list(struct db *db, const struct scope *s, const struct party_filter *f,
                          int (*fn)(void *ctx, const struct party_relationship *r), void *ctx,
                          bool *more, struct err *err);

/* ---- customers (party_customer.c) ------------------------------------------------------- */

int svc_customer_create(struct db *db, const struct scope *s, instant_t now, const json_t *in,
                        struct party_customer *out, struct err *err);
int svc_customer_get(struct db *db, const struct scope *s, const char *id,
                     struct party_customer *out, struct err *err);
int svc_customer_update(struct db *db, const struct scope *s, instant_t now, const char *id,
                        const json_t *patch, struct party_customer *out, struct err *err);
/*
 * Record the customer's MCA acceptance: {"status":"accepted"|"attested", "accepted_on",
 * "signer_first_name", "signer_last_name", "signer_email", "signer_phone",
 * "agreement_version", "attested_by"}. An attestation is made by the caller's partner (or,
 * for the installation, `attested_by`, default the customer's transacting partner) and must
 * pass program_check_attestation: attestation_not_allowed for a reseller, mca_date_in_future.
 */
int svc_customer_record_mca(struct db *db, const struct scope *s, instant_t now,
                            const char *id, const json_t *in, struct party_customer *out,
                            struct err *err);
int svc_customer_list(struct db *db, const struct scope *s, const struct party_filter *f,
                      int (*fn)(void *ctx, const struct party_customer *c), void *ctx,
                      bool *more, struct err *err);

/* ---- JSON (party_json_out.c, party_json_in.c) ------------------------------------------- */

/* New references, NULL when out of memory. `now` decides whether an MCA is valid. */
json_t *party_partner_to_json(const struct party_partner *p);
json_t *party_customer_to_json(const struct party_customer *c, instant_t now);
json_t *party_relationship_to_json(const struct party_relationship *r);
json_t *party_compliance_to_json(const struct party_compliance *c);

/*
 * Apply a partner or customer document onto `p`/`c`: with `create`, the required fields must
 * be present and the owners may be set; without, it is a patch (owners and kind cannot
 * change). ERR_INVALID naming the first bad field; `p`/`c` may be half-changed then.
 */
int party_partner_apply_json(struct party_partner *p, const json_t *in, bool create,
                             struct err *err);
int party_customer_apply_json(struct party_customer *c, const json_t *in, bool create,
                              struct err *err);

#endif
