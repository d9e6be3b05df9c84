/*
 * svc/party_customer.c — customer use cases: create, read, update, record the MCA, list
 * (see party.h).
 *
 * A customer enters a book only as the program allows (program.md §1-§5), checked with the
 * rules of domain/program in this order, first refusal wins:
 *   1. the seller: a direct-bill partner (partner_id) or a distributor (distributor_id) that
 *      transacts and has accepted the MPA            program_check_transacting_partner
 *   2. a reseller's customer: the reseller has a relationship in effect with that
 *      distributor                                     program_check_relationship
 *   3. the customer's market is in the seller's region, and the reseller's
 *                                                      program_check_region
 *   4. not the seller's or reseller's own tenant or company, nor another CSP partner's
 *      transacting tenant                              program_check_self_sale
 * An update re-runs 3 when the market changes and 4 when the tenant or company facts change;
 * the owners never change. The MCA is recorded as accepted by the customer or attested by a
 * transacting partner of its book (program_check_attestation).
 */
#include <stdio.h>
#include <string.h>

#include "svc/party_internal.h"

#define REL_MAX 64 /* relationships of one reseller considered by the rule */

int svc_customer_get(struct db *db, const struct scope *s, const char *id,
                     struct party_customer *out, struct err *err)
{
    return repo_customer_get(db, s, id, out, err);
}

int svc_customer_list(struct db *db, const struct scope *s, const struct party_filter *f,
                      int (*fn)(void *ctx, const struct party_customer *c), void *ctx,
                      bool *more, struct err *err)
{
    return repo_customer_list(db, s, f, fn, ctx, more, err);
}

/* The partners of a customer's book, read for the rules. */
struct book {
    bool indirect;
    const char *seller_field;       /* "partner_id" or "distributor_id" */
    struct party_partner seller;
    struct party_partner reseller;  /* indirect only */
};

static int load_book(struct db *db, const struct party_customer *c, struct book *b,
                     struct err *err)
{
    b->indirect = c->reseller_id[0] != '\0';
    b->seller_field = b->indirect ? "distributor_id" : "partner_id";
    if (party_load_named(db, b->seller_field, c->owner_partner_id, &b->seller, err) < 0)
        return -1;
    if (!b->indirect && b->seller.p.kind == PARTNER_DISTRIBUTOR)
        return err_set(err, ERR_INVALID, "partner_id", "partner %s is a distributor: a "
                       "distributor's customer names distributor_id and reseller_id",
                       b->seller.p.name);
    if (b->indirect && b->seller.p.kind != PARTNER_DISTRIBUTOR)
        return err_set(err, ERR_INVALID, "distributor_id", "partner %s is not a distributor",
                       b->seller.p.name);
    if (!b->indirect)
        return 0;
    if (party_load_named(db, "reseller_id", c->reseller_id, &b->reseller, err) < 0)
        return -1;
    if (b->reseller.p.kind != PARTNER_INDIRECT_RESELLER)
        return err_set(err, ERR_INVALID, "reseller_id", "partner %s is not an indirect "
                       "reseller", b->reseller.p.name);
    return 0;
}

/* Steps 1 and 2 of the file comment. */
static int check_channel(struct db *db, instant_t now, const struct book *b, struct err *err)
{
    struct reseller_relationship rels[REL_MAX];
    size_t n = 0;

    if (program_check_transacting_partner(&b->seller.p, err) < 0) {
        party_rename_field(err, "partner_id", b->seller_field);
        return -1;
    }
    if (!b->indirect)
        return 0;
    if (repo_relationships_of_reseller(db, party_rule_scope(), b->reseller.p.id, rels, REL_MAX,
                                       &n, err) < 0)
        return -1;
    return program_check_relationship(&b->seller.p, &b->reseller.p, rels, n, now, err);
}

/* Step 3 (region) and step 4 (self-sale), each when asked for. */
static int check_market(const struct book *b, const struct party_customer *c, bool region,
                        bool self_sale, struct err *err)
{
    const struct party_partner *who[2] = {&b->seller, b->indirect ? &b->reseller : NULL};
    const char *field[2] = {b->seller_field, "reseller_id"};

    for (int i = 0; region && i < 2 && who[i]; i++)
        if (program_check_region(&who[i]->p, &c->c, err) < 0) {
            party_rename_field(err, "customer_id", "market");
            party_rename_field(err, "partner_id", field[i]);
            return -1;
        }
    for (int i = 0; self_sale && i < 2 && who[i]; i++)
        if (program_check_self_sale(&who[i]->p, &c->c, err) < 0) {
            party_rename_field(err, "customer_id", "tenant_id");
            party_rename_field(err, "partner_id", field[i]);
            return -1;
        }
    return 0;
}

