/*
 * svc/sub_svc.c — the subscription use cases (see sub_svc.h): a transaction around
 * "load, catch up, decide, store, audit" for each thing a partner does.
 *
 * Every command but the order goes through with_sub(), which does the loading and storing
 * once; the per-command code is only the call into domain/lifecycle/commands.c. A refusal
 * rolls the transaction back, so even the daily-cycle catch-up done before it is left for the
 * daily job (it is idempotent and will find the same work).
 *
 * Orders, seat changes and upgrades also pass the program rules (sub_program_gate) and the
 * catalog data (catalog_check_order, sub_seat_limits). The domain decides first (pure, nothing
 * written); then, so that the refusal priority of scenarios.md holds: subscription_not_active
 * from the domain, else a program refusal, else the domain's own refusal (the MCA second),
 * else a catalog refusal (base_license_required, below/above the seat limits).
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "store/repo_catalog.h"
#include "store/repo_sub_scope.h"
#include "svc/catalog_data.h"
#include "svc/sub_internal.h"

/*
 * A new subscription's id: ordered by its creation instant (id_new_ordered: the instant's
 * seconds, 24 random bits, then 65 random ones). Every index keyed by subscription id (the
 * row's own, its events', its charges') then keeps subscriptions created together side by
 * side, and those are the ones a day's cycle finds due together (same day of the month): the
 * cycle writes a few neighbouring index pages instead of one random page per subscription
 * and index. The creation instant the id shows is the row's created_at, readable anyway.
 */
static int new_sub_id(instant_t now, char out[ID_MAXLEN], struct err *err)
{
    unsigned char r[3];

    if (sodium_init() < 0)
        return err_set(err, ERR_INTERNAL, NULL, "libsodium could not be initialised");
    randombytes_buf(r, sizeof(r));
    return id_new_ordered("sub", (uint64_t)(now > 0 ? now : 0) << 24 |
                                     (uint64_t)r[0] << 16 | (uint64_t)r[1] << 8 | r[2],
                          out, err);
}

static int fail(struct db *db, int rc)
{
    db_rollback(db);
    return rc;
}

static int load_session(struct sub_session *ss, const struct svc_ctx *ctx,
                        const char *customer_id, const char *const *skus, size_t nskus,
                        instant_t now, struct err *err)
{
    memset(ss, 0, sizeof(*ss));
    ss->ctx = ctx;
    if (repo_sub_customer(ctx->db, NULL, customer_id, &ss->cust, err) < 0)
        return -1;
    catalog_init(&ss->cat, ss->cust.market);
    if (repo_catalog_load(ctx->db, skus, nskus, &ss->cat, err) < 0)
        return -1;
    sub_session_bind(ss, now);
    return 0;
}

int sub_order(const struct svc_ctx *ctx, const struct sub_order_req *req, instant_t now,
              char id_out[ID_MAXLEN], struct err *err)
{
    struct sub_session ss;
    struct sub_work w;
    struct lc_order cmd;
    struct lc_out out;
    const char *skus[1] = {req->sku};
    struct err derr;
    int rc = -1, dom;

    memset(&ss, 0, sizeof(ss));
    memset(&w, 0, sizeof(w));
    if (db_begin(ctx->db, err) < 0)
        return -1;
    if (ctx->scope && repo_sub_customer_in_scope(ctx->db, ctx->scope, req->customer_id, err) < 0)
        goto out;
    if (load_session(&ss, ctx, req->customer_id, skus, 1, now, err) < 0)
        goto out;
    memset(&cmd, 0, sizeof(cmd));
    cmd.sku = req->sku;
    cmd.term = req->term;
    cmd.billing = req->billing;
    cmd.quantity = req->quantity;
    cmd.auto_renew = req->auto_renew;
    cmd.has_promotion = req->has_promotion;
    cmd.has_end_date = req->has_end_date;
    dom = lc_cmd_order(&ss.env, &cmd, now, &out, &derr);
    /* program.md §1-§5, then the engine's refusal, then the catalog data (file comment) */
    if (sub_program_gate(ctx->db, ss.cust.id, PROGRAM_OP_NEW_PURCHASE, now, err) < 0)
        goto out;
    if (dom < 0) {
        *err = derr;
        goto out;
    }
    if (catalog_check_order(ctx->db, ss.cust.id, req->sku, req->quantity, err) < 0)
        goto out;
    if (new_sub_id(now, w.row.id, err) < 0)
        goto out;
    snprintf(w.row.partner_id, sizeof(w.row.partner_id), "%s", ss.cust.partner_id);
    snprintf(w.row.customer_id, sizeof(w.row.customer_id), "%s", ss.cust.id);
    snprintf(w.row.name, sizeof(w.row.name), "%s", req->name ? req->name : "");
    w.row.created_at = now;
    sub_init(&w.row.s);
    for (int i = 0; i < out.n; i++)
        if (sub_write_event(&ss, &w, &out.ev[i], NULL, err) < 0)
            goto out;
    if (sub_store(&ss, &w, err) < 0 ||
        svc_audit(ctx, now, "subscription.order", w.row.id, ss.cust.id, NULL, &w.row.s,
                  err) < 0 ||
        db_commit(ctx->db, err) < 0)
        goto out;
    memcpy(id_out, w.row.id, ID_MAXLEN);
    rc = 0;
out:
    sub_session_release(&ss);
    return rc < 0 ? fail(ctx->db, rc) : rc;
}

