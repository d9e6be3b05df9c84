/*
 * svc/party_access.c — who may change parties, and the frame every party mutation runs in:
 * begin, (the use case's work), audit row, commit — or roll back on any failure.
 *
 * The audit row goes through svc/audit.h (the installation's one audit writer), stamped with
 * the real clock like every other API change, filed under the tenant the change concerns so
 * GET /v1/audit shows it there.
 *
 * Roles are decided here, scope is not: the store's predicates (store/scope.c) already keep a
 * caller to its own rows, so these checks only say which of a tenant's users may write
 * (party.h lists them), for the installation's staff as for a partner's. The CLI and jobs
act as ROLE_OPERATOR and may do everything.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc/audit.h"
#include "svc/party_internal.h"

int party_may_write(const struct scope *s, enum party_write w, struct err *err)
{
    if (scope_check(s, err) < 0)
        return -1;
    if (s->kind == SCOPE_CUSTOMER)
        return err_set(err, ERR_FORBIDDEN, "", "a customer's users cannot change partners, "
                       "relationships or customer records");
    switch (s->role) {
    case ROLE_OWNER:
    case ROLE_ADMIN:
    case ROLE_OPERATOR:
        return 0;
    case ROLE_SALES:
    case ROLE_BILLING:
        if (w == PARTY_WRITE_BOOK)
            return 0;
        return err_set(err, ERR_FORBIDDEN, "", "only owner and admin users may change "
                       "partner records and relationships");
    case ROLE_READ_ONLY:
    case ROLE_PORTAL:
        break;
    }
    return err_set(err, ERR_FORBIDDEN, "", "this user's role is read-only");
}

const struct scope *party_rule_scope(void)
{
    static const struct scope installation = {
        .kind = SCOPE_INSTALLATION, .role = ROLE_OPERATOR,
    };

    return &installation;
}

int party_begin(struct db *db, struct err *err)
{
    return db_begin(db, err);
}

int party_fail(struct db *db)
{
    db_rollback(db);
    return -1;
}

/* A snapshot as JSON text (NULL stays NULL); *text owned by the caller. */
static int dump(const json_t *j, char **text, struct err *err)
{
    *text = NULL;
    if (j && !(*text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS)))
        return err_set(err, ERR_NOMEM, "", "out of memory rendering the audit snapshot");
    return 0;
}

int party_audit_commit(struct db *db, const struct scope *s, const char *action,
                       const char *object_type, const char *object_id,
                       const char *tenant_partner, const char *tenant_customer,
                       json_t *before, json_t *after, struct err *err)
{
    struct audit_entry e;
    char *b = NULL, *a = NULL;
    int rc;

    memset(&e, 0, sizeof(e));
    e.action = action;
    e.object_type = object_type;
    e.object_id = object_id;
    e.partner_id = tenant_partner;
    e.customer_id = tenant_customer;
    if (!after)
        rc = err_set(err, ERR_NOMEM, "", "out of memory rendering the audit snapshot");
    else
        rc = dump(before, &b, err) < 0 || dump(after, &a, err) < 0 ? -1 : 0;
    e.before_json = b;
    e.after_json = a;
    if (rc == 0)
        rc = audit_write(db, s, &e, err);
    free(b);
    free(a);
    json_decref(before);
    json_decref(after);
    if (rc == 0)
        rc = db_commit(db, err);
    else
        db_rollback(db);
    return rc;
}

void party_rename_field(struct err *err, const char *from, const char *to)
{
    if (strcmp(err->field, from) == 0)
        snprintf(err->field, sizeof(err->field), "%s", to);
}

int party_load_named(struct db *db, const char *field, const char *id,
                     struct party_partner *out, struct err *err)
{
    if (repo_partner_get(db, party_rule_scope(), id, out, err) < 0) {
        if (err->code == ERR_NOT_FOUND)
            err_set(err, ERR_INVALID, field, "field '%s': no partner %.40s", field, id);
        return -1;
    }
    return 0;
}
