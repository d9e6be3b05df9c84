/*
 * io/scenario_run.c — running a scenario on the real engine (see scenario.h).
 *
 * A fresh in-memory store per file, migrated like any database (or, for many files, one store
 * emptied between them: migrating costs more than a scenario); one direct-bill partner and
 * one customer in the scenario's market with the MCA accepted, billed in its currency; the
 * price list and upgrade paths stored through the catalogue service. Then every step in order:
 * the daily cycle up to the step's instant first (day_run: Part A 15, the cycle runs before a
 * step at the same instant), then the step through the same service function the API calls.
 * A refusal is recorded with its step index and code; the `expect` block is never read here.
 * At the end the charge lines and states are read back from the store.
 *
 * Scenario subscription names ("S1") map to store ids; a name never ordered is passed on as
 * is, so the services refuse it as never created (subscription_not_active).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/scenario.h"
#include "store/repo_charge.h"
#include "store/repo_sub.h"
#include "svc/sub_svc.h"

struct name_map {
    char name[SCENARIO_NAME_MAX];
    char id[ID_MAXLEN];
};

struct run {
    const struct scenario *sc;
    struct scenario_result *res;
    struct svc_ctx ctx;
    char customer_id[ID_MAXLEN];
    struct name_map *names;
    size_t nnames, capnames;
    size_t capcharges, caprefusals;
};

static void *grow(void *p, size_t *cap, size_t n, size_t elem, struct err *err)
{
    void *q;

    if (n < *cap)
        return p;
    q = realloc(p, (*cap ? *cap * 2 : 16) * elem);
    if (!q) {
        err_set(err, ERR_NOMEM, "", "out of memory running a scenario");
        return NULL;
    }
    *cap = *cap ? *cap * 2 : 16;
    return q;
}

static const char *id_of(const struct run *r, const char *name)
{
    for (size_t i = 0; i < r->nnames; i++)
        if (strcmp(r->names[i].name, name) == 0)
            return r->names[i].id;
    return NULL;
}

static const char *name_of(const struct run *r, const char *id)
{
    for (size_t i = 0; i < r->nnames; i++)
        if (strcmp(r->names[i].id, id) == 0)
            return r->names[i].name;
    return id;
}

static int add_name(struct run *r, const char *name, const char *id, struct err *err)
{
    struct name_map *m = grow(r->names, &r->capnames, r->nnames, sizeof(*m), err);

    if (!m)
        return -1;
    r->names = m;
    snprintf(m[r->nnames].name, sizeof(m->name), "%s", name);
    snprintf(m[r->nnames].id, sizeof(m->id), "%s", id);
    r->nnames++;
    return 0;
}

static int add_refusal(struct run *r, int step, const char *code, const char *msg,
                       struct err *err)
{
    struct scenario_result *res = r->res;
    struct result_refusal *x = grow(res->refusals, &r->caprefusals, res->nrefusals,
                                    sizeof(*x), err);

    if (!x)
        return -1;
    res->refusals = x;
    x = &res->refusals[res->nrefusals++];
    x->step = step;
    snprintf(x->code, sizeof(x->code), "%s", code);
    snprintf(x->msg, sizeof(x->msg), "%s", msg);
    return 0;
}

static int exec(struct db *db, const char *sql, const char *const *args, int nargs,
                struct err *err)
{
    struct db_stmt *st = NULL;
    int rc = -1;

    if (db_prepare(db, sql, &st, err) < 0)
        return -1;
    for (int i = 0; i < nargs; i++)
        if (db_bind_text(st, i + 1, args[i], err) < 0)
            goto out;
    if (db_step(st, err) < 0)
        goto out;
    rc = 0;
out:
    db_finalize(st);
    return rc;
}

/*
 * One direct-bill partner and one customer in `market`, MCA accepted (scenarios.md) unless the
 * file says "customer": {"mca_accepted": false}.
 */
static int setup_parties(struct run *r, struct err *err)
{
    char pid[ID_MAXLEN];
    const char *pa[3], *ca[6];

    if (id_new("prt", pid, err) < 0 || id_new("cus", r->customer_id, err) < 0)
        return -1;
    pa[0] = pid;
    pa[1] = r->sc->market;
    pa[2] = r->sc->currency;
    ca[0] = r->customer_id;
    ca[1] = pid;
    ca[2] = r->sc->market;
    ca[3] = r->sc->market;
    ca[4] = r->sc->currency;
    ca[5] = r->sc->mca_accepted ? "accepted" : "none";
    if (db_begin(r->ctx.db, err) < 0)
        return -1;
    if (exec(r->ctx.db,
             "INSERT INTO partners (id, kind, name, country, currency, mpa_accepted_at, status,"
             " created_at) VALUES (?, 'direct', 'Scenario partner', ?, ?, 0, 'active', 0)",
             pa, 3, err) < 0 ||
        exec(r->ctx.db,
             "INSERT INTO customers (id, owner_partner_id, name, country, market,"
             " billing_currency, mca_status, created_at)"
             " VALUES (?, ?, 'Scenario customer', ?, ?, ?, ?, 0)",
             ca, 6, err) < 0) {
        db_rollback(r->ctx.db);
        return -1;
    }
    return db_commit(r->ctx.db, err);
}

