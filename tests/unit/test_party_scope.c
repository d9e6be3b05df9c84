/*
 * tests/unit/test_party_scope.c — tenancy of the parties: who sees which partners,
 * relationships and customers, enforced by the store (store/scope.c through
 * store/repo_party*.c), on a fresh migrated ":memory:" store.
 *
 * One book for every test (built through svc/ with the installation's scope):
 *
 *   D1 distributor DE ── R1 reseller DE ── C1 (D1+R1)
 *                    └── R2 reseller FR ── C2 (D1+R2)
 *   D2 distributor FR ── R2               ── C5 (D2+R2)   R2 has two distributors
 *                    └── R3 reseller GB ── C3 (D2+R3)
 *   P  direct-bill DE ─────────────────── C4 (P)
 *
 * The matrix: the installation sees everything; a distributor itself, its resellers and the
 * customers it distributes (D1 never sees C5, R2's customer through D2); a reseller itself and
 * its own customers; a direct-bill partner itself and its customers; a customer only itself.
 * Outside the scope, get/update/end answer ERR_NOT_FOUND exactly as for an id that does not
 * exist, and an insert that would land outside the scope is refused and rolled back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/date.h"
#include "core/id.h"
#include "store/db.h"
#include "store/repo_party.h"
#include "store/scope.h"
#include "svc/party.h"

/* 2026-05-01T00:00:00Z */
#define NOW ((instant_t)1777593600)

struct world {
    struct db *db;
    char d1[ID_MAXLEN], d2[ID_MAXLEN], r1[ID_MAXLEN], r2[ID_MAXLEN], r3[ID_MAXLEN];
    char p[ID_MAXLEN];
    char c1[ID_MAXLEN], c2[ID_MAXLEN], c3[ID_MAXLEN], c4[ID_MAXLEN], c5[ID_MAXLEN];
    char rel_d1r1[ID_MAXLEN];
};

static struct scope installation(void)
{
    struct scope s;

    scope_init_installation(&s);
    return s;
}

static struct scope partner_scope(const char *id)
{
    struct scope s;

    memset(&s, 0, sizeof(s));
    s.kind = SCOPE_PARTNER;
    s.role = ROLE_ADMIN;
    snprintf(s.partner_id, sizeof(s.partner_id), "%s", id);
    snprintf(s.user_id, sizeof(s.user_id), "usr_test");
    return s;
}

static struct scope customer_scope(const char *id)
{
    struct scope s;

    memset(&s, 0, sizeof(s));
    s.kind = SCOPE_CUSTOMER;
    s.role = ROLE_PORTAL;
    snprintf(s.customer_id, sizeof(s.customer_id), "%s", id);
    return s;
}

static void partner(struct world *w, const char *kind, const char *name, const char *country,
                    char id[ID_MAXLEN])
{
    struct scope s = installation();
    struct party_partner out;
    struct err err;
    json_t *in = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:b}", "kind", kind, "name", name,
                           "country", country, "currency", "EUR", "pla_id", "1234567",
                           "pla_verified", 1, "csp_tenant_active", 1);
    json_t *mpa = json_pack("{s:s, s:s}", "accepted_on", "2026-01-15", "accepted_by",
                            "admin@example.com");

    err_clear(&err);
    if (svc_partner_create(w->db, &s, NOW, in, &out, &err) != 0)
        fail_msg("create partner %s: %s (%s)", name, err.msg, err.field);
    if (svc_partner_accept_mpa(w->db, &s, NOW, out.p.id, mpa, &out, &err) != 0)
        fail_msg("mpa %s: %s", name, err.msg);
    memcpy(id, out.p.id, ID_MAXLEN);
    json_decref(in);
    json_decref(mpa);
}

static void relate(struct world *w, const char *d, const char *r, char *id_out)
{
    struct scope s = installation();
    struct party_relationship out;
    struct err err;
    json_t *in = json_pack("{s:s, s:s}", "distributor_id", d, "reseller_id", r);

    err_clear(&err);
    if (svc_relationship_establish(w->db, &s, NOW, in, &out, &err) != 0)
        fail_msg("relationship: %s", err.msg);
    if (id_out)
        memcpy(id_out, out.id, ID_MAXLEN);
    json_decref(in);
}

