/*
 * svc/party_json_in.c — reading partner and customer documents: the bounded field readers
 * (party_internal.h) and party_partner_apply_json / party_customer_apply_json (party.h).
 *
 * Validation at the edge (STYLE.md 9, 10): every text has a hard size, numbers are read as
 * JSON integers within bounds, money as decimal strings through dec_parse, dates through
 * date_parse; no atoi/strtol/sscanf. The first bad field wins and is named in the error, so
 * the API's 422 says exactly which key to fix. Documents are a few hundred bytes.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/currency.h"
#include "svc/party_internal.h"

int pj_known(const json_t *in, const char *const *allowed, struct err *err)
{
    const char *key;
    json_t *value;

    if (!json_is_object(in))
        return err_set(err, ERR_INVALID, "", "the request body must be a JSON object");
    json_object_foreach((json_t *)in, key, value) {
        bool known = false;

        for (const char *const *a = allowed; *a && !known; a++)
            known = strcmp(*a, key) == 0;
        if (!known)
            return err_set(err, ERR_INVALID, key, "unknown field '%.64s'", key);
    }
    return 0;
}

int pj_required(enum pj_has has, const char *key, bool create, struct err *err)
{
    if (create && has != PJ_VALUE)
        return err_set(err, ERR_INVALID, key, "field '%s' is required", key);
    if (!create && has == PJ_NULL)
        return err_set(err, ERR_INVALID, key, "field '%s' cannot be null", key);
    return 0;
}

/* Fetch `key`: absent, null, or the value (borrowed). */
static json_t *get(const json_t *in, const char *key, enum pj_has *has)
{
    json_t *v = json_object_get(in, key);

    *has = !v ? PJ_ABSENT : json_is_null(v) ? PJ_NULL : PJ_VALUE;
    return *has == PJ_VALUE ? v : NULL;
}

int pj_text(const json_t *in, const char *key, char *buf, size_t size, enum pj_has *has,
            struct err *err)
{
    json_t *v = get(in, key, has);
    const char *s;
    size_t n;

    if (*has == PJ_NULL)
        buf[0] = '\0';
    if (!v)
        return 0;
    if (!json_is_string(v))
        return err_set(err, ERR_INVALID, key, "field '%s' must be a string", key);
    s = json_string_value(v);
    n = json_string_length(v);
    if (n >= size)
        return err_set(err, ERR_INVALID, key, "field '%s' is longer than %zu bytes", key,
                       size - 1);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return err_set(err, ERR_INVALID, key, "field '%s' holds a control character", key);
    memcpy(buf, s, n + 1);
    return 0;
}

int pj_bool(const json_t *in, const char *key, bool *out, enum pj_has *has, struct err *err)
{
    json_t *v = get(in, key, has);

    if (!v)
        return 0;
    if (!json_is_boolean(v))
        return err_set(err, ERR_INVALID, key, "field '%s' must be true or false", key);
    *out = json_is_true(v);
    return 0;
}

int pj_int(const json_t *in, const char *key, int64_t min, int64_t max, int64_t *out,
           enum pj_has *has, struct err *err)
{
    json_t *v = get(in, key, has);
    json_int_t n;

    if (!v)
        return 0;
    if (!json_is_integer(v))
        return err_set(err, ERR_INVALID, key, "field '%s' must be a whole number", key);
    n = json_integer_value(v);
    if (n < min || n > max)
        return err_set(err, ERR_INVALID, key, "field '%s' must be from %lld to %lld", key,
                       (long long)min, (long long)max);
    *out = n;
    return 0;
}

int pj_date(const json_t *in, const char *key, struct date *out, enum pj_has *has,
            struct err *err)
{
    json_t *v = get(in, key, has);
    struct err perr;

    if (!v)
        return 0;
    err_clear(&perr);
    if (!json_is_string(v) ||
        date_parse(json_string_value(v), json_string_length(v), out, &perr) < 0)
        return err_set(err, ERR_INVALID, key, "field '%s' must be a date like 2026-05-01", key);
    return 0;
}

int pj_amount(const json_t *in, const char *key, struct dec *out, enum pj_has *has,
              struct err *err)
{
    json_t *v = get(in, key, has);
    struct err perr;

