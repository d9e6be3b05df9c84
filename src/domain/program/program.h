/*
 * domain/program/program.h — the CSP program model: parties, agreements, regions, the rules
 * that gate every order, and the FY26 authorization requirements.
 *
 * Pure domain code (DESIGN.md): no I/O, no clock reads, no allocation. Every function takes
 * values (a partner, a customer, the time `now`) and returns 0 / -1 with a caller-owned
 * `struct err`. A refusal is ERR_REFUSED with a machine reason code (listed below and in
 * docs/program.md) and a sentence a partner understands; a malformed input (a NULL pointer, an
 * unknown enum value, contradictory facts) is ERR_INVALID. Every rule cites the paragraph of
 * program.md / nce-rules.md it applies.
 *
 * Ownership: all structs here are plain values with fixed-size text fields; nothing points
 * into anything else except the `const` pointers of `struct program_order`, which are borrowed
 * for the duration of one call. Zero-initialised structs are valid and mean "nothing known":
 * no MPA, no MCA, kind unset (refused as invalid), standing active, facts unknown. A date
 * field with year 0 means "not recorded".
 *
 * Reason codes (ERR_REFUSED): mca_not_accepted, region_mismatch, region_unknown, por_required,
 * por_invalid, self_sale, no_relationship, mpa_not_accepted, not_transacting_partner,
 * attestation_not_allowed, mca_date_in_future, partner_not_authorized.
 *
 * Time: instants are UTC (nce-rules.md Part A rule 1). A policy "from 2025-12-01" applies from
 * 2025-12-01T00:00:00Z; 2025-11-30T23:59:59Z is still before it.
 */
#ifndef CSPD_DOMAIN_PROGRAM_H
#define CSPD_DOMAIN_PROGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/date.h"
#include "core/decimal.h"
#include "core/err.h"
#include "core/id.h"

/* ---------------------------------------------------------------------------------------- */
/* Policy dates (program.md §2, §4) and the remediation period (§6).                          */

/* Attestations dated before this day must be re-accepted ... */
#define PROGRAM_MCA_REACCEPT_BEFORE ((struct date){ 2023, 4, 1 })
/* ... from this day on (program.md §2). */
#define PROGRAM_MCA_REACCEPT_FROM ((struct date){ 2025, 10, 7 })
/* A reseller is a valid POR only with an active CSP tenant and a verified PLA ID (§4). */
#define PROGRAM_POR_RESELLER_RULES_FROM ((struct date){ 2025, 9, 1 })
/* A distributor must name a valid POR on orders and most updates (§4). */
#define PROGRAM_POR_REQUIRED_FROM ((struct date){ 2025, 12, 1 })
/* Days a partner that failed its reassessment has to remediate (§6). */
#define PROGRAM_REMEDIATION_DAYS 30

/* ---------------------------------------------------------------------------------------- */
/* Parties (program.md §1).                                                                   */

#define PROGRAM_COUNTRY_LEN 3   /* ISO 3166-1 alpha-2 + NUL */
#define PROGRAM_CURRENCY_LEN 4  /* ISO 4217 + NUL */
#define PROGRAM_REGION_LEN 24   /* region id ("europe") + NUL */
#define PROGRAM_PARTNER_ID_LEN 16 /* Microsoft PartnerID (MPN id) of a PLA or PGA + NUL */
#define PROGRAM_TENANT_ID_LEN 37  /* Entra tenant GUID, 36 characters + NUL */
#define PROGRAM_NAME_LEN 64
#define PROGRAM_EMAIL_LEN 255     /* 254 characters (RFC 5321 path limit) + NUL */
#define PROGRAM_PHONE_LEN 32
#define PROGRAM_VERSION_LEN 64

enum partner_kind {
    PARTNER_KIND_NONE = 0,       /* not set: every rule refuses it as invalid input */
    PARTNER_DIRECT_BILL,         /* buys from Microsoft, sells to its own customers */
    PARTNER_DISTRIBUTOR,         /* indirect provider: buys from Microsoft, sells to resellers */
    PARTNER_INDIRECT_RESELLER,   /* sells through distributors; POR on its customers' subs */
};