/* ---- commands on an existing subscription ---- */

/* Which program rules and catalog data a command passes besides the NCE rules. */
enum op_gate { GATE_NONE = 0, GATE_QUANTITY, GATE_UPGRADE };

struct op {
    const char *action;      /* audit action */
    enum op_gate gate;
    const char *extra_sku;   /* another SKU whose prices the command reads, or NULL */
    /* the domain call */
    int (*decide)(const struct op *op, const struct lc_env *env, const struct sub *s,
                  const char *self_id, instant_t now, struct lc_out *out, struct err *err);
    int32_t quantity;
    bool has_quantity, flag;
    const char *sku;
    const char *new_name;
    char new_id[ID_MAXLEN];
    const struct lc_schedule *schedule;
    bool created;            /* set: the command created the subscription new_id */
};

/* program.md §2: seat increases and decreases and upgrades are gated like a purchase. */
static int gate_program(const struct svc_ctx *ctx, const struct op *op, const struct sub_row *r,
                        instant_t now, struct err *err)
{
    enum program_op pop;

    if (op->gate == GATE_UPGRADE)
        pop = PROGRAM_OP_UPGRADE;
    else if (op->gate == GATE_QUANTITY && op->quantity > r->s.quantity)
        pop = PROGRAM_OP_SEAT_INCREASE;
    else if (op->gate == GATE_QUANTITY && op->quantity < r->s.quantity)
        pop = PROGRAM_OP_SEAT_DECREASE;
    else
        return 0;
    return sub_program_gate(ctx->db, r->customer_id, pop, now, err);
}

/* Seat limits of the new count; an upgrade's target as an order of the seats it takes. */
static int gate_catalog(const struct svc_ctx *ctx, const struct op *op, const struct sub_row *r,
                        struct err *err)
{
    if (op->gate == GATE_QUANTITY && op->quantity != r->s.quantity)
        return sub_seat_limits(ctx->db, r->s.sku, op->quantity, err);
    if (op->gate == GATE_UPGRADE)
        return catalog_check_order(ctx->db, r->customer_id, op->sku,
                                   op->has_quantity ? op->quantity : r->s.quantity, err);
    return 0;
}

static int with_sub(const struct svc_ctx *ctx, const char *sub_id, instant_t now,
                    struct op *op, struct err *err)
{
    struct sub_session ss;
    struct sub_work w, child;
    struct sub before;
    struct lc_out out;
    char ref[ID_MAXLEN + 24];
    const char *skus[3];
    size_t nskus = 0;
    struct err derr;
    bool exists;
    int rc = -1, dom;

