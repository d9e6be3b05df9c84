/*
 * svc/party_rel.c — distributor ↔ indirect reseller relationships: establish, end, list
 * (see party.h).
 *
 * Establishing asks program_check_relationship_new (program.md §2, §3): a distributor and an
 * indirect reseller, in one region, the reseller with the MPA accepted. cspd adds one rule of
 * its own: a pair has at most one current relationship (409 relationship_exists), so ending
 * it is unambiguous. The relationship's region is the distributor's, which the rule has just
 * shown to be the reseller's too. Ending keeps the row (ended_at), so history stays visible.
 */
#include <stdio.h>
#include <string.h>

#include "svc/party_internal.h"

int svc_relationship_list(struct db *db, const struct scope *s, const struct party_filter *f,
                          int (*fn)(void *ctx, const struct party_relationship *r), void *ctx,
                          bool *more, struct err *err)
{
    return repo_relationship_list(db, s, f, fn, ctx, more, err);
}

int svc_relationship_establish(struct db *db, const struct scope *s, instant_t now,
                               const json_t *in, struct party_relationship *out,
                               struct err *err)
{
    static const char *const allowed[] = {"distributor_id", "reseller_id", NULL};
    char dist_id[ID_MAXLEN], res_id[ID_MAXLEN];
    struct party_partner dist, res;
    struct party_relationship rel, existing;
    enum pj_has has;
    bool found;

    if (party_may_write(s, PARTY_WRITE_PROFILE, err) < 0 || pj_known(in, allowed, err) < 0 ||
        pj_text(in, "distributor_id", dist_id, sizeof(dist_id), &has, err) < 0 ||
        pj_required(has, "distributor_id", true, err) < 0 ||
        pj_check_id("distributor_id", dist_id, "prt", err) < 0 ||
        pj_text(in, "reseller_id", res_id, sizeof(res_id), &has, err) < 0 ||
        pj_required(has, "reseller_id", true, err) < 0 ||
        pj_check_id("reseller_id", res_id, "prt", err) < 0)
        return -1;
    if (s->kind == SCOPE_PARTNER && strcmp(s->partner_id, dist_id) != 0)
        return err_set(err, ERR_FORBIDDEN, "distributor_id", "a relationship is established "
                       "by the distributor");
    if (party_begin(db, err) < 0)
        return -1;
    if (party_load_named(db, "distributor_id", dist_id, &dist, err) < 0 ||
        party_load_named(db, "reseller_id", res_id, &res, err) < 0)
        return party_fail(db);
    /* program.md §2, §3 */
    if (program_check_relationship_new(&dist.p, &res.p, err) < 0) {
        party_rename_field(err, "partner_id", "distributor_id");
        return party_fail(db);
    }
    if (repo_relationship_find_current(db, party_rule_scope(), dist_id, res_id, &existing,
                                       &found, err) < 0)
        return party_fail(db);
    if (found) {
        err_set_(err, __func__, __LINE__, ERR_CONFLICT, "relationship_exists", "reseller_id",
                 "distributor %s and reseller %s already have relationship %s; end it first",
                 dist.p.name, res.p.name, existing.id);
        return party_fail(db);
    }
    if (repo_relationship_started_at(db, dist_id, res_id, now, &found, err) < 0)
        return party_fail(db);
    if (found) {
        err_set_(err, __func__, __LINE__, ERR_CONFLICT, "relationship_restarted_too_soon",
                 "reseller_id", "distributor %s and reseller %s had a relationship that "
                 "started at this same second; re-establish it a second later",
                 dist.p.name, res.p.name);
        return party_fail(db);
    }
    memset(&rel, 0, sizeof(rel));
    if (id_new("rel", rel.id, err) < 0)
        return party_fail(db);
    memcpy(rel.distributor_id, dist_id, sizeof(rel.distributor_id));
    memcpy(rel.reseller_id, res_id, sizeof(rel.reseller_id));
    snprintf(rel.region, sizeof(rel.region), "%s", program_partner_region(&dist.p));
    rel.started_at = now;
    if (repo_relationship_insert(db, s, &rel, err) < 0 ||
        repo_relationship_get(db, s, rel.id, out, err) < 0)
        return party_fail(db);
    return party_audit_commit(db, s, "relationship.establish", "relationship", out->id,
                              out->distributor_id, NULL, NULL,
                              party_relationship_to_json(out), err);
}

int svc_relationship_end(struct db *db, const struct scope *s, instant_t now, const char *id,
                         struct party_relationship *out, struct err *err)
{
    struct party_relationship cur;
    json_t *before;

    if (party_may_write(s, PARTY_WRITE_PROFILE, err) < 0 || party_begin(db, err) < 0)
        return -1;
    if (repo_relationship_get(db, s, id, &cur, err) < 0)
        return party_fail(db);
    if (cur.ended) {
        err_set_(err, __func__, __LINE__, ERR_CONFLICT, "relationship_ended", "id",
                 "relationship %s has already ended", cur.id);
        return party_fail(db);
    }
    before = party_relationship_to_json(&cur);
    if (!before) {
        err_set(err, ERR_NOMEM, "", "out of memory");
        return party_fail(db);
    }
    if (repo_relationship_end(db, s, id, now, err) < 0 ||
        repo_relationship_get(db, s, id, out, err) < 0) {
        json_decref(before);
        return party_fail(db);
    }
    return party_audit_commit(db, s, "relationship.end", "relationship", out->id,
                              out->distributor_id, NULL, before,
                              party_relationship_to_json(out), err);
}