    if (!v)
        return 0;
    err_clear(&perr);
    if (!json_is_string(v) || json_string_length(v) >= DEC_STRLEN ||
        dec_parse(json_string_value(v), json_string_length(v), out, &perr) < 0)
        return err_set(err, ERR_INVALID, key,
                       "field '%s' must be a decimal amount in a string, like \"1000.00\"", key);
    if (dec_cmp(*out, dec_zero()) < 0)
        return err_set(err, ERR_INVALID, key, "field '%s' cannot be negative", key);
    return 0;
}

int pj_check_country(const char *key, char *s, struct err *err)
{
    if (strlen(s) != 2 || !isalpha((unsigned char)s[0]) || !isalpha((unsigned char)s[1]))
        return err_set(err, ERR_INVALID, key,
                       "field '%s' must be a two-letter ISO 3166 country code", key);
    s[0] = (char)toupper((unsigned char)s[0]);
    s[1] = (char)toupper((unsigned char)s[1]);
    return 0;
}

int pj_check_currency(const char *key, char *s, struct err *err)
{
    for (char *p = s; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    if (!currency_is_known(s))
        return err_set(err, ERR_INVALID, key, "field '%s': '%.8s' is not a known ISO 4217 "
                       "currency", key, s);
    return 0;
}

int pj_check_guid(const char *key, char *s, struct err *err)
{
    if (strlen(s) != 36)
        goto bad;
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                goto bad;
        } else if (!isxdigit((unsigned char)s[i])) {
            goto bad;
        } else {
            s[i] = (char)tolower((unsigned char)s[i]);
        }
    }
    return 0;
bad:
    return err_set(err, ERR_INVALID, key, "field '%s' must be a tenant id (a GUID like "
                   "8c0c3e6a-0000-4000-8000-000000000000)", key);
}

int pj_check_email(const char *key, const char *s, struct err *err)
{
    const char *at = strchr(s, '@');

    if (!at || at == s || !at[1] || strchr(at + 1, '@') || !strchr(at + 1, '.') ||
        strpbrk(s, " \t,;<>()[]\\\""))
        return err_set(err, ERR_INVALID, key, "field '%s' must be an e-mail address", key);
    return 0;
}

int pj_check_partner_number(const char *key, const char *s, struct err *err)
{
    size_t n = strlen(s);

    if (n == 0 || n >= PROGRAM_PARTNER_ID_LEN || strspn(s, "0123456789") != n)
        return err_set(err, ERR_INVALID, key, "field '%s' must be a Microsoft PartnerID: up "
                       "to %d digits", key, PROGRAM_PARTNER_ID_LEN - 1);
    return 0;
}

int pj_check_domain(const char *key, char *s, struct err *err)
{
    size_t n = strlen(s);

    if (n == 0 || !strchr(s, '.') || s[0] == '.' || s[0] == '-' || s[n - 1] == '.' ||
        strstr(s, ".."))
        goto bad;
    for (char *p = s; *p; p++) {
        if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-')
            goto bad;
        *p = (char)tolower((unsigned char)*p);
    }
    return 0;
bad:
    return err_set(err, ERR_INVALID, key, "field '%s' must be a domain name like "
                   "contoso.onmicrosoft.com", key);
}

int pj_check_name(const char *key, const char *s, struct err *err)
{
    if (strspn(s, " ") == strlen(s))
        return err_set(err, ERR_INVALID, key, "field '%s' cannot be empty", key);
    return 0;
}

int pj_check_id(const char *key, const char *s, const char *prefix, struct err *err)
{
    if (!id_has_kind(s, prefix))
        return err_set(err, ERR_INVALID, key, "field '%s' must be an id like %s_…", key,
                       prefix);
    return 0;
}

/* ---- partners ---------------------------------------------------------------------------- */

static int parse_status(const char *s, enum partner_status *out)
{
    static const enum partner_status all[] = {
        PARTNER_STATUS_ACTIVE, PARTNER_STATUS_REMEDIATION, PARTNER_STATUS_SUSPENDED,
        PARTNER_STATUS_DEAUTHORIZED,
    };

    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        if (strcmp(s, partner_status_name(all[i])) == 0) {
            *out = all[i];
            return 0;
        }
    return -1;
}