int svc_customer_create(struct db *db, const struct scope *s, instant_t now, const json_t *in,
                        struct party_customer *out, struct err *err)
{
    struct party_customer c;
    struct book b;

    if (party_may_write(s, PARTY_WRITE_BOOK, err) < 0)
        return -1;
    memset(&c, 0, sizeof(c));
    if (party_customer_apply_json(&c, in, true, err) < 0)
        return -1;
    if (s->kind == SCOPE_PARTNER && strcmp(s->partner_id, c.owner_partner_id) != 0 &&
        strcmp(s->partner_id, c.reseller_id) != 0)
        return err_set(err, ERR_FORBIDDEN, c.reseller_id[0] ? "reseller_id" : "partner_id",
                       "a customer is added to the caller's own book");
    if (id_new("cus", c.c.id, err) < 0)
        return -1;
    c.created_at = now;
    if (party_begin(db, err) < 0)
        return -1;
    if (load_book(db, &c, &b, err) < 0 || check_channel(db, now, &b, err) < 0 ||
        check_market(&b, &c, true, true, err) < 0 || repo_customer_insert(db, s, &c, err) < 0 ||
        repo_customer_get(db, s, c.c.id, out, err) < 0)
        return party_fail(db);
    return party_audit_commit(db, s, "customer.create", "customer", out->c.id, NULL, out->c.id,
                              NULL, party_customer_to_json(out, now), err);
}

/* Write `next` over `cur` and audit it as `action`. Ends the transaction. */
static int write_change(struct db *db, const struct scope *s, instant_t now, const char *action,
                        const struct party_customer *cur, struct party_customer *next,
                        struct party_customer *out, struct err *err)
{
    json_t *before = party_customer_to_json(cur, now);

    next->updated_at = now;
    if (!before) {
        err_set(err, ERR_NOMEM, "", "out of memory");
        return party_fail(db);
    }
    if (repo_customer_update(db, s, next, err) < 0 ||
        repo_customer_get(db, s, next->c.id, out, err) < 0) {
        json_decref(before);
        return party_fail(db);
    }
    return party_audit_commit(db, s, action, "customer", out->c.id, NULL, out->c.id, before,
                              party_customer_to_json(out, now), err);
}

int svc_customer_update(struct db *db, const struct scope *s, instant_t now, const char *id,
                        const json_t *patch, struct party_customer *out, struct err *err)
{
    struct party_customer cur, next;
    bool region, self_sale;
    struct book b;

    if (party_may_write(s, PARTY_WRITE_BOOK, err) < 0 || party_begin(db, err) < 0)
        return -1;
    if (repo_customer_get(db, s, id, &cur, err) < 0)
        return party_fail(db);
    next = cur;
    if (party_customer_apply_json(&next, patch, false, err) < 0)
        return party_fail(db);
    region = strcmp(cur.c.country, next.c.country) != 0;
    self_sale = strcmp(cur.c.tenant_id, next.c.tenant_id) != 0 ||
                strcmp(cur.c.affiliated_pga_id, next.c.affiliated_pga_id) != 0 ||
                cur.c.is_csp_transacting_tenant != next.c.is_csp_transacting_tenant;
    if ((region || self_sale) &&
        (load_book(db, &next, &b, err) < 0 || check_market(&b, &next, region, self_sale,
                                                           err) < 0))
        return party_fail(db);
    return write_change(db, s, now, "customer.update", &cur, &next, out, err);
}

/* The MCA record of the request, without the attester (filled by the caller). */
static int read_mca(const json_t *in, struct mca_record *m, char attested_by[ID_MAXLEN],
                    struct err *err)
{
    static const char *const allowed[] = {
        "status", "accepted_on", "signer_first_name", "signer_last_name", "signer_email",
        "signer_phone", "agreement_version", "attested_by", NULL,
    };
    char status[16];
    enum pj_has has;