/* A bit per kind, for "applies to" masks. */
#define PROGRAM_KIND_BIT(k) (1u << (unsigned)(k))
#define PROGRAM_KINDS_ALL                                                   \
    (PROGRAM_KIND_BIT(PARTNER_DIRECT_BILL) | PROGRAM_KIND_BIT(PARTNER_DISTRIBUTOR) | \
     PROGRAM_KIND_BIT(PARTNER_INDIRECT_RESELLER))

/* "direct_bill", "distributor", "indirect_reseller"; "none" for PARTNER_KIND_NONE. */
const char *partner_kind_name(enum partner_kind kind);
/* The inverse of partner_kind_name for the three real kinds; ERR_INVALID otherwise. */
int partner_kind_parse(const char *s, enum partner_kind *out, struct err *err);
/* Direct-bill partners and distributors transact with Microsoft; resellers do not (§1). */
bool partner_kind_transacts(enum partner_kind kind);

/*
 * Standing in the program. A partner that failed its yearly reassessment is in remediation
 * and may still transact for PROGRAM_REMEDIATION_DAYS; a suspended tenant keeps managing
 * existing subscriptions but sells no new licences (nce-rules.md §12, [W9]).
 */
enum partner_status {
    PARTNER_STATUS_ACTIVE = 0,
    PARTNER_STATUS_REMEDIATION,
    PARTNER_STATUS_SUSPENDED,
    PARTNER_STATUS_DEAUTHORIZED,
};

const char *partner_status_name(enum partner_status status);

/*
 * One partner location account (PLA) of a partner — the unit that transacts (program.md §1):
 * one PartnerID, one CSP tenant, one country, one CSP region.
 */
struct partner {
    char id[ID_MAXLEN];                       /* cspd id */
    enum partner_kind kind;
    char name[PROGRAM_NAME_LEN];
    char country[PROGRAM_COUNTRY_LEN];        /* location of the PLA, ISO alpha-2 */
    char region[PROGRAM_REGION_LEN];          /* CSP region id; "" = the country's region */
    char currency[PROGRAM_CURRENCY_LEN];      /* billing currency (location currency) */
    char pga_id[PROGRAM_PARTNER_ID_LEN];      /* PartnerID of the global account (company) */
    char pla_id[PROGRAM_PARTNER_ID_LEN];      /* PartnerID of this location account */
    bool pla_verified;
    char csp_tenant_id[PROGRAM_TENANT_ID_LEN]; /* the transacting tenant; "" = none */
    bool csp_tenant_active;
    enum partner_status status;
    bool mpa_accepted;                        /* Microsoft Partner Agreement (§2) */
    struct date mpa_accepted_on;              /* when known; {0} otherwise */
    struct date onboarded_on;                 /* CSP onboarding: sets the reassessment month */
};

/* How the customer's Microsoft Customer Agreement stands (program.md §2). */
enum mca_status {
    MCA_NONE = 0,
    MCA_ACCEPTED,   /* accepted by the customer directly */
    MCA_ATTESTED,   /* acceptance attested by a direct-bill partner or a distributor */
};

const char *mca_status_name(enum mca_status status);

struct mca_record {
    enum mca_status status;
    /* The day the customer accepted ("dateAgreed"); required for an attestation, optional
     * (year 0) for a direct acceptance. Never later than the day it is recorded. */
    struct date accepted_on;
    /* Attestation details (MCA_ATTESTED): the customer's signer and who attested. */
    char signer_first_name[PROGRAM_NAME_LEN];
    char signer_last_name[PROGRAM_NAME_LEN];
    char signer_email[PROGRAM_EMAIL_LEN];
    char signer_phone[PROGRAM_PHONE_LEN];
    char agreement_version[PROGRAM_VERSION_LEN]; /* template id / version accepted */
    enum partner_kind attested_by;
    char attested_by_partner_id[ID_MAXLEN];
};