static int parse_support_plan(const char *s, enum support_plan *out)
{
    static const struct { const char *name; enum support_plan plan; } plans[] = {
        {"none", SUPPORT_PLAN_NONE}, {"other", SUPPORT_PLAN_OTHER},
        {"asfp", SUPPORT_PLAN_ADVANCED}, {"psfp", SUPPORT_PLAN_PREMIER},
    };

    for (size_t i = 0; i < sizeof(plans) / sizeof(plans[0]); i++)
        if (strcmp(s, plans[i].name) == 0) {
            *out = plans[i].plan;
            return 0;
        }
    return -1;
}

static int apply_designations(struct party_partner *p, const json_t *in, struct err *err)
{
    json_t *v = json_object_get(in, "designations"), *item;
    size_t i;

    if (!v)
        return 0;
    p->n_designations = 0;
    p->designations_known = !json_is_null(v);
    if (json_is_null(v))
        return 0;
    if (!json_is_array(v))
        return err_set(err, ERR_INVALID, "designations",
                       "field 'designations' must be an array of names");
    if (json_array_size(v) > PARTY_DESIGNATIONS_MAX)
        return err_set(err, ERR_INVALID, "designations", "at most %d designations",
                       PARTY_DESIGNATIONS_MAX);
    json_array_foreach(v, i, item) {
        char *name = p->designations[p->n_designations];

        if (!json_is_string(item) || json_string_length(item) == 0 ||
            json_string_length(item) >= PROGRAM_NAME_LEN)
            return err_set(err, ERR_INVALID, "designations", "designation %zu must be a name "
                           "of 1 to %d bytes", i + 1, PROGRAM_NAME_LEN - 1);
        memcpy(name, json_string_value(item), json_string_length(item) + 1);
        p->n_designations++;
    }
    return 0;
}

/* Optional text with a shape check; null clears it. */
static int opt_text(const json_t *in, const char *key, char *buf, size_t size,
                    int (*check)(const char *, char *, struct err *), struct err *err)
{
    enum pj_has has;

    if (pj_text(in, key, buf, size, &has, err) < 0)
        return -1;
    if (has == PJ_VALUE && buf[0] && check && check(key, buf, err) < 0)
        return -1;
    return 0;
}

/*
 * A short code (country, currency) read through a scratch buffer, so a value too long for
 * `buf` is a 422, then checked (and upper-cased) by `check` and copied into `buf`.
 */
static int read_code(const json_t *in, const char *key, char *buf, size_t size,
                     int (*check)(const char *, char *, struct err *), enum pj_has *has,
                     struct err *err)
{
    char tmp[16];

    if (pj_text(in, key, tmp, size < sizeof(tmp) ? size + 1 : sizeof(tmp), has, err) < 0)
        return -1;
    if (*has == PJ_VALUE && check(key, tmp, err) < 0)
        return -1;
    if (*has == PJ_VALUE) {
        size_t n = strlen(tmp);

        if (n >= size)
            return err_set(err, ERR_INVALID, key, "field '%s' is too long", key);
        memcpy(buf, tmp, n + 1);
    }
    return 0;
}

static int check_partner_number_mut(const char *key, char *s, struct err *err)
{
    return pj_check_partner_number(key, s, err);
}

static int apply_partner_facts(struct party_partner *p, const json_t *in, struct err *err)
{
    char text[PROGRAM_EMAIL_LEN];
    enum pj_has has;
    int64_t n = 0;
    bool b = false;

    if (pj_text(in, "security_contact", text, sizeof(text), &has, err) < 0)
        return -1;
    if (has != PJ_ABSENT) {
        if (has == PJ_VALUE && text[0] && pj_check_email("security_contact", text, err) < 0)
            return -1;
        p->security_contact_known = has == PJ_VALUE;
        snprintf(p->security_contact, sizeof(p->security_contact), "%s", text);
    }
    if (apply_designations(p, in, err) < 0)
        return -1;
    if (pj_text(in, "support_plan", text, 16, &has, err) < 0)
        return -1;
    if (has == PJ_NULL)
        p->support_plan = SUPPORT_PLAN_UNKNOWN;
    else if (has == PJ_VALUE && parse_support_plan(text, &p->support_plan) < 0)
        return err_set(err, ERR_INVALID, "support_plan", "field 'support_plan' must be one of "
                       "none, other, asfp, psfp");
    if (pj_amount(in, "ttm_revenue_usd", &p->ttm_revenue_usd.value, &has, err) < 0)
        return -1;
    if (has != PJ_ABSENT)
        p->ttm_revenue_usd.known = has == PJ_VALUE;
    if (pj_int(in, "alert_response_minutes", 0, 525600, &n, &has, err) < 0)
        return -1;
    if (has != PJ_ABSENT)
        p->alert_response_minutes = (struct fact_count){has == PJ_VALUE, n};
    if (pj_int(in, "reseller_months", 0, 1200, &n, &has, err) < 0)
        return -1;
    if (has != PJ_ABSENT)
        p->reseller_months = (struct fact_count){has == PJ_VALUE, n};
    if (pj_bool(in, "business_email", &b, &has, err) < 0)
        return -1;
    if (has != PJ_ABSENT)
        p->business_email = has == PJ_NULL ? FACT_UNKNOWN : b ? FACT_YES : FACT_NO;
    return 0;
}