static void customer(struct world *w, const char *name, const char *direct, const char *d,
                     const char *r, char id[ID_MAXLEN])
{
    struct scope s = installation();
    struct party_customer out;
    struct err err;
    json_t *in = json_pack("{s:s, s:s, s:s}", "name", name, "country", "DE",
                           "billing_currency", "EUR");

    if (direct)
        json_object_set_new(in, "partner_id", json_string(direct));
    else {
        json_object_set_new(in, "distributor_id", json_string(d));
        json_object_set_new(in, "reseller_id", json_string(r));
    }
    err_clear(&err);
    if (svc_customer_create(w->db, &s, NOW, in, &out, &err) != 0)
        fail_msg("customer %s: %s (%s, %s)", name, err.msg, err_reason(&err), err.field);
    memcpy(id, out.c.id, ID_MAXLEN);
    json_decref(in);
}

static int setup(void **state)
{
    struct world *w = calloc(1, sizeof(*w));
    struct err err;

    err_clear(&err);
    assert_non_null(w);
    assert_int_equal(id_init(&err), 0);
    assert_int_equal(db_open(":memory:", &w->db, &err), 0);
    assert_int_equal(db_migrate(w->db, &err), 0);
    partner(w, "distributor", "Dist One", "DE", w->d1);
    partner(w, "distributor", "Dist Two", "FR", w->d2);
    partner(w, "indirect_reseller", "Reseller One", "DE", w->r1);
    partner(w, "indirect_reseller", "Reseller Two", "FR", w->r2);
    partner(w, "indirect_reseller", "Reseller Three", "GB", w->r3);
    partner(w, "direct_bill", "Direct", "DE", w->p);
    relate(w, w->d1, w->r1, w->rel_d1r1);
    relate(w, w->d1, w->r2, NULL);
    relate(w, w->d2, w->r2, NULL);
    relate(w, w->d2, w->r3, NULL);
    customer(w, "C1", NULL, w->d1, w->r1, w->c1);
    customer(w, "C2", NULL, w->d1, w->r2, w->c2);
    customer(w, "C3", NULL, w->d2, w->r3, w->c3);
    customer(w, "C4", w->p, NULL, NULL, w->c4);
    customer(w, "C5", NULL, w->d2, w->r2, w->c5);
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    struct world *w = *state;

    db_close(w->db);
    free(w);
    return 0;
}

/* ---- collecting lists as sorted, comma-joined name sets ---------------------------------- */

struct names {
    char text[512];
    char items[16][PROGRAM_NAME_LEN];
    int n;
};

static int cmp_names(const void *a, const void *b)
{
    return strcmp(a, b);
}

static const char *names_join(struct names *ns)
{
    qsort(ns->items, (size_t)ns->n, sizeof(ns->items[0]), cmp_names);
    ns->text[0] = '\0';
    for (int i = 0; i < ns->n; i++) {
        strcat(ns->text, i ? "," : "");
        strcat(ns->text, ns->items[i]);
    }
    return ns->text;
}

static int add_partner(void *ctx, const struct party_partner *p)
{
    struct names *ns = ctx;

    snprintf(ns->items[ns->n++], PROGRAM_NAME_LEN, "%s", p->p.name);
    return 0;
}

static int add_customer(void *ctx, const struct party_customer *c)
{
    struct names *ns = ctx;

    snprintf(ns->items[ns->n++], PROGRAM_NAME_LEN, "%s", c->c.name);
    return 0;
}

static int add_rel(void *ctx, const struct party_relationship *r)
{
    (void)r;
    ((struct names *)ctx)->n++;
    return 0;
}

static const char *partners_seen(struct world *w, const struct scope *s, struct names *ns)
{
    struct err err;

    memset(ns, 0, sizeof(*ns));
    err_clear(&err);
    if (repo_partner_list(w->db, s, NULL, add_partner, ns, NULL, &err) != 0)
        fail_msg("list partners: %s", err.msg);
    return names_join(ns);
}

static const char *customers_seen(struct world *w, const struct scope *s, struct names *ns)
{
    struct err err;

    memset(ns, 0, sizeof(*ns));
    err_clear(&err);
    if (repo_customer_list(w->db, s, NULL, add_customer, ns, NULL, &err) != 0)
        fail_msg("list customers: %s", err.msg);
    return names_join(ns);
}

static int relationships_seen(struct world *w, const struct scope *s)
{
    struct names ns;
    struct err err;

    memset(&ns, 0, sizeof(ns));
    err_clear(&err);
    if (repo_relationship_list(w->db, s, NULL, add_rel, &ns, NULL, &err) != 0)
        fail_msg("list relationships: %s", err.msg);
    return ns.n;
}

/* ---- the matrix ---------------------------------------------------------------------------- */

static void test_installation_sees_everything(void **state)
{
    struct world *w = *state;
    struct scope s = installation();
    struct names ns;

    assert_string_equal(partners_seen(w, &s, &ns),
                        "Direct,Dist One,Dist Two,Reseller One,Reseller Three,Reseller Two");
    assert_string_equal(customers_seen(w, &s, &ns), "C1,C2,C3,C4,C5");
    assert_int_equal(relationships_seen(w, &s), 4);
}