struct customer {
    char id[ID_MAXLEN];                     /* cspd id */
    char name[PROGRAM_NAME_LEN];
    char country[PROGRAM_COUNTRY_LEN];      /* the country set in the customer's tenant (§1) */
    char tenant_id[PROGRAM_TENANT_ID_LEN];  /* the customer's Entra tenant */
    /* Self-sale facts (program.md §5): the PartnerID of the partner company this customer
     * belongs to, if it is one (or an affiliate of one); "" for ordinary customers. */
    char affiliated_pga_id[PROGRAM_PARTNER_ID_LEN];
    bool is_csp_transacting_tenant;         /* the tenant is some CSP partner's own */
    struct mca_record mca;
};

/*
 * A distributor ↔ indirect reseller relationship. In effect when `active` and `since` (the
 * day it was established) is on or before the day of `now`. A reseller may have several.
 */
struct reseller_relationship {
    char distributor_id[ID_MAXLEN];
    char reseller_id[ID_MAXLEN];
    bool active;
    struct date since;
};

/* ---------------------------------------------------------------------------------------- */
/* Regions (program.md §3). The table is data: regions.csv, mirrored by regions_table.inc.    */

struct program_region_row {
    const char *country;      /* ISO 3166-1 alpha-2, upper case */
    const char *country_name;
    const char *region;       /* region id, e.g. "europe" */
    bool confirmed;           /* confirmed from Microsoft's "regional markets and currencies" */
};

struct program_region_info {
    const char *id;           /* "europe" */
    const char *label;        /* "Europe" */
};

/* The row for ISO alpha-2 `country` (either case), or NULL when the table has none. */
const struct program_region_row *program_region_lookup(const char *country);
/* The region id of `country`, or NULL. */
const char *program_region_of(const char *country);
/* Row i of the table in CSV order, NULL past the end. */
const struct program_region_row *program_region_row_at(size_t i);
size_t program_region_row_count(void);
/* Label table of the region ids used by the rows. */
const struct program_region_info *program_region_info(const char *region_id);
const struct program_region_info *program_region_info_at(size_t i);
/* The partner's CSP region: `region` when set, else its country's; NULL when neither. */
const char *program_partner_region(const struct partner *p);

/* ---------------------------------------------------------------------------------------- */
/* Operations and which gates they need.                                                      */

enum program_op {
    PROGRAM_OP_NEW_PURCHASE = 0,
    PROGRAM_OP_SEAT_INCREASE,
    PROGRAM_OP_SEAT_DECREASE,
    PROGRAM_OP_UPGRADE,
    PROGRAM_OP_BILLING_PLAN_CHANGE,
    PROGRAM_OP_AUTO_RENEWAL,
    PROGRAM_OP_CANCEL,
    PROGRAM_OP_COUNT_
};

const char *program_op_name(enum program_op op);
/* New purchase, seat increase or decrease, upgrade, billing-plan change: yes. Auto-renewal and
 * cancellation: no — existing subscriptions keep running without an MCA (program.md §2). */
bool program_op_needs_mca(enum program_op op);
/* The operations on which a distributor must name a POR from 2025-12-01 (program.md §4). */
bool program_op_needs_por(enum program_op op);
/* The operations that sell new licences, refused while the seller is suspended (§6). */
bool program_op_sells_new_licences(enum program_op op);

/* ---------------------------------------------------------------------------------------- */
/* Rules. Each returns 0 when the rule allows, -1 with ERR_REFUSED (or ERR_INVALID) otherwise. */

/* True when the customer's MCA is valid at `now` (same logic as program_check_mca). */
bool program_mca_valid(const struct customer *c, instant_t now);
/* mca_not_accepted: none; attested by an indirect reseller; accepted after today; attested
 * before 2023-04-01 and `now` on or after 2025-10-07 (program.md §2, nce-rules.md §9). */
