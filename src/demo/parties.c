/*
 * demo/parties.c — the demo's partners and customers, made through the parties services
 * (svc/party.h) exactly as the API would make them: JSON documents in, program rules checked
 * (region, MPA, relationship, attestation), audit rows written.
 *
 * Shape of the book (program.md §1): partner 0 is a European distributor (DE, EUR) whose
 * indirect resellers (partners 3..N-1, in DE, GB, FR and NL) sell to European customers —
 * GB-market customers are priced in GBP and billed in EUR, so their lines carry an exchange
 * rate; partner 1 is a US direct-bill partner (USD), partner 2 a Japanese one (JPY). One
 * customer in six has no MCA (it can buy nothing: program.md §2). Billing: each issuer gets
 * its settings and tax rates, distributors and direct-bill partners a default markup, each
 * reseller its own markup, one customer a customer-level rule (domain/pricing precedence).
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "demo/book.h"
#include "domain/pricing/pricing.h"
#include "store/repo_invoice.h"
#include "store/repo_margin.h"
#include "store/scope.h"
#include "svc/party.h"

static const char *const customer_names[] = {
    "Contoso", "Fabrikam", "Tailspin Toys", "Northwind Traders", "Adventure Works",
    "Wide World Importers", "Litware", "Proseware", "Woodgrove Bank", "Alpine Ski House",
    "Coho Winery", "Fourth Coffee", "Lucerne Publishing", "Margie's Travel", "Relecloud",
    "Trey Research", "VanArsdel", "Wingtip Toys", "Blue Yonder Airlines",
    "Humongous Insurance", "Graphic Design Institute", "Bellows College", "Consolidated Messenger",
    "City Power & Light",
};
#define NNAMES (sizeof(customer_names) / sizeof(customer_names[0]))

static const struct {
    const char *name, *country, *currency;
} reseller_seats[] = {
    {"Alpine IT Services GmbH", "DE", "EUR"},
    {"Thames Digital Ltd", "GB", "GBP"},
    {"Lumiere Informatique SARL", "FR", "EUR"},
    {"Tulip Cloud B.V.", "NL", "EUR"},
};

static void guid(struct demo_rng *r, char out[37])
{
    uint64_t a = demo_rng_next(r), b = demo_rng_next(r);

    snprintf(out, 37, "%08x-%04x-4%03x-%04x-%012llx", (unsigned)(a >> 32),
             (unsigned)(a >> 16) & 0xffff, (unsigned)a & 0xfff,
             0x8000u | ((unsigned)(b >> 48) & 0x3fff), (unsigned long long)b & 0xffffffffffffULL);
}

static void slug(const char *name, char *out, size_t size)
{
    size_t n = 0;

    for (; *name && n + 1 < size; name++)
        if ((*name >= 'a' && *name <= 'z') || (*name >= '0' && *name <= '9'))
            out[n++] = *name;
        else if (*name >= 'A' && *name <= 'Z')
            out[n++] = (char)(*name - 'A' + 'a');
    out[n] = '\0';
}

static int check_json(json_t *j, struct err *err)
{
    if (!j)
        return err_set(err, ERR_NOMEM, "", "out of memory building a demo document");
    return 0;
}

static int make_partner(struct demo_book *b, long i, const struct scope *all,
                        struct err *err)
{
    struct demo_partner *p = &b->partners[i];
    struct party_partner out;
    const char *kind;
    char tenant[37], pla[24], pga[24], s[48], contact[96], mpa_on[DATE_STRLEN], onb[DATE_STRLEN];
    struct date setup = instant_date(b->setup_at);
    json_t *in, *m;
    int rc;

    kind = p->role == DP_DISTRIBUTOR ? "distributor"
           : p->role == DP_RESELLER ? "indirect_reseller" : "direct_bill";
    guid(&b->rng, tenant);
    snprintf(pla, sizeof(pla), "%07ld", 4100000 + (i % 100000) * 37);
    snprintf(pga, sizeof(pga), "%07ld", 3100000 + (i % 100000) * 41);
    slug(p->name, s, sizeof(s));
    snprintf(contact, sizeof(contact), "security@%s.example", s);
    date_format(date_add_months(setup, -(int)(12 + i % 24)), onb);
    date_format(date_add_months(setup, -(int)(11 + i % 24)), mpa_on);
    in = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:b, s:s, s:s, s:s, s:[s]}",
                   "kind", kind, "name", p->name, "country", p->country, "currency",
                   p->currency, "pla_id", pla, "pga_id", pga, "pla_verified", 1,
                   "csp_tenant_id", tenant, "csp_tenant_active", 1, "onboarded_on", onb,
                   "security_contact", contact, "support_plan",
                   p->role == DP_DISTRIBUTOR ? "psfp" : "asfp", "designations",
                   "Solutions Partner for Modern Work");
    if (check_json(in, err) < 0)
        return -1;
    rc = svc_partner_create(b->db, all, b->setup_at, in, &out, err);
    json_decref(in);
    if (rc < 0)
        return -1;
    memcpy(p->id, out.p.id, ID_MAXLEN);
    m = json_pack("{s:s, s:s}", "accepted_on", mpa_on, "accepted_by",
                  "Global Admin <admin@partner.example>");
    if (check_json(m, err) < 0)
        return -1;
    rc = svc_partner_accept_mpa(b->db, all, b->setup_at, p->id, m, &out, err);
    json_decref(m);
    return rc;
}

static int relate(struct demo_book *b, const struct scope *all, long r, struct err *err)
{
    struct party_relationship out;
    json_t *in = json_pack("{s:s, s:s}", "distributor_id", b->partners[0].id, "reseller_id",
                           b->partners[r].id);
    int rc;

    if (check_json(in, err) < 0)
        return -1;
    rc = svc_relationship_establish(b->db, all, b->setup_at, in, &out, err);
    json_decref(in);
    return rc;
}

static int make_customer(struct demo_book *b, long i, const struct scope *all,
                         struct err *err)
{
    struct demo_customer *c = &b->customers[i];
    const struct demo_partner *seller;
    struct party_customer out;
    char name[80], domain[96], tenant[37], s[48], email[128], agreed[DATE_STRLEN];
    json_t *in, *m;
    int rc;
    uint32_t pick = demo_rng_below(&b->rng, 100);

    /* 60 % through resellers, 28 % US direct, 12 % Japan direct */
    if (pick < 60 && b->npartners > 3)
        c->seller = 3 + (int)demo_rng_below(&b->rng, (uint32_t)(b->npartners - 3));
    else
        c->seller = pick < 88 ? 1 : 2;
    seller = &b->partners[c->seller];
    if (c->seller == 1) {
        snprintf(c->market, sizeof(c->market), "US");
        snprintf(c->currency, sizeof(c->currency), "USD");
    } else if (c->seller == 2) {
        snprintf(c->market, sizeof(c->market), "JP");
        snprintf(c->currency, sizeof(c->currency), "JPY");
    } else {
        /* the reseller's own country, one in five elsewhere in Europe */
        static const char *const eu[] = {"DE", "FR", "NL", "GB"};
        const char *mk = demo_rng_pct(&b->rng, 20) ? eu[demo_rng_below(&b->rng, 4)]
                                                   : seller->country;

        snprintf(c->market, sizeof(c->market), "%s", mk);
        snprintf(c->currency, sizeof(c->currency), "EUR"); /* the distributor bills in EUR */
    }
    if ((size_t)i < NNAMES)
        snprintf(name, sizeof(name), "%s", customer_names[i]);
    else
        snprintf(name, sizeof(name), "%s %ld", customer_names[i % (long)NNAMES],
                 i / (long)NNAMES + 1);
    slug(name, s, sizeof(s));
    snprintf(domain, sizeof(domain), "%s%ld.onmicrosoft.com", s, i + 1);
    snprintf(email, sizeof(email), "it@%s.example", s);
    guid(&b->rng, tenant);
    c->mca = i % 6 != 5;
    c->weight = 1 + (int)demo_rng_below(&b->rng, 4) * (demo_rng_pct(&b->rng, 15) ? 6 : 1);
    in = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:[{s:s, s:s, s:s}]}", "name", name,
                   "country", c->market, "billing_currency", c->currency, "tenant_id",
                   tenant, "domain", domain, "credit_limit",
                   strcmp(c->currency, "JPY") == 0 ? "5000000" : "50000.00", "portal_enabled",
                   1, "contacts", "name", "IT Department", "email", email, "role", "billing");
    if (check_json(in, err) < 0)
        return -1;
    if (seller->role == DP_RESELLER) {
        json_object_set_new(in, "distributor_id", json_string(b->partners[0].id));
        json_object_set_new(in, "reseller_id", json_string(seller->id));
    } else {
        json_object_set_new(in, "partner_id", json_string(seller->id));
    }
    rc = svc_customer_create(b->db, all, b->setup_at, in, &out, err);
    json_decref(in);
    if (rc < 0)
        return -1;
    memcpy(c->id, out.c.id, ID_MAXLEN);
    if (!c->mca) {
        b->st->customers_without_mca++;
        return 0;
    }
    date_format(date_add_months(instant_date(b->setup_at), -(int)(1 + i % 10)), agreed);
    /* direct-bill partners and the distributor attest; some customers accepted themselves */
    if (i % 3 == 0)
        m = json_pack("{s:s, s:s}", "status", "accepted", "accepted_on", agreed);
    else
        m = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "status", "attested",
                      "accepted_on", agreed, "signer_first_name", "Alex", "signer_last_name",
                      "Wilber", "signer_email", email, "signer_phone", "+1 425 555 0100",
                      "agreement_version", "MCA 2024-01");
    if (check_json(m, err) < 0)
        return -1;
    rc = svc_customer_record_mca(b->db, all, b->setup_at, c->id, m, &out, err);
    json_decref(m);
    return rc;
}

