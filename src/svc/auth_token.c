/*
 * svc/auth_token.c — creating and revoking API tokens (see auth_admin.h).
 *
 * A token acts as its partner (or the installation) with one role; it is not tied to the
 * user who made it, so it survives that user leaving — created_by says who to ask. Tokens
 * never carry the portal or operator role, and only an owner makes an owner token.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "svc/audit.h"
#include "svc/auth_admin.h"

static int audit_token(struct db *db, const struct scope *actor, const char *action,
                       const struct token_row *before, const struct token_row *after,
                       instant_t now, struct err *err)
{
    const struct token_row *t = after ? after : before;
    char *b = NULL, *a = NULL;
    json_t *j;
    int rc;

    if (before && (j = auth_token_json(before)) != NULL) {
        b = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
        json_decref(j);
    }
    if (after && (j = auth_token_json(after)) != NULL) {
        a = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
        json_decref(j);
    }
    if ((before && !b) || (after && !a)) {
        free(b);
        free(a);
        return err_set(err, ERR_NOMEM, "", "out of memory writing the audit log");
    }
    struct audit_entry e = {
        .action = action, .object_type = "token", .object_id = t->id, .before_json = b,
        .after_json = a, .partner_id = t->partner_id[0] ? t->partner_id : NULL, .at = now,
    };
    rc = audit_write(db, actor, &e, err);
    free(b);
    free(a);
    return rc;
}

int auth_token_create(struct db *db, const struct scope *actor, const struct auth_token_new *req,
                      instant_t now, struct token_row *out, char out_secret[AUTH_SECRET_MAX],
                      struct err *err)
{
    const char *pid = req->partner_id ? req->partner_id : "";
    char hash[USER_HASH_HEX];
    bool ok;

    memset(out, 0, sizeof(*out));
    if (actor->role != ROLE_OWNER && actor->role != ROLE_ADMIN && actor->role != ROLE_OPERATOR)
        return err_set(err, ERR_FORBIDDEN, "role", "your role may not create API tokens");
    if (req->role == ROLE_PORTAL || req->role == ROLE_OPERATOR)
        return err_set(err, ERR_INVALID, "role", "a token's role is owner, admin, billing, "
                       "sales or read_only");
    if (req->role == ROLE_OWNER && actor->role == ROLE_ADMIN)
        return err_set(err, ERR_FORBIDDEN, "role", "only an owner may create an owner token");
    if (req->name && strlen(req->name) >= TOKEN_NAME_MAX)
        return err_set(err, ERR_INVALID, "name", "a token name has at most %d bytes",
                       TOKEN_NAME_MAX - 1);
    switch (actor->kind) {
    case SCOPE_CUSTOMER:
        return err_set(err, ERR_FORBIDDEN, "role", "portal users may not create API tokens");
    case SCOPE_PARTNER:
        if (pid[0] && strcmp(pid, actor->partner_id) != 0)
            return err_set(err, ERR_NOT_FOUND, "partner_id", "no partner %.40s", pid);
        pid = actor->partner_id;
        break;
    case SCOPE_INSTALLATION:
        if (pid[0]) {
            if (strlen(pid) >= ID_MAXLEN || !id_has_kind(pid, "prt"))
                return err_set(err, ERR_NOT_FOUND, "partner_id", "no partner %.40s", pid);
            if (repo_partner_exists(db, pid, &ok, err) < 0)
                return -1;
            if (!ok)
                return err_set(err, ERR_NOT_FOUND, "partner_id", "no partner %.40s", pid);
        }
        break;
    }
    if (id_new("tok", out->id, err) < 0)
        return -1;
    snprintf(out->partner_id, sizeof(out->partner_id), "%s", pid);
    out->role = req->role;
    snprintf(out->name, sizeof(out->name), "%s", req->name ? req->name : "");
    snprintf(out->created_by, sizeof(out->created_by), "%s",
             actor->user_id[0] ? actor->user_id : "cli");
    out->created_at = now;
    auth_secret_new("cspd_", out_secret);
    auth_secret_hash(out_secret, hash);
    if (db_begin(db, err) < 0)
        goto wipe;
    if (repo_token_insert(db, out, hash, err) < 0 ||
        audit_token(db, actor, "token.create", NULL, out, now, err) < 0 ||
        db_commit(db, err) < 0) {
        db_rollback(db);
        goto wipe;
    }
    return 0;
wipe:
    sodium_memzero(out_secret, AUTH_SECRET_MAX);
    return -1;
}

int auth_token_revoke(struct db *db, const struct scope *actor, const char *id, instant_t now,
                      struct token_row *out, struct err *err)
{
    struct token_row before;

    if (db_begin(db, err) < 0)
        return -1;
    if (repo_token_get(db, actor, id, out, err) < 0)
        goto fail;
    if (out->role == ROLE_OWNER && actor->role == ROLE_ADMIN) {
        err_set(err, ERR_FORBIDDEN, "role", "only an owner may revoke an owner token");
        goto fail;
    }
    if (!out->revoked_at) {
        before = *out;
        out->revoked_at = now;
        if (repo_token_revoke(db, id, now, err) < 0 ||
            audit_token(db, actor, "token.revoke", &before, out, now, err) < 0)
            goto fail;
    }
    if (db_commit(db, err) < 0)
        goto fail;
    return 0;
fail:
    db_rollback(db);
    return -1;
}
