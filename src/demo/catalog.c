/*
 * demo/catalog.c — the built-in catalogue (see catalog.h): prices computed from one USD
 * figure per SKU with integer arithmetic, written as Microsoft's price list CSV.
 *
 * Per-plan rule of thumb, per seat per month (the shape Microsoft's NCE list has):
 *   P1Y annual = base; P1Y billed monthly = base + 5 %; P1M = base + 20 %; P3Y = base.
 * The list's UnitPrice is the whole term (Part A 13): P1Y = 12 months, P3Y = 36, P1M = 1.
 * Other currencies: EUR = USD x 0.92, GBP = USD x 0.79 (to the cent, half up), JPY = USD x 150
 * (whole yen). Two rows per plan: before the rise (to 2026-03-31) and from 2026-04-01.
 */
#include "demo/catalog.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/decimal.h"
#include "svc/pricelist.h"
#include "svc/sub_svc.h"

const struct demo_sku demo_skus[] = {
    {"CFQ7TTC0LH18:0001", "Microsoft 365 Business Basic",
     "Web and mobile versions of Office apps, Teams, email and 1 TB of cloud storage.", 600, 5, 0},
    {"CFQ7TTC0LDPB:0001", "Microsoft 365 Business Standard",
     "Desktop Office apps, Teams, email, cloud storage, and webinars.", 1250, 5, 0},
    {"CFQ7TTC0LCHC:0002", "Microsoft 365 Business Premium",
     "Business Standard plus advanced security and device management.", 2200, 4, 0},
    {"CFQ7TTC0LFLX:0001", "Microsoft 365 E3",
     "Productivity apps, Windows Enterprise, security and compliance.", 3600, 0, 1},
    {"CFQ7TTC0LFLZ:0002", "Microsoft 365 E5",
     "E3 plus advanced security, compliance, voice and analytics.", 5700, 0, 1},
    {"CFQ7TTC0LH16:0001", "Exchange Online (Plan 1)",
     "Business email with a 50 GB mailbox.", 400, 0, 0},
};
const int demo_nskus = (int)(sizeof(demo_skus) / sizeof(demo_skus[0]));

const int demo_paths[][2] = {{0, 1}, {0, 2}, {1, 2}, {3, 4}, {5, 0}, {-1, -1}};

const struct demo_market demo_markets[] = {
    {"US", "USD"}, {"DE", "EUR"}, {"FR", "EUR"}, {"NL", "EUR"}, {"GB", "GBP"}, {"JP", "JPY"},
};
const int demo_nmarkets = (int)(sizeof(demo_markets) / sizeof(demo_markets[0]));

#define DEMO_LIST_START "2025-01-01T00:00:00.0000000Z"
#define DEMO_RISE_END "2026-03-31T23:59:59.0000000Z"
#define DEMO_RISE_START "2026-04-01T00:00:00.0000000Z"
#define DEMO_OPEN_END "9999-11-30T23:59:00.0000000Z"

/* USD cents -> the currency's minor units, half up (JPY has none). */
static int64_t convert(int64_t usd_cents, const char *ccy)
{
    if (strcmp(ccy, "EUR") == 0)
        return (usd_cents * 92 + 50) / 100;
    if (strcmp(ccy, "GBP") == 0)
        return (usd_cents * 79 + 50) / 100;
    if (strcmp(ccy, "JPY") == 0)
        return (usd_cents * 150 + 50) / 100;
    return usd_cents;
}

static void money(int64_t minor, const char *ccy, char buf[32])
{
    if (strcmp(ccy, "JPY") == 0)
        snprintf(buf, 32, "%lld", (long long)minor);
    else
        snprintf(buf, 32, "%lld.%02lld", (long long)(minor / 100), (long long)(minor % 100));
}

struct plan_row {
    const char *term, *billing;
    int months;        /* term length */
    int pct;           /* per-month price as % of the P1Y annual base */
    int p3y;           /* needs has_p3y */
};

static const struct plan_row plans[] = {
    {"P1M", "Monthly", 1, 120, 0},
    {"P1Y", "Monthly", 12, 105, 0},
    {"P1Y", "Annual", 12, 100, 0},
    {"P3Y", "Monthly", 36, 100, 1},
    {"P3Y", "Annual", 36, 100, 1},
    {"P3Y", "Triennial", 36, 100, 1},
};

static void csv_field(FILE *out, const char *s, int last)
{
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
    fputc(last ? '\n' : ',', out);
}