    memset(m, 0, sizeof(*m));
    attested_by[0] = '\0';
    if (pj_known(in, allowed, err) < 0 || pj_text(in, "status", status, sizeof(status), &has,
                                                  err) < 0 ||
        pj_required(has, "status", true, err) < 0)
        return -1;
    if (strcmp(status, mca_status_name(MCA_ACCEPTED)) == 0)
        m->status = MCA_ACCEPTED;
    else if (strcmp(status, mca_status_name(MCA_ATTESTED)) == 0)
        m->status = MCA_ATTESTED;
    else
        return err_set(err, ERR_INVALID, "status", "field 'status' must be accepted (by the "
                       "customer) or attested (by its partner)");
    if (pj_date(in, "accepted_on", &m->accepted_on, &has, err) < 0 ||
        pj_text(in, "signer_first_name", m->signer_first_name, sizeof(m->signer_first_name),
                &has, err) < 0 ||
        pj_text(in, "signer_last_name", m->signer_last_name, sizeof(m->signer_last_name), &has,
                err) < 0 ||
        pj_text(in, "signer_email", m->signer_email, sizeof(m->signer_email), &has, err) < 0 ||
        (m->signer_email[0] && pj_check_email("signer_email", m->signer_email, err) < 0) ||
        pj_text(in, "signer_phone", m->signer_phone, sizeof(m->signer_phone), &has, err) < 0 ||
        pj_text(in, "agreement_version", m->agreement_version, sizeof(m->agreement_version),
                &has, err) < 0 ||
        pj_text(in, "attested_by", attested_by, ID_MAXLEN, &has, err) < 0 ||
        (attested_by[0] && pj_check_id("attested_by", attested_by, "prt", err) < 0))
        return -1;
    if (m->status == MCA_ACCEPTED && attested_by[0])
        return err_set(err, ERR_INVALID, "attested_by", "an acceptance by the customer has no "
                       "attesting partner");
    return 0;
}

/* Who attests, and may they (program.md §2). Inside the transaction. */
static int check_attester(struct db *db, const struct scope *s, instant_t now,
                          const struct party_customer *cur, struct mca_record *m,
                          const char *requested, struct err *err)
{
    const char *who = requested[0] ? requested : cur->owner_partner_id;
    struct party_partner attester;

    if (s->kind == SCOPE_PARTNER) {
        if (requested[0] && strcmp(requested, s->partner_id) != 0)
            return err_set(err, ERR_INVALID, "attested_by", "a partner attests for itself; "
                           "leave attested_by out");
        who = s->partner_id;
    }
    if (strcmp(who, cur->owner_partner_id) != 0 && strcmp(who, cur->reseller_id) != 0)
        return err_set(err, ERR_INVALID, "attested_by", "partner %.40s is not a partner of "
                       "customer %s", who, cur->c.name);
    if (party_load_named(db, "attested_by", who, &attester, err) < 0)
        return -1;
    m->attested_by = attester.p.kind;
    snprintf(m->attested_by_partner_id, sizeof(m->attested_by_partner_id), "%s", who);
    if (program_check_attestation(&attester.p, m, now, err) < 0) {
        party_rename_field(err, "partner_id", "attested_by");
        return -1;
    }
    return 0;
}

int svc_customer_record_mca(struct db *db, const struct scope *s, instant_t now,
                            const char *id, const json_t *in, struct party_customer *out,
                            struct err *err)
{
    struct party_customer cur, next;
    char requested[ID_MAXLEN], day[DATE_STRLEN];
    struct mca_record m;

    if (party_may_write(s, PARTY_WRITE_BOOK, err) < 0 || read_mca(in, &m, requested, err) < 0)
        return -1;
    /* program.md §2: an acceptance date is never in the future, accepted directly or not. */
    if (m.status == MCA_ACCEPTED && m.accepted_on.year &&
        date_cmp(m.accepted_on, instant_date(now)) > 0) {
        date_format(m.accepted_on, day);
        return err_refuse(err, "mca_date_in_future", "accepted_on", "the acceptance date %s is "
                          "in the future; enter the day the customer accepted the agreement, "
                          "today at the latest", day);
    }
    if (party_begin(db, err) < 0)
        return -1;
    if (repo_customer_get(db, s, id, &cur, err) < 0)
        return party_fail(db);
    if (m.status == MCA_ATTESTED && check_attester(db, s, now, &cur, &m, requested, err) < 0)
        return party_fail(db);
    next = cur;
    next.c.mca = m;
    return write_change(db, s, now, "customer.mca_record", &cur, &next, out, err);
}