int party_partner_apply_json(struct party_partner *p, const json_t *in, bool create,
                             struct err *err)
{
    static const char *const allowed[] = {
        "kind", "name", "country", "region", "currency", "pga_id", "pla_id", "pla_verified",
        "csp_tenant_id", "csp_tenant_active", "status", "onboarded_on", "security_contact",
        "designations", "support_plan", "ttm_revenue_usd", "alert_response_minutes",
        "reseller_months", "business_email", NULL,
    };
    struct partner *d = &p->p;
    char text[PROGRAM_NAME_LEN];
    enum pj_has has;
    bool b = false;

    if (pj_known(in, allowed, err) < 0)
        return -1;
    if (pj_text(in, "kind", text, 24, &has, err) < 0 || pj_required(has, "kind", create, err) < 0)
        return -1;
    if (has == PJ_VALUE) {
        enum partner_kind kind;
        struct err kerr;

        err_clear(&kerr);
        if (partner_kind_parse(text, &kind, &kerr) < 0)
            return err_set(err, ERR_INVALID, "kind", "field 'kind' must be one of distributor, "
                           "indirect_reseller, direct_bill");
        if (!create && kind != d->kind)
            return err_set(err, ERR_INVALID, "kind", "a partner's kind cannot change; create "
                           "a new partner instead");
        d->kind = kind;
    }
    if (pj_text(in, "name", d->name, sizeof(d->name), &has, err) < 0 ||
        pj_required(has, "name", create, err) < 0 ||
        (has == PJ_VALUE && pj_check_name("name", d->name, err) < 0))
        return -1;
    if (read_code(in, "country", d->country, sizeof(d->country), pj_check_country, &has,
                  err) < 0 ||
        pj_required(has, "country", create, err) < 0)
        return -1;
    if (pj_text(in, "region", d->region, sizeof(d->region), &has, err) < 0)
        return -1;
    if (has == PJ_VALUE && d->region[0] && !program_region_info(d->region))
        return err_set(err, ERR_INVALID, "region", "field 'region': '%s' is not a CSP region "
                       "of the region table (docs/program.md)", d->region);
    if (read_code(in, "currency", d->currency, sizeof(d->currency), pj_check_currency, &has,
                  err) < 0 ||
        pj_required(has, "currency", create, err) < 0)
        return -1;
    if (opt_text(in, "pga_id", d->pga_id, sizeof(d->pga_id), check_partner_number_mut,
                 err) < 0 ||
        opt_text(in, "pla_id", d->pla_id, sizeof(d->pla_id), check_partner_number_mut,
                 err) < 0 ||
        opt_text(in, "csp_tenant_id", d->csp_tenant_id, sizeof(d->csp_tenant_id),
                 pj_check_guid, err) < 0)
        return -1;
    if (pj_bool(in, "pla_verified", &b, &has, err) < 0 ||
        pj_required(has, "pla_verified", false, err) < 0)
        return -1;
    if (has == PJ_VALUE)
        d->pla_verified = b;
    if (pj_bool(in, "csp_tenant_active", &b, &has, err) < 0 ||
        pj_required(has, "csp_tenant_active", false, err) < 0)
        return -1;
    if (has == PJ_VALUE)
        d->csp_tenant_active = b;
    if (pj_text(in, "status", text, 24, &has, err) < 0 ||
        pj_required(has, "status", false, err) < 0)
        return -1;
    if (has == PJ_VALUE && parse_status(text, &d->status) < 0)
        return err_set(err, ERR_INVALID, "status", "field 'status' must be one of active, "
                       "remediation, suspended, deauthorized");
    if (pj_date(in, "onboarded_on", &d->onboarded_on, &has, err) < 0)
        return -1;
    if (has == PJ_NULL)
        d->onboarded_on = (struct date){0, 0, 0};
    if (apply_partner_facts(p, in, err) < 0)
        return -1;
    if (!d->region[0] && !program_region_of(d->country))
        return err_set(err, ERR_INVALID, "country", "country %s is not in the region table; "
                       "give the partner's CSP region in 'region'", d->country);
    return 0;
}