static int setup_catalog(struct run *r, struct err *err)
{
    const struct scenario *sc = r->sc;

    for (size_t i = 0; i < sc->nprices; i++)
        if (catalog_svc_add_price(&r->ctx, &sc->prices[i],
                                  sc->products[i][0] ? sc->products[i] : NULL, "scenario",
                                  err) < 0)
            return -1;
    for (size_t i = 0; i < sc->npaths; i++)
        if (catalog_svc_add_path(&r->ctx, sc->paths[i].from, sc->paths[i].to, err) < 0)
            return -1;
    return 0;
}

static const char *sub_id(const struct run *r, const char *name)
{
    const char *id = id_of(r, name);

    return id ? id : name;
}

/* 0 done, 1 refused (recorded), -1 engine failure. */
static int step_exec(struct run *r, size_t i, struct err *err)
{
    const struct scenario_step *st = &r->sc->steps[i];
    const struct svc_ctx *ctx = &r->ctx;
    char id[ID_MAXLEN], new_id[ID_MAXLEN], new_name[SCENARIO_NAME_MAX + 32];
    int rc = 0;

    switch (st->kind) {
    case DO_ORDER: {
        struct sub_order_req req = {
            .customer_id = r->customer_id, .name = st->sub, .sku = st->sku, .term = st->term,
            .billing = st->billing, .quantity = st->quantity, .auto_renew = st->auto_renew,
            .has_promotion = st->has_promotion, .has_end_date = st->has_end_date};

        if (id_of(r, st->sub))
            return add_refusal(r, (int)i, "subscription_exists",
                               "a subscription of that name already exists", err) < 0
                       ? -1
                       : 1;
        rc = sub_order(ctx, &req, st->at, id, err);
        if (rc == 0 && add_name(r, st->sub, id, err) < 0)
            return -1;
        break;
    }
    case DO_SET_QUANTITY:
        rc = sub_change_quantity(ctx, sub_id(r, st->sub), st->quantity, st->at, err);
        break;
    case DO_UPGRADE:
        snprintf(new_name, sizeof(new_name), "%s", st->new_sub);
        if (!new_name[0])
            snprintf(new_name, sizeof(new_name), "%.*s+%u", SCENARIO_NAME_MAX - 12, st->sub,
                     (unsigned)i);
        rc = sub_upgrade(ctx, sub_id(r, st->sub), st->to_sku, st->has_quantity, st->quantity,
                         new_name, st->at, new_id, err);
        if (rc == 0 && new_id[0]) {
            if (id_of(r, new_name)) {
                /* the name is taken: keep the engine's id visible rather than lose lines */
                snprintf(new_name, sizeof(new_name), "%s", new_id);
            }
            if (add_name(r, new_name, new_id, err) < 0)
                return -1;
        }
        break;
    case DO_CANCEL:
        rc = sub_cancel(ctx, sub_id(r, st->sub), st->at, err);
        break;
    case DO_SUSPEND:
        rc = sub_suspend(ctx, sub_id(r, st->sub), st->at, err);
        break;
    case DO_REACTIVATE:
        rc = sub_reactivate(ctx, sub_id(r, st->sub), st->at, err);
        break;
    case DO_SET_AUTO_RENEW:
        rc = sub_set_auto_renew(ctx, sub_id(r, st->sub), st->value, st->at, err);
        break;
    case DO_SCHEDULE: {
        struct lc_schedule cmd;

        memset(&cmd, 0, sizeof(cmd));
        cmd.action = st->action;
        cmd.changes.has_sku = st->has_sku;
        snprintf(cmd.changes.sku, sizeof(cmd.changes.sku), "%s", st->sku);
        cmd.changes.has_term = st->has_term;
        cmd.changes.term = st->term;
        cmd.changes.has_billing = st->has_billing;
        cmd.changes.billing = st->billing;
        cmd.changes.has_quantity = st->has_quantity;
        cmd.changes.quantity = st->quantity;
        rc = sub_schedule(ctx, sub_id(r, st->sub), &cmd, st->at, err);
        break;
    }
    case DO_PRICE:
        rc = catalog_svc_add_price(ctx, &st->price, NULL, "scenario", err);
        break;
    case DO_RATE:
        rc = catalog_svc_add_rate(ctx, &st->rate, err);
        break;
    case DO_UNTIL:
        break;
    }
    if (rc == 0)
        return 0;
    if (err->code != ERR_REFUSED)
        return -1;
    if (add_refusal(r, (int)i, err_reason(err), err->msg, err) < 0)
        return -1;
    err_clear(err);
    return 1;
}

