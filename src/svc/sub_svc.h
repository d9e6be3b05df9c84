/*
 * svc/sub_svc.h — the NCE subscription use cases: one function per thing a partner does to a
 * subscription, plus the daily cycle. The API, the CLI and the scenario runner all call these
 * (DESIGN.md: edges -> svc -> domain, svc -> store).
 *
 * Each use case: opens a transaction on the store, loads the subscription, its customer and
 * the catalogue rows it needs, first catches the subscription up with the daily cycle to `now`
 * (nce-rules.md Part A 15: the cycle runs before any step at that instant), asks the domain
 * (domain/lifecycle/commands.h), and stores what it decided — events, charge lines, the new
 * state, an audit row — then commits. A refusal rolls back and returns -1 with err->code
 * ERR_REFUSED and err->reason the NCE reason code; nothing is written.
 *
 * Orders, seat changes and upgrades also pass the program rules (program_check_order:
 * seller, partner of record, relationship, region, self-sale; program.md) and the catalog
 * data (seat limits, base-licence prerequisites; catalog_check_order). Their refusals rank
 * after subscription_not_active and before every other NCE reason; the MCA stays the
 * domain's own gate (mca_not_accepted, second in scenarios.md's priority).
 *
 * The caller owns `struct svc_ctx` and the database handle; no function here keeps a pointer.
 */
#ifndef CSPD_SVC_SUB_SVC_H
#define CSPD_SVC_SUB_SVC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/date.h"
#include "core/err.h"
#include "core/id.h"
#include "domain/catalog/catalog.h"
#include "domain/lifecycle/commands.h"
#include "store/db.h"
#include "store/scope.h"

struct svc_ctx {
    struct db *db;
    const char *actor;      /* user or token id for the audit log; NULL = "system" */
    const char *request_id; /* for the audit log; may be NULL */
    /*
     * The caller's tenant scope (API, CLI), or NULL for the engine's own callers (the
     * scenario runner, the demo, the daily cycle). With a scope, a subscription or customer
     * outside it — or one that does not exist — is ERR_NOT_FOUND, and the audit rows carry
     * the scope's actor and request id (docs/subscriptions.md). Without one, a never-created
     * subscription is refused as subscription_not_active (scenarios.md).
     */
    const struct scope *scope;
};

struct sub_order_req {
    const char *customer_id;
    const char *name;       /* friendly name, may be NULL */
    const char *sku;
    enum term term;
    enum billing billing;
    int32_t quantity;
    bool auto_renew;
    bool has_promotion;     /* refused for now (not_supported) */
    bool has_end_date;      /* customTermEndDate: refused for now (not_supported) */
};

/* A new subscription; its id is written to id_out. */
int sub_order(const struct svc_ctx *ctx, const struct sub_order_req *req, instant_t now,
              char id_out[ID_MAXLEN], struct err *err);
int sub_change_quantity(const struct svc_ctx *ctx, const char *sub_id, int32_t quantity,
                        instant_t now, struct err *err);
/*
 * Upgrade to `to_sku`: all seats when !has_quantity or quantity equals the current count;
 * fewer make a partial upgrade whose new subscription's id is written to new_id_out (and named
 * `new_name`, may be NULL).
 */
int sub_upgrade(const struct svc_ctx *ctx, const char *sub_id, const char *to_sku,
                bool has_quantity, int32_t quantity, const char *new_name, instant_t now,
                char new_id_out[ID_MAXLEN], struct err *err);
int sub_cancel(const struct svc_ctx *ctx, const char *sub_id, instant_t now, struct err *err);
int sub_suspend(const struct svc_ctx *ctx, const char *sub_id, instant_t now, struct err *err);
int sub_reactivate(const struct svc_ctx *ctx, const char *sub_id, instant_t now,
                   struct err *err);
int sub_set_auto_renew(const struct svc_ctx *ctx, const char *sub_id, bool value,
                       instant_t now, struct err *err);
int sub_schedule(const struct svc_ctx *ctx, const char *sub_id,
                 const struct lc_schedule *cmd, instant_t now, struct err *err);

struct day_stats {
    size_t subscriptions; /* visited: had something due */
    size_t events;
    size_t charges;
    size_t renewed, cycles, est_months, expired;
};

/*
 * The daily cycle (nce-rules.md Part A 1): every cycle charge, renewal, EST month and expiry
 * due at 00:00 UTC of any day up to and including the day of `until` (whose 00:00 is <= until).
 * Idempotent: a second run for the same day finds nothing due and changes nothing. Commits in
 * batches; a failure stops the run with the batch rolled back (earlier batches stay done, and
 * the next run resumes).
 */
int day_run(const struct svc_ctx *ctx, instant_t until, struct day_stats *stats,
            struct err *err);

/*
 * Recompute a subscription from its event log (charges-verify): fold the events from nothing,
 * bill each from (state before, event, state after) with the exchange rates now stored, and
 * compare with the stored state and charge lines. Read-only. `diffs` counts disagreements
 * (described first in `first`); `fx_changed` counts lines whose billing-currency amount the
 * rates stored now would give otherwise (a rate recorded after the line was billed but
 * effective before it) — lines are billed with the rates known when they are billed.
 */
struct sub_verify {
    size_t events;
    size_t lines;      /* recomputed */
    size_t diffs;
    size_t fx_changed;
    char first[256];
};
int sub_verify(const struct svc_ctx *ctx, const char *sub_id, struct sub_verify *out,
               struct err *err);

/* Catalogue upkeep used by importers, the API and the scenario runner (one transaction each). */
int catalog_svc_add_price(const struct svc_ctx *ctx, const struct price_point *p,
                          const char *product, const char *source, struct err *err);
int catalog_svc_add_path(const struct svc_ctx *ctx, const char *from, const char *to,
                         struct err *err);
int catalog_svc_add_rate(const struct svc_ctx *ctx, const struct fx_rate *r, struct err *err);

#endif