int demo_pricelist_write(FILE *out, struct err *err)
{
    static const char *const header[] = {
        "ProductTitle", "ProductId", "SkuId", "SkuTitle", "Publisher", "SkuDescription",
        "UnitOfMeasure", "TermDuration", "BillingPlan", "Market", "Currency", "UnitPrice",
        "PricingTierRangeMin", "PricingTierRangeMax", "EffectiveStartDate", "EffectiveEndDate",
        "Tags", "ERP Price",
    };
    const int nh = (int)(sizeof(header) / sizeof(header[0]));

    for (int i = 0; i < nh; i++)
        csv_field(out, header[i], i == nh - 1);
    for (int k = 0; k < demo_nskus; k++) {
        const struct demo_sku *s = &demo_skus[k];
        char product[16], skuid[8];
        const char *colon = strchr(s->id, ':');

        snprintf(product, sizeof(product), "%.*s", (int)(colon - s->id), s->id);
        snprintf(skuid, sizeof(skuid), "%s", colon + 1);
        for (int m = 0; m < demo_nmarkets; m++) {
            for (size_t p = 0; p < sizeof(plans) / sizeof(plans[0]); p++) {
                if (plans[p].p3y && !s->has_p3y)
                    continue;
                for (int phase = 0; phase < (s->rise_pct ? 2 : 1); phase++) {
                    const char *ccy = demo_markets[m].currency;
                    int64_t base = s->usd_cents;
                    int64_t month, term, erp;
                    char unit[32], erps[32];

                    if (phase == 1)
                        base = (base * (100 + s->rise_pct) + 50) / 100;
                    month = convert((base * plans[p].pct + 50) / 100, ccy);
                    term = month * plans[p].months;
                    erp = (term * 125 + 50) / 100;
                    money(term, ccy, unit);
                    money(erp, ccy, erps);
                    csv_field(out, s->title, 0);
                    csv_field(out, product, 0);
                    csv_field(out, skuid, 0);
                    csv_field(out, s->title, 0);
                    csv_field(out, "Microsoft Corporation", 0);
                    csv_field(out, s->desc, 0);
                    csv_field(out, "", 0);
                    csv_field(out, plans[p].term, 0);
                    csv_field(out, plans[p].billing, 0);
                    csv_field(out, demo_markets[m].market, 0);
                    csv_field(out, ccy, 0);
                    csv_field(out, unit, 0);
                    csv_field(out, "", 0);
                    csv_field(out, "", 0);
                    csv_field(out, phase == 1 ? DEMO_RISE_START : DEMO_LIST_START, 0);
                    csv_field(out, s->rise_pct && phase == 0 ? DEMO_RISE_END : DEMO_OPEN_END,
                              0);
                    csv_field(out, "License", 0);
                    csv_field(out, erps, 1);
                }
            }
        }
    }
    if (fflush(out) != 0 || ferror(out))
        return err_set(err, ERR_IO, "", "could not write the demo price list");
    return 0;
}

/* GBP -> EUR on the 1st of every month (Part A 12: Microsoft fixes one rate a month). */
static int load_rates(struct db *db, struct date from, struct date to, struct err *err)
{
    struct svc_ctx ctx = {.db = db, .actor = "system:demo"};
    struct date d = {from.year, from.month, 1};
    int i = 0;

    for (; date_cmp(d, to) <= 0; d = date_add_months(d, 1), i++) {
        struct fx_rate r;
        char text[16];

        memset(&r, 0, sizeof(r));
        snprintf(r.from, sizeof(r.from), "GBP");
        snprintf(r.to, sizeof(r.to), "EUR");
        /* 1.1580 .. 1.1720, stepping through a fixed pattern */
        snprintf(text, sizeof(text), "1.%04d", 1580 + (i * 37) % 141);
        if (dec_parse(text, strlen(text), &r.rate, err) < 0)
            return -1;
        r.effective_from = d;
        if (catalog_svc_add_rate(&ctx, &r, err) < 0)
            return -1;
    }
    return 0;
}

int demo_catalog_load(struct db *db, struct date from, struct date to, instant_t now,
                      long *rows, struct err *err)
{
    struct svc_ctx ctx = {.db = db, .actor = "system:demo"};
    struct pricelist_import_opts o;
    struct pricelist_import_result res;
    const char *dir = getenv("TMPDIR");
    char path[4096];
    FILE *f;
    int fd, rc;

    snprintf(path, sizeof(path), "%s/cspd-demo-pricelist.XXXXXX.csv",
             dir && *dir ? dir : "/tmp");
    fd = mkstemps(path, 4);
    if (fd < 0)
        return err_set(err, ERR_IO, "", "cannot create a temporary file in %s",
                       dir && *dir ? dir : "/tmp");
    f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        unlink(path);
        return err_set(err, ERR_IO, "", "cannot write %s", path);
    }
    rc = demo_pricelist_write(f, err);
    if (fclose(f) != 0 && rc == 0)
        rc = err_set(err, ERR_IO, "", "cannot write %s", path);
    if (rc == 0) {
        memset(&o, 0, sizeof(o));
        o.path = path;
        o.now = now;
        rc = pricelist_import(db, &o, &res, err);
        if (rc == 0 && rows)
            *rows = res.info.row_count;
    }
    unlink(path);
    if (rc < 0)
        return -1;
    for (int i = 0; demo_paths[i][0] >= 0; i++)
        if (catalog_svc_add_path(&ctx, demo_skus[demo_paths[i][0]].id,
                                 demo_skus[demo_paths[i][1]].id, err) < 0)
            return -1;
    return load_rates(db, from, to, err);
}