static void test_distributor_sees_its_resellers_and_their_customers(void **state)
{
    struct world *w = *state;
    struct scope d1 = partner_scope(w->d1), d2 = partner_scope(w->d2);
    struct names ns;

    assert_string_equal(partners_seen(w, &d1, &ns), "Dist One,Reseller One,Reseller Two");
    /* C5 is Reseller Two's customer through Dist Two: not in Dist One's book. */
    assert_string_equal(customers_seen(w, &d1, &ns), "C1,C2");
    assert_int_equal(relationships_seen(w, &d1), 2);
    assert_string_equal(partners_seen(w, &d2, &ns), "Dist Two,Reseller Three,Reseller Two");
    assert_string_equal(customers_seen(w, &d2, &ns), "C3,C5");
}

static void test_reseller_sees_only_its_own(void **state)
{
    struct world *w = *state;
    struct scope r1 = partner_scope(w->r1), r2 = partner_scope(w->r2);
    struct names ns;

    assert_string_equal(partners_seen(w, &r1, &ns), "Reseller One");
    assert_string_equal(customers_seen(w, &r1, &ns), "C1");
    assert_int_equal(relationships_seen(w, &r1), 1);
    /* Two distributors: its customers through both, and both relationships. */
    assert_string_equal(partners_seen(w, &r2, &ns), "Reseller Two");
    assert_string_equal(customers_seen(w, &r2, &ns), "C2,C5");
    assert_int_equal(relationships_seen(w, &r2), 2);
}

static void test_direct_bill_sees_only_its_own(void **state)
{
    struct world *w = *state;
    struct scope p = partner_scope(w->p);
    struct names ns;

    assert_string_equal(partners_seen(w, &p, &ns), "Direct");
    assert_string_equal(customers_seen(w, &p, &ns), "C4");
    assert_int_equal(relationships_seen(w, &p), 0);
}

static void test_customer_sees_only_itself(void **state)
{
    struct world *w = *state;
    struct scope c1 = customer_scope(w->c1);
    struct party_customer c;
    struct names ns;
    struct err err;

    assert_string_equal(partners_seen(w, &c1, &ns), "");
    assert_string_equal(customers_seen(w, &c1, &ns), "C1");
    assert_int_equal(relationships_seen(w, &c1), 0);
    err_clear(&err);
    assert_int_equal(repo_customer_get(w->db, &c1, w->c1, &c, &err), 0);
    assert_string_equal(c.c.name, "C1");
    assert_int_equal(repo_customer_get(w->db, &c1, w->c2, &c, &err), -1);
    assert_int_equal(err.code, ERR_NOT_FOUND);
}

/* Out of scope reads look exactly like missing ids. */
static void test_out_of_scope_is_not_found(void **state)
{
    struct world *w = *state;
    struct scope r1 = partner_scope(w->r1), p = partner_scope(w->p), d1 = partner_scope(w->d1);
    struct party_customer c;
    struct party_partner pp;
    struct party_relationship rel;
    struct err err, missing;

    err_clear(&err);
    err_clear(&missing);
    assert_int_equal(repo_customer_get(w->db, &r1, w->c2, &c, &err), -1);
    assert_int_equal(err.code, ERR_NOT_FOUND);
    assert_int_equal(repo_customer_get(w->db, &r1, "cus_aaaaaaaaaaaaaaaaaaaaaaaaaa", &c,
                                       &missing), -1);
    assert_int_equal(missing.code, ERR_NOT_FOUND);
    assert_string_equal(err.field, missing.field);
    assert_int_equal(repo_customer_get(w->db, &p, w->c1, &c, &err), -1);
    assert_int_equal(err.code, ERR_NOT_FOUND);
    assert_int_equal(repo_customer_get(w->db, &d1, w->c5, &c, &err), -1);
    assert_int_equal(err.code, ERR_NOT_FOUND);
    assert_int_equal(repo_partner_get(w->db, &r1, w->d1, &pp, &err), -1);
    assert_int_equal(err.code, ERR_NOT_FOUND);
    assert_int_equal(repo_partner_get(w->db, &d1, w->r3, &pp, &err), -1);
    assert_int_equal(err.code, ERR_NOT_FOUND);
    assert_int_equal(repo_partner_get(w->db, &d1, w->r1, &pp, &err), 0);
    assert_int_equal(repo_relationship_get(w->db, &p, w->rel_d1r1, &rel, &err), -1);
    assert_int_equal(err.code, ERR_NOT_FOUND);
}