static int margin(struct demo_book *b, const char *seller, enum margin_level level,
                  const char *target, const char *value, struct err *err)
{
    struct margin_rule r;

    memset(&r, 0, sizeof(r));
    snprintf(r.seller_id, sizeof(r.seller_id), "%s", seller);
    r.level = level;
    snprintf(r.target_id, sizeof(r.target_id), "%s", target ? target : "");
    r.kind = MARGIN_MARKUP;
    if (dec_parse(value, strlen(value), &r.value, err) < 0)
        return -1;
    r.from = (struct date){2025, 1, 1};
    if (margin_rule_validate(&r, err) < 0)
        return -1;
    return repo_margin_insert(b->db, &r, "demo", b->setup_at, err);
}

/* Billing settings, tax rates and margin rules: store level (no billing-settings service). */
static int billing_setup(struct demo_book *b, struct err *err)
{
    static const struct { const char *country, *rate, *label; } vat[] = {
        {"DE", "19", "VAT"}, {"FR", "20", "TVA"}, {"NL", "21", "BTW"}, {"GB", "20", "VAT"},
        {"US", "0", "Sales tax"}, {"JP", "10", "JCT"},
    };
    static const char *const colours[] = {"#0f6cbd", "#8a3707", "#107c10", "#5c2e91"};

    if (db_begin(b->db, err) < 0)
        return -1;
    for (long i = 0; i < b->npartners; i++) {
        const struct demo_partner *p = &b->partners[i];
        char addr[128], pct[8];

        snprintf(addr, sizeof(addr), "1 Demo Street, %s", p->country);
        if (repo_invoice_put_settings(b->db, p->id, p->name, colours[i % 4], NULL, addr, NULL,
                                      "Thank you for your business.", 30, "half_up",
                                      b->setup_at, err) < 0)
            goto fail;
        for (size_t k = 0; k < sizeof(vat) / sizeof(vat[0]); k++)
            if (repo_invoice_put_tax_rate(b->db, p->id, vat[k].country, vat[k].rate,
                                          vat[k].label, err) < 0)
                goto fail;
        /* distributor: 6 % over Microsoft's cost to its resellers; others 12..20 % */
        snprintf(pct, sizeof(pct), "%d", p->role == DP_DISTRIBUTOR ? 6 : 12 + (int)(i % 5) * 2);
        if (margin(b, p->id, MARGIN_LEVEL_PARTNER, NULL, pct, err) < 0)
            goto fail;
    }
    /* a negotiated customer-level markup beats the seller's default (precedence) */
    for (long i = 0; i < b->ncustomers; i++)
        if (b->customers[i].mca && i % 7 == 1 &&
            margin(b, b->partners[b->customers[i].seller].id, MARGIN_LEVEL_CUSTOMER,
                   b->customers[i].id, "8", err) < 0)
            goto fail;
    return db_commit(b->db, err);
fail:
    db_rollback(b->db);
    return -1;
}

