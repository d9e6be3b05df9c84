/*
 * svc/sub_internal.h — what the subscription use cases (sub_svc.c) and the daily cycle
 * (day.c) share: a session (customer, catalogue, the domain's environment) and the one path
 * by which an event reaches the store (apply, bill, append, write lines). Not for other
 * modules.
 */
#ifndef CSPD_SVC_SUB_INTERNAL_H
#define CSPD_SVC_SUB_INTERNAL_H

#include "domain/billing/charge.h"
#include "domain/lifecycle/commands.h"
#include "domain/program/program.h"
#include "store/repo_sub.h"
#include "svc/sub_svc.h"

/*
 * A subscription being worked on: its row, the version the store holds (0: not yet) and the
 * state it was loaded with (to rewrite only the snapshot when no queried column changed).
 */
struct sub_work {
    struct sub_row row;
    int64_t stored_seq;
    struct sub loaded;
};

/* After loading w->row from the store: remember what is stored. */
void sub_work_loaded(struct sub_work *w);

struct sub_session {
    const struct svc_ctx *ctx;
    struct sub_customer cust;
    struct catalog cat;       /* the catalogue (owned unless `view`) */
    bool view;                /* cat is a market view of a catalogue owned elsewhere */
    struct lc_env env;
    struct billing_env benv;
    struct day_stats *stats;  /* may be NULL */
    struct stmt_cache *stmts; /* prepared statements for a long run; may be NULL */
};

/* Customer's MCA valid at `now` (program.md §2, via domain/program). */
bool svc_customer_mca_ok(const struct sub_customer *c, instant_t now);
/* Fill env/benv from the customer and the catalogue (after cust and cat are set). */
void sub_session_bind(struct sub_session *ss, instant_t now);
void sub_session_release(struct sub_session *ss);
/*
 * Apply `ev` to w, compute its charge lines, and write: the row first when it is new, then the
 * event and its lines. `reference` (may be NULL) links lines of different subscriptions
 * (partial upgrade); by default an event's lines share "<sub id>:<seq>".
 */
int sub_write_event(struct sub_session *ss, struct sub_work *w, const struct lc_event *ev,
                    const char *reference, struct err *err);
/* Run the daily cycle for one subscription up to `day` (Part A 15: before any step). */
int sub_catch_up(struct sub_session *ss, struct sub_work *w, struct date day, struct err *err);
/* Store the row when events changed it (optimistic: ERR_CONFLICT if someone else did). */
int sub_store(struct sub_session *ss, struct sub_work *w, struct err *err);
/*
 * The program rules of an order-like command (sub_rules.c): program_check_order for `op` with
 * the customer's seller, partner of record and relationships read from the store. The MCA
 * step is left to the engine (lc_env.mca_accepted), so its refusal is not reported here.
 */
int sub_program_gate(struct db *db, const char *customer_id, enum program_op op, instant_t now,
                     struct err *err);
/* The SKU's seat minimum and maximum (catalog data) for a subscription of `quantity` seats:
 * below_seat_minimum / above_seat_maximum; no row, no limit. */
int sub_seat_limits(struct db *db, const char *sku, int32_t quantity, struct err *err);
/*
 * One audit_log row for a change of a subscription, in the current transaction, through
 * audit_write (svc/audit.h): actor and request id from ctx->scope (or ctx->actor and
 * ctx->request_id without one), filed under the subscription's customer `customer_id`.
 */
int svc_audit(const struct svc_ctx *ctx, instant_t at, const char *action,
              const char *object_id, const char *customer_id, const struct sub *before,
              const struct sub *after, struct err *err);
/* One installation-wide audit_log row with a ready JSON text as `after` (summaries, e.g. of
 * a daily run). */
int svc_audit_note(const struct svc_ctx *ctx, instant_t at, const char *action,
                   const char *object_type, const char *object_id, const char *after_json,
                   struct err *err);

#endif
