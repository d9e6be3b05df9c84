/*
 * svc/audit.h — every mutation leaves one audit row, written in the caller's transaction.
 *
 * A service function that changes something calls audit_record (or audit_write for the full
 * form) after the change and before its commit: the change and its row are committed together
 * or rolled back together (DESIGN.md "Every mutation is audited"). The actor, its scope and
 * the request id come from `struct scope`; the row's tenant (what GET /v1/audit filters on) is
 * the actor's partner or customer unless the entry names another — an installation operator
 * changing partner P's user files the row under P, so P sees it.
 *
 * Time: audit_record stamps the row with the real clock (the log says when it happened on
 * the machine, like the process log); audit_write takes an explicit instant for callers that
 * run on a business clock (scenarios, the daily cycle).
 *
 * before/after are JSON texts (NULL on create / delete). They must never hold secrets:
 * password hashes, TOTP seeds and token hashes are left out by the callers (svc/auth_*.c).
 */
#ifndef CSPD_SVC_AUDIT_H
#define CSPD_SVC_AUDIT_H

#include "core/date.h"
#include "core/err.h"
#include "store/scope.h"

struct db;

struct audit_entry {
    const char *action;        /* "user.create", "token.revoke", … */
    const char *object_type;   /* "user", "token", "session", … */
    const char *object_id;     /* may be NULL */
    const char *before_json;   /* may be NULL */
    const char *after_json;    /* may be NULL */
    const char *partner_id;    /* tenant; NULL: the actor's */
    const char *customer_id;   /* tenant; NULL: the actor's */
    instant_t at;              /* 0: now on the real clock */
};

int audit_write(struct db *db, const struct scope *scope, const struct audit_entry *e,
                struct err *err);

int audit_record(struct db *db, const struct scope *scope, const char *action,
                 const char *object_type, const char *object_id, const char *before_json,
                 const char *after_json, struct err *err);

#endif