    memset(&ss, 0, sizeof(ss));
    memset(&w, 0, sizeof(w));
    memset(&child, 0, sizeof(child));
    if (db_begin(ctx->db, err) < 0)
        return -1;
    /* a caller with a scope sees only its tenants' subscriptions, and no never-created one */
    if (ctx->scope && repo_sub_in_scope(ctx->db, ctx->scope, sub_id, err) < 0)
        goto out;
    if (repo_sub_get(ctx->db, NULL, sub_id, &w.row, err) < 0) {
        if (err->code != ERR_NOT_FOUND)
            goto out;
        /* never created: the domain refuses it (subscription_not_active) */
        exists = false;
        ss.ctx = ctx;
        catalog_init(&ss.cat, "");
        sub_session_bind(&ss, now);
        ss.env.mca_accepted = true;
    } else {
        exists = true;
        sub_work_loaded(&w);
        skus[nskus++] = w.row.s.sku;
        if (op->extra_sku)
            skus[nskus++] = op->extra_sku;
        if (w.row.s.has_changes && w.row.s.changes.has_sku)
            skus[nskus++] = w.row.s.changes.sku;
        if (load_session(&ss, ctx, w.row.customer_id, skus, nskus, now, err) < 0 ||
            sub_catch_up(&ss, &w, instant_date(now), err) < 0)
            goto out;
    }
    before = w.row.s;
    /* a partial upgrade's two convert lines share one reference (nce-rules §4, [L9]) */
    snprintf(ref, sizeof(ref), "%s:%lld", w.row.id, (long long)(w.row.s.seq + 1));
    dom = op->decide(op, &ss.env, exists ? &w.row.s : NULL, w.row.id, now, &out, &derr);
    if (dom < 0 && (!exists || strcmp(derr.reason, "subscription_not_active") == 0)) {
        *err = derr;
        goto out;
    }
    if (exists && gate_program(ctx, op, &w.row, now, err) < 0)
        goto out;
    if (dom < 0) {
        *err = derr;
        goto out;
    }
    if (exists && gate_catalog(ctx, op, &w.row, err) < 0)
        goto out;
    for (int i = 0; i < out.n; i++) {
        struct sub_work *tw = out.target[i] ? &child : &w;

        if (out.target[i] && !child.row.id[0]) {
            memcpy(child.row.id, op->new_id, ID_MAXLEN);
            memcpy(child.row.partner_id, w.row.partner_id, ID_MAXLEN);
            memcpy(child.row.customer_id, w.row.customer_id, ID_MAXLEN);
            snprintf(child.row.name, sizeof(child.row.name), "%s",
                     op->new_name ? op->new_name : "");
            child.row.created_at = now;
            sub_init(&child.row.s);
            op->created = true;
        }
        if (sub_write_event(&ss, tw, &out.ev[i], out.n > 1 ? ref : NULL, err) < 0)
            goto out;
    }
    if (sub_store(&ss, &w, err) < 0 || (child.row.id[0] && sub_store(&ss, &child, err) < 0))
        goto out;
    if (w.row.s.seq != before.seq &&
        svc_audit(ctx, now, op->action, w.row.id, w.row.customer_id, &before, &w.row.s,
                  err) < 0)
        goto out;
    if (child.row.id[0] &&
        svc_audit(ctx, now, "subscription.split", child.row.id, child.row.customer_id, NULL,
                  &child.row.s, err) < 0)
        goto out;
    if (db_commit(ctx->db, err) < 0)
        goto out;
    rc = 0;
out:
    sub_session_release(&ss);
    return rc < 0 ? fail(ctx->db, rc) : rc;
}

static int decide_quantity(const struct op *op, const struct lc_env *env, const struct sub *s,
                           const char *self_id, instant_t now, struct lc_out *out,
                           struct err *err)
{
    (void)self_id;
    return lc_cmd_set_quantity(env, s, op->quantity, now, out, err);
}

int sub_change_quantity(const struct svc_ctx *ctx, const char *sub_id, int32_t quantity,
                        instant_t now, struct err *err)
{
    struct op op = {.action = "subscription.set_quantity", .decide = decide_quantity,
                    .gate = GATE_QUANTITY, .quantity = quantity};

    return with_sub(ctx, sub_id, now, &op, err);
}

static int decide_upgrade(const struct op *op, const struct lc_env *env, const struct sub *s,
                          const char *self_id, instant_t now, struct lc_out *out,
                          struct err *err)
{
    return lc_cmd_upgrade(env, s, self_id, op->sku, op->has_quantity, op->quantity,
                          op->new_id, now, out, err);
}

int sub_upgrade(const struct svc_ctx *ctx, const char *sub_id, const char *to_sku,
                bool has_quantity, int32_t quantity, const char *new_name, instant_t now,
                char new_id_out[ID_MAXLEN], struct err *err)
{
    struct op op = {.action = "subscription.upgrade", .decide = decide_upgrade,
                    .gate = GATE_UPGRADE,
                    .extra_sku = to_sku, .sku = to_sku, .has_quantity = has_quantity,
                    .quantity = quantity, .new_name = new_name};

    if (new_id_out)
        new_id_out[0] = '\0';
    if (new_sub_id(now, op.new_id, err) < 0)
        return -1;
    if (with_sub(ctx, sub_id, now, &op, err) < 0)
        return -1;
    /* only a partial upgrade creates the subscription the id was made for */
    if (new_id_out && op.created)
        memcpy(new_id_out, op.new_id, ID_MAXLEN);
    return 0;
}

