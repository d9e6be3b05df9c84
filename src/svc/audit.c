/*
 * svc/audit.c — one audit row per mutation (see audit.h): fills actor, scope text, request id
 * and tenant from the caller's scope and hands the row to store/repo_audit.c.
 */
#include <string.h>

#include "core/clock.h"
#include "store/repo_audit.h"
#include "svc/audit.h"

int audit_write(struct db *db, const struct scope *scope, const struct audit_entry *e,
                struct err *err)
{
    struct audit_row r;
    char scope_text[96];
    struct clock real;

    if (!e->action || !e->action[0] || !e->object_type || !e->object_type[0])
        return err_set(err, ERR_INTERNAL, "", "audit entry without action or object type");
    if (scope_check(scope, err) < 0)
        return -1;
    scope_describe(scope, scope_text, sizeof(scope_text));
    memset(&r, 0, sizeof(r));
    if (e->at) {
        r.at = e->at;
    } else {
        clock_init_real(&real);
        r.at = clock_now(&real);
    }
    r.actor = scope->user_id[0] ? scope->user_id : "system";
    r.scope = scope_text;
    r.action = e->action;
    r.object_type = e->object_type;
    r.object_id = e->object_id;
    r.before = e->before_json;
    r.after = e->after_json;
    r.request_id = scope->request_id[0] ? scope->request_id : NULL;
    if (e->partner_id || e->customer_id) {
        r.partner_id = e->partner_id && e->partner_id[0] ? e->partner_id : NULL;
        r.customer_id = e->customer_id && e->customer_id[0] ? e->customer_id : NULL;
    } else if (scope->kind == SCOPE_PARTNER) {
        r.partner_id = scope->partner_id;
    } else if (scope->kind == SCOPE_CUSTOMER) {
        r.customer_id = scope->customer_id;
    }
    return repo_audit_insert(db, &r, err);
}

int audit_record(struct db *db, const struct scope *scope, const char *action,
                 const char *object_type, const char *object_id, const char *before_json,
                 const char *after_json, struct err *err)
{
    struct audit_entry e = {
        .action = action, .object_type = object_type, .object_id = object_id,
        .before_json = before_json, .after_json = after_json,
    };

    return audit_write(db, scope, &e, err);
}