int program_check_mca(const struct customer *c, instant_t now, struct err *err);

/*
 * Recording an attestation by `attester` (program.md §2): attestation_not_allowed for an
 * indirect reseller (or any non-transacting kind); mca_date_in_future for an acceptance date
 * after the day of `now`; ERR_INVALID naming the field when the signer's first or last name,
 * e-mail or phone, or the acceptance date, is missing.
 */
int program_check_attestation(const struct partner *attester, const struct mca_record *a,
                              instant_t now, struct err *err);

/* region_mismatch when partner and customer are in different CSP regions; region_unknown when
 * either's country is not in the table (program.md §3). */
int program_check_region(const struct partner *p, const struct customer *c, struct err *err);

/*
 * The Partner of Record a distributor names (`reseller` NULL = none), program.md §4:
 *  - always: a named POR is an indirect reseller (por_invalid) that has accepted the MPA
 *    (mpa_not_accepted, §2);
 *  - from 2025-09-01: it has an active CSP tenant and a verified PLA ID (por_invalid);
 *  - from 2025-12-01: one must be named (por_required), active, in the distributor's region
 *    and with a verified PLA ID (por_invalid).
 */
int program_check_por(const struct partner *distributor, const struct partner *reseller,
                      instant_t now, struct err *err);

/* self_sale: the customer's tenant is the partner's CSP tenant, the customer belongs to the
 * partner's company (same PGA), or is another CSP partner's transacting tenant (§5). */
int program_check_self_sale(const struct partner *p, const struct customer *c,
                            struct err *err);

/* A reseller transacts only through a distributor with which it has a relationship in effect
 * at `now` (no_relationship); any one of several is enough (program.md §1, nce-rules.md §9). */
int program_check_relationship(const struct partner *distributor,
                               const struct partner *reseller,
                               const struct reseller_relationship *rels, size_t n_rels,
                               instant_t now, struct err *err);

/* Establishing a relationship (program.md §2, §3): a distributor and an indirect reseller
 * (ERR_INVALID otherwise), same region (region_mismatch), reseller has accepted the MPA
 * (mpa_not_accepted). */
int program_check_relationship_new(const struct partner *distributor,
                                   const struct partner *reseller, struct err *err);

/* Only direct-bill partners and distributors transact (not_transacting_partner); they must
 * have accepted the MPA (mpa_not_accepted), program.md §1, §2. */
int program_check_transacting_partner(const struct partner *p, struct err *err);

/* A partner in good standing for `op`: a suspended or deauthorized partner sells no new
 * licences (partner_not_authorized), nce-rules.md §12. */
int program_check_partner_standing(const struct partner *p, enum program_op op,
                                   struct err *err);

/* Everything an order needs, borrowed for one call. */
struct program_order {
    enum program_op op;
    const struct partner *seller;      /* direct-bill partner or distributor */
    const struct partner *reseller;    /* the POR, or NULL */
    const struct customer *customer;
    const struct reseller_relationship *relationships; /* the reseller's, may be NULL if n 0 */
    size_t n_relationships;
    instant_t now;
};

/*
 * The composition run before any order (docs/program.md "Order of checks"), first refusal
 * wins:
 *   1. seller transacts            program_check_transacting_partner
 *   2. seller standing             program_check_partner_standing        (new licences)
 *   3. partner of record           program_check_por / direct-bill names none (POR ops)
 *   4. relationship                program_check_relationship            (reseller named)
 *   5. region                      program_check_region: seller, then reseller
 *   6. self-sale                   program_check_self_sale: seller, then reseller
 *   7. customer agreement          program_check_mca                     (MCA ops)
 * Auto-renewal and cancellation run step 1 only.
 */
int program_check_order(const struct program_order *o, struct err *err);

/* ---------------------------------------------------------------------------------------- */
/* Authorization requirements (program.md §6, nce-rules.md §12).                              */

