/*
 * svc/party_json_out.c — partners, relationships, customers and compliance reports as JSON:
 * the one rendering the API returns, the CLI prints and the audit log stores (before/after).
 *
 * Conventions (docs/parties.md): unrecorded values are null, never "" or 0; dates are
 * "YYYY-MM-DD", instants "YYYY-MM-DDTHH:MM:SSZ"; money is a decimal string (a credit limit
 * with its currency's minor units); enumerations are the domain's snake_case names. Every
 * builder returns a new reference or NULL when memory runs out (any failed piece fails all).
 */
#include <stdio.h>
#include <string.h>

#include "core/currency.h"
#include "svc/party.h"

/* Set obj[key] = v (stolen). A NULL v marks the object as failed. */
static void put(json_t *obj, bool *ok, const char *key, json_t *v)
{
    if (!v || json_object_set_new(obj, key, v) < 0)
        *ok = false;
}

static json_t *str_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

static json_t *date_or_null(struct date d)
{
    char buf[DATE_STRLEN];

    if (d.year == 0)
        return json_null();
    date_format(d, buf);
    return json_string(buf);
}

static json_t *instant_json(instant_t t)
{
    char buf[INSTANT_STRLEN];

    instant_format(t, buf);
    return json_string(buf);
}

static json_t *count_or_null(struct fact_count c)
{
    return c.known ? json_integer(c.value) : json_null();
}

static json_t *finish(json_t *obj, bool ok)
{
    if (!ok) {
        json_decref(obj);
        return NULL;
    }
    return obj;
}

static const char *support_plan_text(enum support_plan sp)
{
    switch (sp) {
    case SUPPORT_PLAN_NONE: return "none";
    case SUPPORT_PLAN_OTHER: return "other";
    case SUPPORT_PLAN_ADVANCED: return "asfp";
    case SUPPORT_PLAN_PREMIER: return "psfp";
    case SUPPORT_PLAN_UNKNOWN: break;
    }
    return NULL;
}

json_t *party_partner_to_json(const struct party_partner *pp)
{
    const struct partner *p = &pp->p;
    const char *region = program_partner_region(p);
    json_t *obj = json_object(), *mpa = json_object(), *admins = json_object(), *des;
    char buf[DEC_STRLEN];
    bool ok = obj && mpa && admins;

    if (!ok) {
        json_decref(obj);
        json_decref(mpa);
        json_decref(admins);
        return NULL;
    }
    put(obj, &ok, "id", json_string(p->id));
    put(obj, &ok, "kind", json_string(partner_kind_name(p->kind)));
    put(obj, &ok, "name", json_string(p->name));
    put(obj, &ok, "country", json_string(p->country));
    put(obj, &ok, "region", str_or_null(region));
    put(obj, &ok, "currency", json_string(p->currency));
    put(obj, &ok, "pga_id", str_or_null(p->pga_id));
    put(obj, &ok, "pla_id", str_or_null(p->pla_id));
    put(obj, &ok, "pla_verified", json_boolean(p->pla_verified));
    put(obj, &ok, "csp_tenant_id", str_or_null(p->csp_tenant_id));
    put(obj, &ok, "csp_tenant_active", json_boolean(p->csp_tenant_active));
    put(obj, &ok, "status", json_string(partner_status_name(p->status)));
    put(mpa, &ok, "accepted", json_boolean(p->mpa_accepted));
    put(mpa, &ok, "accepted_on", p->mpa_accepted ? date_or_null(p->mpa_accepted_on)
                                                 : json_null());
    put(mpa, &ok, "accepted_by", p->mpa_accepted ? str_or_null(pp->mpa_accepted_by)
                                                 : json_null());
    put(obj, &ok, "mpa", mpa);
    put(obj, &ok, "onboarded_on", date_or_null(p->onboarded_on));
    put(obj, &ok, "security_contact", pp->security_contact_known
                                          ? json_string(pp->security_contact) : json_null());
    des = pp->designations_known ? json_array() : json_null();
    for (size_t i = 0; des && pp->designations_known && i < pp->n_designations; i++)
        if (json_array_append_new(des, json_string(pp->designations[i])) < 0)
            ok = false;
    put(obj, &ok, "designations", des);
    put(obj, &ok, "support_plan", str_or_null(support_plan_text(pp->support_plan)));
    if (pp->ttm_revenue_usd.known)
        dec_format(pp->ttm_revenue_usd.value, buf);
    put(obj, &ok, "ttm_revenue_usd", pp->ttm_revenue_usd.known ? json_string(buf) : json_null());
    put(obj, &ok, "alert_response_minutes", count_or_null(pp->alert_response_minutes));
    put(obj, &ok, "reseller_months", count_or_null(pp->reseller_months));
    put(obj, &ok, "business_email", pp->business_email == FACT_UNKNOWN
                                        ? json_null()
                                        : json_boolean(pp->business_email == FACT_YES));
    put(admins, &ok, "total", json_integer(pp->admin_users));
    put(admins, &ok, "with_mfa", json_integer(pp->admin_users_with_mfa));
    put(obj, &ok, "admin_users", admins);
    put(obj, &ok, "created_at", instant_json(pp->created_at));
    put(obj, &ok, "updated_at", pp->updated_at ? instant_json(pp->updated_at) : json_null());
    return finish(obj, ok);
}