int demo_parties(struct demo_book *b, struct err *err)
{
    static const struct demo_partner fixed[3] = {
        {"", DP_DISTRIBUTOR, "Northwind Distribution GmbH", "DE", "EUR"},
        {"", DP_DIRECT_US, "Fabrikam Cloud Inc.", "US", "USD"},
        {"", DP_DIRECT_JP, "Contoso Japan KK", "JP", "JPY"},
    };
    struct scope all;

    scope_init_installation(&all);
    for (long i = 0; i < b->npartners; i++) {
        struct demo_partner *p = &b->partners[i];

        if (i < 3) {
            *p = fixed[i];
        } else {
            long k = (i - 3) % 4;

            p->role = DP_RESELLER;
            if (i - 3 < 4)
                snprintf(p->name, sizeof(p->name), "%s", reseller_seats[k].name);
            else
                snprintf(p->name, sizeof(p->name), "%.40s %ld", reseller_seats[k].name,
                         (i - 3) / 4 + 1);
            snprintf(p->country, sizeof(p->country), "%s", reseller_seats[k].country);
            snprintf(p->currency, sizeof(p->currency), "%s", reseller_seats[k].currency);
        }
        if (make_partner(b, i, &all, err) < 0 || (i >= 3 && relate(b, &all, i, err) < 0))
            return -1;
        b->st->partners++;
        demo_progress(b, "partners", i + 1, b->npartners);
    }
    for (long i = 0; i < b->ncustomers; i++) {
        if (make_customer(b, i, &all, err) < 0)
            return -1;
        b->st->customers++;
        demo_progress(b, "customers", i + 1, b->ncustomers);
    }
    return billing_setup(b, err);
}
