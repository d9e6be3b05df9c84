/*
 * tests/unit/test_audit.c — the audit log (svc/audit.h, store/repo_audit.h): a row carries
 * actor, scope, action, object, before/after, request id and tenant; it is written in the
 * caller's transaction (a rollback leaves none); GET-side reads are scoped — the installation
 * sees every row, a partner its own and its customers', a customer its own, never another
 * tenant's — and page newest first by id.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "store/db.h"
#include "store/repo_audit.h"
#include "svc/audit.h"

#define PA "prt_aaaaaaaaaaaaaaaaaaaaaaaaaa"
#define PB "prt_bbbbbbbbbbbbbbbbbbbbbbbbbb"
#define CA "cus_aaaaaaaaaaaaaaaaaaaaaaaaaa"
#define CB "cus_bbbbbbbbbbbbbbbbbbbbbbbbbb"

static void exec_ok(struct db *db, const char *sql)
{
    struct err err;

    err_clear(&err);
    if (db_exec(db, sql, &err) != 0)
        fail_msg("%s: %s", sql, err.msg);
}

static int setup(void **state)
{
    struct db *db;
    struct err err;

    err_clear(&err);
    assert_int_equal(db_open(":memory:", &db, &err), 0);
    assert_int_equal(db_migrate(db, &err), 0);
    exec_ok(db, "INSERT INTO partners (id, kind, name, country, currency, created_at) VALUES"
                " ('" PA "', 'direct', 'A', 'DE', 'EUR', 0), ('" PB "', 'direct', 'B', 'DE',"
                " 'EUR', 0)");
    exec_ok(db, "INSERT INTO customers (id, owner_partner_id, name, country, market,"
                " billing_currency, created_at) VALUES ('" CA "', '" PA "', 'a', 'DE', 'DE',"
                " 'EUR', 0), ('" CB "', '" PB "', 'b', 'DE', 'DE', 'EUR', 0)");
    *state = db;
    return 0;
}

static int teardown(void **state)
{
    db_close(*state);
    return 0;
}

static struct scope partner_scope(const char *pid, const char *user)
{
    struct scope s;

    memset(&s, 0, sizeof(s));
    s.kind = SCOPE_PARTNER;
    s.role = ROLE_ADMIN;
    snprintf(s.partner_id, sizeof(s.partner_id), "%s", pid);
    snprintf(s.user_id, sizeof(s.user_id), "%s", user);
    return s;
}

struct seen {
    int n;
    char actions[16][48];
    int64_t ids[16];
};

static int collect(const struct audit_row *r, void *arg)
{
    struct seen *s = arg;

    if (s->n < 16) {
        snprintf(s->actions[s->n], sizeof(s->actions[0]), "%s", r->action);
        s->ids[s->n] = r->id;
    }
    s->n++;
    return 0;
}

static struct seen list(struct db *db, const struct scope *s, int64_t before, int limit)
{
    struct audit_filter f = {before, limit, NULL, NULL};
    struct seen out;
    struct err err;

    memset(&out, 0, sizeof(out));
    err_clear(&err);
    if (repo_audit_list(db, s, &f, collect, &out, &err) != 0)
        fail_msg("list: %s", err.msg);
    return out;
}

static void test_row_contents(void **state)
{
    struct db *db = *state;
    struct scope a = partner_scope(PA, "usr_a");
    struct db_stmt *st;
    struct err err;

    snprintf(a.request_id, sizeof(a.request_id), "req_42");
    err_clear(&err);
    assert_int_equal(audit_record(db, &a, "thing.update", "thing", "thg_1", "{\"v\":1}",
                                  "{\"v\":2}", &err), 0);
    assert_int_equal(db_prepare(db, "SELECT actor, scope, action, object_type, object_id,"
                                    " before, after, request_id, partner_id, customer_id, at"
                                    " FROM audit_log", &st, &err), 0);
    assert_int_equal(db_step(st, &err), DB_ROW);
    assert_string_equal(db_column_text(st, 0), "usr_a");
    assert_string_equal(db_column_text(st, 1), "partner:" PA);
    assert_string_equal(db_column_text(st, 2), "thing.update");
    assert_string_equal(db_column_text(st, 3), "thing");
    assert_string_equal(db_column_text(st, 4), "thg_1");
    assert_string_equal(db_column_text(st, 5), "{\"v\":1}");
    assert_string_equal(db_column_text(st, 6), "{\"v\":2}");
    assert_string_equal(db_column_text(st, 7), "req_42");
    assert_string_equal(db_column_text(st, 8), PA);
    assert_true(db_column_is_null(st, 9));
    assert_true(db_column_int64(st, 10) > 0);
    db_finalize(st);
    /* Missing action or object type is a bug, refused. */
    assert_int_equal(audit_record(db, &a, "", "thing", NULL, NULL, NULL, &err), -1);
    assert_int_equal(err.code, ERR_INTERNAL);
}