/* ---- customers --------------------------------------------------------------------------- */

static int apply_contacts(struct party_customer *c, const json_t *in, struct err *err)
{
    static const char *const allowed[] = {"name", "email", "phone", "role", NULL};
    json_t *v = json_object_get(in, "contacts"), *item;
    size_t i;

    if (!v)
        return 0;
    c->n_contacts = 0;
    if (json_is_null(v))
        return 0;
    if (!json_is_array(v))
        return err_set(err, ERR_INVALID, "contacts", "field 'contacts' must be an array");
    if (json_array_size(v) > PARTY_CONTACTS_MAX)
        return err_set(err, ERR_INVALID, "contacts", "at most %d contacts",
                       PARTY_CONTACTS_MAX);
    json_array_foreach(v, i, item) {
        struct party_contact *k = &c->contacts[c->n_contacts];
        enum pj_has has;

        if (!json_is_object(item))
            return err_set(err, ERR_INVALID, "contacts", "contact %zu must be an object",
                           i + 1);
        memset(k, 0, sizeof(*k));
        if (pj_known(item, allowed, err) < 0 ||
            pj_text(item, "name", k->name, sizeof(k->name), &has, err) < 0 ||
            pj_required(has, "name", true, err) < 0 || pj_check_name("name", k->name, err) < 0 ||
            pj_text(item, "email", k->email, sizeof(k->email), &has, err) < 0 ||
            (has == PJ_VALUE && pj_check_email("email", k->email, err) < 0) ||
            pj_text(item, "phone", k->phone, sizeof(k->phone), &has, err) < 0 ||
            pj_text(item, "role", k->role, sizeof(k->role), &has, err) < 0) {
            char field[96];

            snprintf(field, sizeof(field), "contacts[%zu].%.40s", i, err->field);
            snprintf(err->field, sizeof(err->field), "%.63s", field);
            return -1;
        }
        c->n_contacts++;
    }
    return 0;
}

static int apply_owners(struct party_customer *c, const json_t *in, bool create,
                        struct err *err)
{
    static const char *const keys[] = {"partner_id", "distributor_id", "reseller_id"};
    char *bufs[] = {c->owner_partner_id, c->distributor_id, c->reseller_id};
    enum pj_has has[3];

    for (int i = 0; i < 3; i++) {
        char tmp[ID_MAXLEN];

        if (pj_text(in, keys[i], tmp, sizeof(tmp), &has[i], err) < 0)
            return -1;
        if (has[i] == PJ_ABSENT)
            continue;
        if (!create)
            return err_set(err, ERR_INVALID, keys[i], "a customer's partners cannot change");
        if (has[i] == PJ_NULL)
            continue;
        if (pj_check_id(keys[i], tmp, "prt", err) < 0)
            return -1;
        memcpy(bufs[i], tmp, ID_MAXLEN);
    }
    if (!create)
        return 0;
    if (has[0] == PJ_VALUE && (has[1] == PJ_VALUE || has[2] == PJ_VALUE))
        return err_set(err, ERR_INVALID, has[1] == PJ_VALUE ? "distributor_id" : "reseller_id",
                       "name either partner_id (a direct-bill partner's customer) or "
                       "distributor_id and reseller_id (a reseller's customer), not both");
    if (has[0] == PJ_VALUE)
        return 0;
    if (has[1] != PJ_VALUE && has[2] != PJ_VALUE)
        return err_set(err, ERR_INVALID, "partner_id", "field 'partner_id' is required (or "
                       "distributor_id and reseller_id for a reseller's customer)");
    if (has[1] != PJ_VALUE)
        return err_set(err, ERR_INVALID, "distributor_id", "field 'distributor_id' is "
                       "required with reseller_id");
    if (has[2] != PJ_VALUE)
        return err_set(err, ERR_INVALID, "reseller_id", "field 'reseller_id' is required "
                       "with distributor_id");
    /* A distributor's book: the distributor is the transacting owner. */
    memcpy(c->owner_partner_id, c->distributor_id, ID_MAXLEN);
    return 0;
}