json_t *party_relationship_to_json(const struct party_relationship *r)
{
    json_t *obj = json_object();
    bool ok = obj != NULL;

    if (!ok)
        return NULL;
    put(obj, &ok, "id", json_string(r->id));
    put(obj, &ok, "distributor_id", json_string(r->distributor_id));
    put(obj, &ok, "reseller_id", json_string(r->reseller_id));
    put(obj, &ok, "region", json_string(r->region));
    put(obj, &ok, "active", json_boolean(!r->ended));
    put(obj, &ok, "started_at", instant_json(r->started_at));
    put(obj, &ok, "ended_at", r->ended ? instant_json(r->ended_at) : json_null());
    return finish(obj, ok);
}

static json_t *mca_json(const struct customer *c, instant_t now)
{
    const struct mca_record *m = &c->mca;
    json_t *obj = json_object();
    bool ok = obj != NULL;

    if (!ok)
        return NULL;
    put(obj, &ok, "status", json_string(mca_status_name(m->status)));
    put(obj, &ok, "valid", json_boolean(program_mca_valid(c, now)));
    put(obj, &ok, "accepted_on", date_or_null(m->accepted_on));
    put(obj, &ok, "signer_first_name", str_or_null(m->signer_first_name));
    put(obj, &ok, "signer_last_name", str_or_null(m->signer_last_name));
    put(obj, &ok, "signer_email", str_or_null(m->signer_email));
    put(obj, &ok, "signer_phone", str_or_null(m->signer_phone));
    put(obj, &ok, "agreement_version", str_or_null(m->agreement_version));
    put(obj, &ok, "attested_by", m->status == MCA_ATTESTED
                                     ? str_or_null(m->attested_by_partner_id) : json_null());
    return finish(obj, ok);
}