static void test_same_transaction(void **state)
{
    struct db *db = *state;
    struct scope op;
    struct err err;
    struct seen s;

    scope_init_installation(&op);
    err_clear(&err);
    assert_int_equal(db_begin(db, &err), 0);
    assert_int_equal(audit_record(db, &op, "x.create", "x", "x_1", NULL, "{}", &err), 0);
    db_rollback(db);
    s = list(db, &op, 0, 100);
    assert_int_equal(s.n, 0);
    assert_int_equal(db_begin(db, &err), 0);
    assert_int_equal(audit_record(db, &op, "x.create", "x", "x_1", NULL, "{}", &err), 0);
    assert_int_equal(db_commit(db, &err), 0);
    s = list(db, &op, 0, 100);
    assert_int_equal(s.n, 1);
}

static void test_scoped_reads(void **state)
{
    struct db *db = *state;
    struct scope a = partner_scope(PA, "usr_a"), b = partner_scope(PB, "usr_b"), op, ca;
    struct audit_entry e = {"customer.update", "customer", CA, NULL, "{}", NULL, CA, 100};
    struct err err;
    struct seen s;

    scope_init_installation(&op);
    memset(&ca, 0, sizeof(ca));
    ca.kind = SCOPE_CUSTOMER;
    ca.role = ROLE_PORTAL;
    snprintf(ca.customer_id, sizeof(ca.customer_id), CA);
    err_clear(&err);
    assert_int_equal(audit_record(db, &a, "a.one", "x", NULL, NULL, NULL, &err), 0);
    assert_int_equal(audit_record(db, &b, "b.one", "x", NULL, NULL, NULL, &err), 0);
    assert_int_equal(audit_record(db, &op, "op.global", "x", NULL, NULL, NULL, &err), 0);
    /* The operator changes A's customer: filed under that customer. */
    assert_int_equal(audit_write(db, &op, &e, &err), 0);
    assert_int_equal(audit_record(db, &ca, "c.portal", "x", NULL, NULL, NULL, &err), 0);

    s = list(db, &op, 0, 100);
    assert_int_equal(s.n, 5);
    s = list(db, &a, 0, 100);
    assert_int_equal(s.n, 3); /* its own, and its customer's two */
    assert_string_equal(s.actions[0], "c.portal");
    assert_string_equal(s.actions[1], "customer.update");
    assert_string_equal(s.actions[2], "a.one");
    s = list(db, &b, 0, 100);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.actions[0], "b.one");
    s = list(db, &ca, 0, 100);
    assert_int_equal(s.n, 2);
    /* Paging: newest first, then older than the last id seen. */
    s = list(db, &op, 0, 2);
    assert_int_equal(s.n, 2);
    s = list(db, &op, s.ids[1], 2);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.actions[0], "op.global");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_row_contents, setup, teardown),
        cmocka_unit_test_setup_teardown(test_same_transaction, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scoped_reads, setup, teardown),
    };

    return cmocka_run_group_tests_name("audit", tests, NULL, NULL);
}