/* A recorded fact: zero-initialised = unknown (not recorded). */
enum fact_bool { FACT_UNKNOWN = 0, FACT_NO, FACT_YES };
struct fact_count { bool known; int64_t value; };
struct fact_money { bool known; struct dec value; };

enum support_plan {
    SUPPORT_PLAN_UNKNOWN = 0,
    SUPPORT_PLAN_NONE,
    SUPPORT_PLAN_OTHER,     /* a plan below Advanced */
    SUPPORT_PLAN_ADVANCED,  /* Advanced Support for Partners (ASfP) */
    SUPPORT_PLAN_PREMIER,   /* Premier Support for Partners (PSfP) */
};

struct auth_facts {
    struct fact_money ttm_revenue_usd;     /* trailing-12-month CSP revenue, USD */
    struct fact_count admin_users;         /* admin users of the CSP tenant */
    struct fact_count admin_users_with_mfa;
    enum fact_bool security_contact;       /* set in Partner Center */
    struct fact_count alert_response_minutes; /* average time to answer security alerts */
    struct fact_count designations;        /* active Solutions Partner designations */
    struct fact_count reseller_months;     /* months transacting as an indirect reseller */
    enum support_plan support_plan;
    enum fact_bool mpa_accepted;
    enum fact_bool pla_verified;
    enum fact_bool business_email;         /* no personal, disposable or generic address */
};

enum auth_fact {
    AUTH_FACT_TTM_REVENUE,
    AUTH_FACT_SUPPORT_PLAN,
    AUTH_FACT_DESIGNATIONS,
    AUTH_FACT_RESELLER_MONTHS,
    AUTH_FACT_ADMIN_MFA,
    AUTH_FACT_SECURITY_CONTACT,
    AUTH_FACT_ALERT_RESPONSE,
    AUTH_FACT_MPA,
    AUTH_FACT_PLA_VERIFIED,
    AUTH_FACT_BUSINESS_EMAIL,
};

/* One row of the requirement table (authorization.c): data, not code. */
struct auth_requirement {
    const char *id;         /* "ttm_revenue"; unique per kind */
    const char *label;      /* "trailing-12-month CSP revenue" */
    unsigned kinds;         /* PROGRAM_KIND_BIT mask */
    enum auth_fact fact;
    int64_t threshold;      /* USD, count, months, minutes or support plan, per fact */
    const char *scope;      /* "per PLA tenant", "" */
};

enum auth_state { AUTH_MET = 0, AUTH_NOT_MET, AUTH_UNKNOWN };

struct auth_result {
    const struct auth_requirement *req;
    enum auth_state state;
    char detail[160];       /* "trailing-12-month CSP revenue USD 640.00 is below USD 1,000" */
};

#define AUTH_MAX_RESULTS 16

struct auth_report {
    enum partner_kind kind;
    size_t n;
    struct auth_result results[AUTH_MAX_RESULTS];
    size_t met, not_met, unknown;
};

const char *auth_state_name(enum auth_state state);
/* Row i of the requirement table, NULL past the end. */
const struct auth_requirement *program_auth_requirement_at(size_t i);

/* Evaluate every requirement of `kind` against `facts`, in table order. ERR_INVALID for an
 * unknown kind or inconsistent facts (negative counts, more MFA admins than admins). */
int program_authorization_evaluate(enum partner_kind kind, const struct auth_facts *facts,
                                   struct auth_report *out, struct err *err);

/* The month (1..12) of the yearly reassessment: the onboarding anniversary month (§6). */
int program_reassessment_month(struct date onboarded_on);
/* The first day of the next reassessment month on or after `today`'s month, at least one year
 * after onboarding (today inside the anniversary month returns that month). */
struct date program_next_reassessment(struct date onboarded_on, struct date today);
/* The last day to remediate after failing on `failed_on`: failed_on + 30 days (§6). */
struct date program_remediation_deadline(struct date failed_on);

#endif
