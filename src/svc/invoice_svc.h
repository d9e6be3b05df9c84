/*
 * svc/invoice_svc.h — customer and reseller billing use cases: rate Microsoft's charges, close
 * a billing period into invoices, and move invoices through their life (issue 7;
 * docs/billing.md). The CLI (`cspd invoice ...`) and the API (/v1/invoices...) call these.
 *
 * Close of period P ("YYYY-MM": from the issuer's period day D of that month to day D-1 of the
 * next; D = 1, the default, is the calendar month; domain/invoice "Billing periods"), for
 * every issuer — distributors and direct-bill partners first, then resellers, because a
 * reseller's cost is its distributor's price — in ONE transaction per issuer (an issuer whose
 * P starts after the close date is left out):
 *   1. a period already closed for the issuer: nothing at all (running twice changes nothing);
 *   2. rate every Microsoft charge line starting on or before P's last day that the issuer
 *      sells and has not rated yet (domain/pricing), one rated line per charge and tier,
 *      whose period is the seller's period holding its start date;
 *   3. group the issuer's rated lines of P not yet invoiced by billed party and currency into
 *      one invoice each; late lines of earlier periods the issuer has already closed (a late
 *      Microsoft charge for a closed month) join as adjustments — a finalized invoice is never
 *      edited; lines of an earlier period not yet closed wait for that period's own close;
 *   4. finalize: take the next number of the issuer's INV series for the year of the close
 *      date in the same transaction (gapless, never reused), set issue and due dates;
 *   5. record the period as closed.
 * With `draft`, steps 4-5 are skipped: draft invoices are (re)built and a later close
 * finalizes them. A failure (e.g. a missing exchange rate) rolls that issuer back and stops.
 *
 * Alerts go to the outbox in the same transaction (topic "alert.below_cost"): a line rated
 * below cost by a rule that did not allow it, and a rule created with allow_below_cost.
 */
#ifndef CSPD_SVC_INVOICE_SVC_H
#define CSPD_SVC_INVOICE_SVC_H

#include <stdbool.h>
#include <stddef.h>

#include "core/date.h"
#include "core/err.h"
#include "core/id.h"
#include "domain/invoice/invoice.h"
#include "store/db.h"
#include "store/scope.h"

/*
 * Who acts. `scope` is the signed-in caller (API): its user id, scope and request id go on
 * every audit row, and a partner caller's close visits only the issuers it may see. NULL is
 * the installation (CLI, jobs, demo): the audit row's actor is then `actor`.
 */
struct bill_ctx {
    struct db *db;
    const char *actor;          /* installation runs: actor for the audit log; NULL "system" */
    const char *request_id;     /* may be NULL (the scope's wins when it has one) */
    const struct scope *scope;  /* the caller; NULL = the installation */
};

struct close_stats {
    size_t issuers;         /* issuers visited */
    size_t already_closed;  /* of them, with the period closed before */
    size_t rated;           /* rated lines made (licence and usage) */
    size_t usage_rated;     /* of them, of Azure usage charges */
    size_t invoices;        /* invoices made (finalized, or drafts) */
    size_t adjustments;     /* lines of earlier periods put on this period's invoices */
    size_t alerts;          /* below-cost alerts written */
    size_t not_started;     /* issuers left out: their period starts after the close date */
};

/* Close `period` ("2026-11") as described above, for the issuers ctx->scope may see. */
int invoice_close(const struct bill_ctx *ctx, const char *period, bool draft, instant_t now,
                  struct close_stats *stats, struct err *err);

/*
 * The daily cycle's close step: on `day`, every issuer whose close day (billing_settings.
 * close_day, default 1) is on or before day's day of the month closes its period due
 * (domain/invoice invoice_period_due: the latest period that ended before its close day of
 * day's month), unless already closed (a missed run catches up later in the month; a closed
 * period is skipped, so running it every day changes nothing twice). period receives the
 * previous calendar month: the one due for issuers on calendar months.
 */
int invoice_close_due(const struct bill_ctx *ctx, struct date day, instant_t now,
                      char period[INVOICE_PERIOD_MAX], struct close_stats *stats,
                      struct err *err);

/*
 * An issuer's billing days (svc/invoice_settings.c; docs/billing.md "Billing periods"):
 * period_day, the day its periods start on (1 = calendar months), and close_day, the day of
 * the month the daily close step runs from. Both 1..28 (ERR_INVALID naming the field).
 * _set: 0 keeps a value. The anchor cannot change once the issuer has billed — closed a
 * period or rated a line (ERR_CONFLICT "period_day_in_use"): its periods would move under
 * what is already billed. A partner's staff read and set their own partner's; the
 * installation anyone's (ERR_NOT_FOUND "partner_id" otherwise). Audited
 * (billing_settings.update).
 */
struct billing_days {
    int period_day;
    int close_day;
};
int invoice_days_get(const struct bill_ctx *ctx, const char *partner_id,
                     struct billing_days *out, struct err *err);
int invoice_days_set(const struct bill_ctx *ctx, const char *partner_id, int period_day,
                     int close_day, instant_t now, struct billing_days *out, struct err *err);

/* finalized -> paid / void (domain/invoice checks); ERR_NOT_FOUND outside the scope. */
int invoice_mark_paid(const struct bill_ctx *ctx, const struct scope *sc, const char *id,
                      instant_t now, struct err *err);
int invoice_void(const struct bill_ctx *ctx, const struct scope *sc, const char *id,
                 instant_t now, struct err *err);
/*
 * A credit note cancelling a finalized (or paid) invoice in full: the same lines negated, its
 * own CN number, finalized at once. One per invoice (ERR_CONFLICT "already_credited").
 */
int invoice_credit(const struct bill_ctx *ctx, const struct scope *sc, const char *id,
                   instant_t now, char out_id[ID_MAXLEN], struct err *err);

/* Write an outbox row in the caller's transaction (shared with invoice_rules.c). */
int bill_outbox(struct db *db, const char *topic, const char *payload, instant_t now,
                struct err *err);
/*
 * The audit row of a billing change, through svc/audit.h (audit_write) in the caller's
 * transaction, stamped with the business clock's `now`. The row's tenant is `partner_id`
 * (the issuer of an invoice, the seller of a rule), so that partner's staff see it in
 * GET /v1/audit. before/after are JSON texts or NULL.
 */
int bill_audit(const struct bill_ctx *ctx, instant_t now, const char *action,
               const char *object_type, const char *object_id, const char *partner_id,
               const char *before_json, const char *after_json, struct err *err);
#define BILL_JSON_MAX 384
/* An invoice's audit JSON with `status` (number, kind, status, period, total); -1: too long. */
int bill_invoice_json(const struct invoice *inv, enum invoice_status status, char *buf,
                      size_t cap);

#endif
