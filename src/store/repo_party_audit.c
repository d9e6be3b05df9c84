/*
 * store/repo_party_audit.c — the audit row every party change writes (see repo_party.h).
 *
 * One function, one INSERT into audit_log, called by svc/party*.c inside the transaction of
 * the change it records, so the change and its row commit together or not at all
 * (DESIGN.md "Every mutation is audited"). It is deliberately the only audit writer of the
 * parties code: when the installation-wide audit service (svc/audit.h) exists, this body is
 * what moves there. The before/after snapshots are the same JSON the API returns.
 */
#include <stdlib.h>

#include "store/repo_party_internal.h"

/* Serialise a snapshot (NULL stays NULL); *text owned by the caller. */
static int dump(const json_t *j, char **text, struct err *err)
{
    *text = NULL;
    if (!j)
        return 0;
    *text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    if (!*text)
        return err_set(err, ERR_NOMEM, "", "out of memory encoding an audit snapshot");
    return 0;
}

int repo_party_audit(struct db *db, const struct scope *s, instant_t at, const char *action,
                     const char *object_type, const char *object_id, const json_t *before,
                     const json_t *after, struct err *err)
{
    static const char sql[] =
        "INSERT INTO audit_log (at, actor, scope, action, object_type, object_id, before,"
        " after, request_id) VALUES (?,?,?,?,?,?,?,?,?)";
    char scope_text[ID_MAXLEN + 16], *b = NULL, *a = NULL;
    struct db_stmt *st = NULL;
    int rc = -1;

    if (scope_check(s, err) < 0)
        return -1;
    scope_describe(s, scope_text, sizeof(scope_text));
    if (dump(before, &b, err) < 0 || dump(after, &a, err) < 0 ||
        db_prepare(db, sql, &st, err) < 0)
        goto out;
    if (db_bind_int64(st, 1, at, err) < 0 ||
        db_bind_text(st, 2, s->user_id[0] ? s->user_id : "system", err) < 0 ||
        db_bind_text(st, 3, scope_text, err) < 0 || db_bind_text(st, 4, action, err) < 0 ||
        db_bind_text(st, 5, object_type, err) < 0 || rp_bind_opt(st, 6, object_id, err) < 0 ||
        rp_bind_opt(st, 7, b, err) < 0 || rp_bind_opt(st, 8, a, err) < 0 ||
        rp_bind_opt(st, 9, s->request_id, err) < 0) {
        db_finalize(st);
        goto out;
    }
    rc = rp_run(st, err);
out:
    free(b);
    free(a);
    return rc;
}