int party_customer_apply_json(struct party_customer *c, const json_t *in, bool create,
                              struct err *err)
{
    static const char *const allowed[] = {
        "name", "tenant_id", "domain", "country", "market", "billing_currency", "partner_id",
        "distributor_id", "reseller_id", "credit_limit", "contacts", "portal_enabled",
        "affiliated_pga_id", "csp_transacting_tenant", NULL,
    };
    struct customer *d = &c->c;
    enum pj_has has, market_has;
    bool b = false;
    int places;

    if (pj_known(in, allowed, err) < 0 || apply_owners(c, in, create, err) < 0)
        return -1;
    if (pj_text(in, "name", d->name, sizeof(d->name), &has, err) < 0 ||
        pj_required(has, "name", create, err) < 0 ||
        (has == PJ_VALUE && pj_check_name("name", d->name, err) < 0))
        return -1;
    if (opt_text(in, "tenant_id", d->tenant_id, sizeof(d->tenant_id), pj_check_guid, err) < 0 ||
        opt_text(in, "domain", c->domain, sizeof(c->domain), pj_check_domain, err) < 0 ||
        opt_text(in, "affiliated_pga_id", d->affiliated_pga_id, sizeof(d->affiliated_pga_id),
                 check_partner_number_mut, err) < 0)
        return -1;
    if (read_code(in, "country", c->address_country, sizeof(c->address_country),
                  pj_check_country, &has, err) < 0 ||
        pj_required(has, "country", create, err) < 0)
        return -1;
    if (read_code(in, "market", d->country, sizeof(d->country), pj_check_country, &market_has,
                  err) < 0 ||
        pj_required(market_has, "market", false, err) < 0)
        return -1;
    if (create && market_has != PJ_VALUE)
        memcpy(d->country, c->address_country, sizeof(d->country));
    if (!program_region_of(d->country))
        return err_set(err, ERR_INVALID, market_has == PJ_VALUE ? "market" : "country",
                       "market %s is not in the region table (docs/program.md); the market is "
                       "the country of the customer's tenant", d->country);
    if (read_code(in, "billing_currency", c->billing_currency, sizeof(c->billing_currency),
                  pj_check_currency, &has, err) < 0 ||
        pj_required(has, "billing_currency", create, err) < 0)
        return -1;
    if (pj_amount(in, "credit_limit", &c->credit_limit, &has, err) < 0)
        return -1;
    if (has != PJ_ABSENT)
        c->has_credit_limit = has == PJ_VALUE;
    places = currency_minor_units(c->billing_currency);
    if (c->has_credit_limit && places >= 0) {
        struct dec r;
        struct err rerr;

        err_clear(&rerr);
        if (dec_round(c->credit_limit, places, DEC_ROUND_DOWN, &r, &rerr) < 0 ||
            dec_cmp(r, c->credit_limit) != 0)
            return err_set(err, ERR_INVALID, "credit_limit", "field 'credit_limit' has more "
                           "than the %d decimals of %s", places, c->billing_currency);
    }
    if (apply_contacts(c, in, err) < 0)
        return -1;
    if (pj_bool(in, "portal_enabled", &b, &has, err) < 0 ||
        pj_required(has, "portal_enabled", false, err) < 0)
        return -1;
    if (has == PJ_VALUE)
        c->portal_enabled = b;
    if (pj_bool(in, "csp_transacting_tenant", &b, &has, err) < 0 ||
        pj_required(has, "csp_transacting_tenant", false, err) < 0)
        return -1;
    if (has == PJ_VALUE)
        d->is_csp_transacting_tenant = b;
    return 0;
}