static int collect_charge(void *vctx, const struct charge_row *row)
{
    struct run *r = vctx;
    struct scenario_result *res = r->res;
    struct result_charge *c;
    struct err e;

    c = grow(res->charges, &r->capcharges, res->ncharges, sizeof(*c), &e);
    if (!c)
        return -1;
    res->charges = c;
    c = &res->charges[res->ncharges++];
    snprintf(c->sub, sizeof(c->sub), "%s", name_of(r, row->subscription_id));
    c->line = row->line;
    return 0;
}

static int collect(struct run *r, struct err *err)
{
    struct scenario_result *res = r->res;

    if (repo_charge_each(r->ctx.db, NULL, collect_charge, r, err) < 0)
        return -1;
    res->states = calloc(r->nnames ? r->nnames : 1, sizeof(*res->states));
    if (!res->states)
        return err_set(err, ERR_NOMEM, "", "out of memory running a scenario");
    for (size_t i = 0; i < r->nnames; i++) {
        struct sub_row row;

        if (repo_sub_get(r->ctx.db, NULL, r->names[i].id, &row, err) < 0)
            return -1;
        snprintf(res->states[i].sub, sizeof(res->states[i].sub), "%s", r->names[i].name);
        res->states[i].s = row.s;
        res->nstates++;
    }
    /* self-check: every state is the fold of its events, every line its event's bill */
    for (size_t i = 0; i < r->nnames; i++) {
        struct sub_verify v;

        if (sub_verify(&r->ctx, r->names[i].id, &v, err) < 0)
            return -1;
        if (v.diffs)
            return err_set(err, ERR_INTERNAL, "", "engine self-check failed for %s: %s",
                           r->names[i].name, v.first);
    }
    return 0;
}

struct scenario_store {
    struct db *db;
    bool used; /* a scenario ran in it since it was made or emptied */
};

int scenario_store_open(struct scenario_store **out, struct err *err)
{
    struct scenario_store *st = calloc(1, sizeof(*st));

    *out = NULL;
    if (!st)
        return err_set(err, ERR_NOMEM, "", "out of memory opening a scenario store");
    if (id_init(err) < 0 || db_open(":memory:", &st->db, err) < 0 || db_migrate(st->db, err) < 0) {
        scenario_store_close(st);
        return -1;
    }
    *out = st;
    return 0;
}

void scenario_store_close(struct scenario_store *st)
{
    if (!st)
        return;
    db_close(st->db);
    free(st);
}

/* Empty every table a scenario writes (children first); -1 when the store must be remade. */
static int store_empty(struct scenario_store *st, struct err *err)
{
    static const char *const tables[] = {
        "audit_log", "charges", "subscription_events", "subscriptions", "price_points",
        "upgrade_paths", "exchange_rates", "customers", "partners",
    };
    char sql[64];

    if (db_begin(st->db, err) < 0)
        return -1;
    for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
        snprintf(sql, sizeof(sql), "DELETE FROM %s", tables[i]);
        if (db_exec(st->db, sql, err) < 0) {
            db_rollback(st->db);
            return -1;
        }
    }
    return db_commit(st->db, err);
}

int scenario_run_in(struct scenario_store *st, const struct scenario *sc,
                    struct scenario_result *res, struct err *err)
{
    struct run r;
    int rc = -1;

    memset(res, 0, sizeof(*res));
    memset(&r, 0, sizeof(r));
    if (st->used && store_empty(st, err) < 0) {
        struct db *fresh = NULL;

        /* something else holds rows: start over on a new store */
        if (db_open(":memory:", &fresh, err) < 0 || db_migrate(fresh, err) < 0) {
            db_close(fresh);
            return -1;
        }
        db_close(st->db);
        st->db = fresh;
    }
    st->used = true;
    r.sc = sc;
    r.res = res;
    r.ctx.db = st->db;
    r.ctx.actor = "scenario";
    if (setup_parties(&r, err) < 0 || setup_catalog(&r, err) < 0)
        goto out;
    for (size_t i = 0; i < sc->nsteps; i++) {
        /* Part A 1, 15: the daily cycle up to the step's instant runs first */
        if (day_run(&r.ctx, sc->steps[i].at, NULL, err) < 0)
            goto out;
        if (step_exec(&r, i, err) < 0)
            goto out;
    }
    if (collect(&r, err) < 0)
        goto out;
    rc = 0;
out:
    free(r.names);
    if (rc < 0)
        scenario_result_release(res);
    return rc;
}

int scenario_run(const struct scenario *sc, struct scenario_result *res, struct err *err)
{
    struct scenario_store *st;
    int rc;

    memset(res, 0, sizeof(*res));
    if (scenario_store_open(&st, err) < 0)
        return -1;
    rc = scenario_run_in(st, sc, res, err);
    scenario_store_close(st);
    return rc;
}

void scenario_result_release(struct scenario_result *res)
{
    free(res->charges);
    free(res->refusals);
    free(res->states);
    memset(res, 0, sizeof(*res));
}