static int decide_cancel(const struct op *op, const struct lc_env *env, const struct sub *s,
                         const char *self_id, instant_t now, struct lc_out *out,
                         struct err *err)
{
    (void)op;
    (void)self_id;
    return lc_cmd_cancel(env, s, now, out, err);
}

int sub_cancel(const struct svc_ctx *ctx, const char *sub_id, instant_t now, struct err *err)
{
    struct op op = {.action = "subscription.cancel", .decide = decide_cancel};

    return with_sub(ctx, sub_id, now, &op, err);
}

static int decide_suspend(const struct op *op, const struct lc_env *env, const struct sub *s,
                          const char *self_id, instant_t now, struct lc_out *out,
                          struct err *err)
{
    (void)self_id;
    return op->flag ? lc_cmd_suspend(env, s, now, out, err)
                    : lc_cmd_reactivate(env, s, now, out, err);
}

int sub_suspend(const struct svc_ctx *ctx, const char *sub_id, instant_t now, struct err *err)
{
    struct op op = {.action = "subscription.suspend", .decide = decide_suspend, .flag = true};

    return with_sub(ctx, sub_id, now, &op, err);
}

int sub_reactivate(const struct svc_ctx *ctx, const char *sub_id, instant_t now,
                   struct err *err)
{
    struct op op = {.action = "subscription.reactivate", .decide = decide_suspend,
                    .flag = false};

    return with_sub(ctx, sub_id, now, &op, err);
}

static int decide_auto_renew(const struct op *op, const struct lc_env *env,
                             const struct sub *s, const char *self_id, instant_t now,
                             struct lc_out *out, struct err *err)
{
    (void)self_id;
    return lc_cmd_set_auto_renew(env, s, op->flag, now, out, err);
}

int sub_set_auto_renew(const struct svc_ctx *ctx, const char *sub_id, bool value,
                       instant_t now, struct err *err)
{
    struct op op = {.action = "subscription.set_auto_renew", .decide = decide_auto_renew,
                    .flag = value};

    return with_sub(ctx, sub_id, now, &op, err);
}

static int decide_schedule(const struct op *op, const struct lc_env *env, const struct sub *s,
                           const char *self_id, instant_t now, struct lc_out *out,
                           struct err *err)
{
    (void)self_id;
    return lc_cmd_schedule(env, s, op->schedule, now, out, err);
}

int sub_schedule(const struct svc_ctx *ctx, const char *sub_id,
                 const struct lc_schedule *cmd, instant_t now, struct err *err)
{
    struct op op = {.action = "subscription.schedule", .decide = decide_schedule,
                    .schedule = cmd,
                    .extra_sku = cmd->changes.has_sku ? cmd->changes.sku : NULL};

    return with_sub(ctx, sub_id, now, &op, err);
}

/* ---- catalogue upkeep ---- */

static int in_tx(const struct svc_ctx *ctx, int rc, struct err *err)
{
    if (rc < 0) {
        db_rollback(ctx->db);
        return -1;
    }
    return db_commit(ctx->db, err);
}

int catalog_svc_add_price(const struct svc_ctx *ctx, const struct price_point *p,
                          const char *product, const char *source, struct err *err)
{
    struct catalog check;
    int rc;

    /* validate through the domain first: a bad row never reaches the store */
    catalog_init(&check, p->market);
    rc = catalog_add_price(&check, p, err);
    catalog_release(&check);
    if (rc < 0)
        return -1;
    if (db_begin(ctx->db, err) < 0)
        return -1;
    return in_tx(ctx, repo_catalog_add_price(ctx->db, p, product, source, err), err);
}

int catalog_svc_add_path(const struct svc_ctx *ctx, const char *from, const char *to,
                         struct err *err)
{
    if (db_begin(ctx->db, err) < 0)
        return -1;
    return in_tx(ctx, repo_catalog_add_path(ctx->db, from, to, err), err);
}

int catalog_svc_add_rate(const struct svc_ctx *ctx, const struct fx_rate *r, struct err *err)
{
    struct catalog check;
    int rc;

    catalog_init(&check, "");
    rc = catalog_add_rate(&check, r, err);
    catalog_release(&check);
    if (rc < 0)
        return -1;
    if (db_begin(ctx->db, err) < 0)
        return -1;
    return in_tx(ctx, repo_catalog_add_rate(ctx->db, r, err), err);
}