/* Writes go through the same predicate: an update out of scope changes nothing. */
static void test_out_of_scope_writes_are_not_found(void **state)
{
    struct world *w = *state;
    struct scope p = partner_scope(w->p), r1 = partner_scope(w->r1), all = installation();
    struct party_customer c, out;
    struct err err;
    json_t *patch = json_pack("{s:s}", "name", "Renamed");

    err_clear(&err);
    assert_int_equal(svc_customer_update(w->db, &p, NOW, w->c1, patch, &out, &err), -1);
    assert_int_equal(err.code, ERR_NOT_FOUND);
    assert_int_equal(repo_customer_get(w->db, &all, w->c1, &c, &err), 0);
    assert_string_equal(c.c.name, "C1");
    /* The repository itself, handed a row out of scope, refuses too. */
    assert_int_equal(repo_customer_update(w->db, &r1, &c, &err), 0);
    memcpy(c.c.id, w->c2, ID_MAXLEN);
    assert_int_equal(repo_customer_update(w->db, &r1, &c, &err), -1);
    assert_int_equal(err.code, ERR_NOT_FOUND);
    assert_int_equal(repo_relationship_end(w->db, &p, w->rel_d1r1, NOW, &err), -1);
    assert_int_equal(err.code, ERR_NOT_FOUND);
    json_decref(patch);
}

/* An insert whose row the caller could not see is refused, and the transaction undone. */
static void test_insert_outside_scope_refused(void **state)
{
    struct world *w = *state;
    struct scope r1 = partner_scope(w->r1), all = installation();
    struct party_customer c, got;
    struct err err;

    err_clear(&err);
    assert_int_equal(repo_customer_get(w->db, &all, w->c2, &c, &err), 0);
    assert_int_equal(id_new("cus", c.c.id, &err), 0);
    assert_int_equal(db_begin(w->db, &err), 0);
    assert_int_equal(repo_customer_insert(w->db, &r1, &c, &err), -1);
    assert_int_equal(err.code, ERR_FORBIDDEN);
    db_rollback(w->db);
    assert_int_equal(repo_customer_get(w->db, &all, c.c.id, &got, &err), -1);
    assert_int_equal(err.code, ERR_NOT_FOUND);
}

/* A distributor keeps seeing a reseller after the relationship ended (history). */
static void test_ended_relationship_keeps_history_visible(void **state)
{
    struct world *w = *state;
    struct scope d1 = partner_scope(w->d1);
    struct party_relationship rel;
    struct party_partner pp;
    struct err err;

    err_clear(&err);
    assert_int_equal(svc_relationship_end(w->db, &d1, NOW + 60, w->rel_d1r1, &rel, &err), 0);
    assert_true(rel.ended);
    assert_int_equal(repo_partner_get(w->db, &d1, w->r1, &pp, &err), 0);
}

/* Malformed scopes are bugs, reported as such, never as "everything". */
static void test_malformed_scope(void **state)
{
    struct world *w = *state;
    struct scope s = partner_scope("");
    struct scope_pred pred;
    struct party_customer c;
    struct err err;

    err_clear(&err);
    assert_int_equal(scope_pred_customers(&s, "c", &pred, &err), -1);
    assert_int_equal(err.code, ERR_INTERNAL);
    assert_int_equal(repo_customer_get(w->db, &s, w->c1, &c, &err), -1);
    assert_int_equal(err.code, ERR_INTERNAL);
    s.kind = (enum scope_kind)42;
    assert_int_equal(scope_check(&s, &err), -1);
    s = partner_scope(w->d1);
    assert_int_equal(scope_pred_partners(&s, "bad alias!", &pred, &err), -1);
    assert_int_equal(scope_pred_partners(&s, "p", &pred, &err), 0);
    assert_int_equal(pred.nparams, 2);
    assert_non_null(strstr(pred.sql, "p.id = ?"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_installation_sees_everything, setup, teardown),
        cmocka_unit_test_setup_teardown(test_distributor_sees_its_resellers_and_their_customers,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_reseller_sees_only_its_own, setup, teardown),
        cmocka_unit_test_setup_teardown(test_direct_bill_sees_only_its_own, setup, teardown),
        cmocka_unit_test_setup_teardown(test_customer_sees_only_itself, setup, teardown),
        cmocka_unit_test_setup_teardown(test_out_of_scope_is_not_found, setup, teardown),
        cmocka_unit_test_setup_teardown(test_out_of_scope_writes_are_not_found, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_insert_outside_scope_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ended_relationship_keeps_history_visible, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_malformed_scope, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