json_t *party_customer_to_json(const struct party_customer *pc, instant_t now)
{
    const struct customer *c = &pc->c;
    json_t *obj = json_object(), *contacts = json_array();
    char buf[DEC_STRLEN];
    bool ok = obj && contacts;
    int places = currency_minor_units(pc->billing_currency);

    if (!ok) {
        json_decref(obj);
        json_decref(contacts);
        return NULL;
    }
    put(obj, &ok, "id", json_string(c->id));
    put(obj, &ok, "name", json_string(c->name));
    put(obj, &ok, "tenant_id", str_or_null(c->tenant_id));
    put(obj, &ok, "domain", str_or_null(pc->domain));
    put(obj, &ok, "country", json_string(pc->address_country));
    put(obj, &ok, "market", json_string(c->country));
    put(obj, &ok, "region", str_or_null(program_region_of(c->country)));
    put(obj, &ok, "billing_currency", json_string(pc->billing_currency));
    put(obj, &ok, "partner_id", json_string(pc->owner_partner_id));
    put(obj, &ok, "distributor_id", str_or_null(pc->distributor_id));
    put(obj, &ok, "reseller_id", str_or_null(pc->reseller_id));
    put(obj, &ok, "mca", mca_json(c, now));
    if (pc->has_credit_limit)
        dec_format_fixed(pc->credit_limit, places < 0 ? 2 : places, DEC_ROUND_DOWN, buf);
    put(obj, &ok, "credit_limit", pc->has_credit_limit ? json_string(buf) : json_null());
    for (size_t i = 0; i < pc->n_contacts; i++) {
        const struct party_contact *k = &pc->contacts[i];

        if (json_array_append_new(contacts, json_pack("{s:s, s:o, s:o, s:o}", "name", k->name,
                                                      "email", str_or_null(k->email),
                                                      "phone", str_or_null(k->phone),
                                                      "role", str_or_null(k->role))) < 0)
            ok = false;
    }
    put(obj, &ok, "contacts", contacts);
    put(obj, &ok, "portal_enabled", json_boolean(pc->portal_enabled));
    put(obj, &ok, "affiliated_pga_id", str_or_null(c->affiliated_pga_id));
    put(obj, &ok, "csp_transacting_tenant", json_boolean(c->is_csp_transacting_tenant));
    put(obj, &ok, "created_at", instant_json(pc->created_at));
    put(obj, &ok, "updated_at", pc->updated_at ? instant_json(pc->updated_at) : json_null());
    return finish(obj, ok);
}

json_t *party_compliance_to_json(const struct party_compliance *cr)
{
    const struct auth_report *r = &cr->report;
    json_t *obj = json_object(), *reqs = json_array(), *missing = json_array();
    bool ok = obj && reqs && missing;

    if (!ok) {
        json_decref(obj);
        json_decref(reqs);
        json_decref(missing);
        return NULL;
    }
    put(obj, &ok, "partner_id", json_string(cr->partner.p.id));
    put(obj, &ok, "name", json_string(cr->partner.p.name));
    put(obj, &ok, "kind", json_string(partner_kind_name(cr->partner.p.kind)));
    put(obj, &ok, "status", json_string(partner_status_name(cr->partner.p.status)));
    put(obj, &ok, "as_of", date_or_null(cr->today));
    put(obj, &ok, "overall", json_string(auth_state_name(cr->overall)));
    put(obj, &ok, "met", json_integer((json_int_t)r->met));
    put(obj, &ok, "not_met", json_integer((json_int_t)r->not_met));
    put(obj, &ok, "unknown", json_integer((json_int_t)r->unknown));
    put(obj, &ok, "ttm_revenue_source", cr->ttm_source ? json_string(cr->ttm_source)
                                                       : json_null());
    for (size_t i = 0; i < r->n; i++) {
        const struct auth_result *res = &r->results[i];

        if (json_array_append_new(reqs, json_pack("{s:s, s:s, s:s, s:s, s:s}", "id",
                                                  res->req->id, "label", res->req->label,
                                                  "scope", res->req->scope, "state",
                                                  auth_state_name(res->state), "detail",
                                                  res->detail)) < 0)
            ok = false;
        if (res->state != AUTH_MET &&
            json_array_append_new(missing, json_string(res->req->id)) < 0)
            ok = false;
    }
    put(obj, &ok, "requirements", reqs);
    put(obj, &ok, "missing", missing);
    put(obj, &ok, "reassessment_month", cr->reassessment_month
                                            ? json_integer(cr->reassessment_month) : json_null());
    put(obj, &ok, "next_reassessment", date_or_null(cr->next_reassessment));
    put(obj, &ok, "remediation_deadline", date_or_null(cr->remediation_deadline));
    put(obj, &ok, "remediation_basis", str_or_null(cr->remediation_basis));
    return finish(obj, ok);
}
