/*
 * io/scenario.h — the scenario file format (docs/scenarios.md; the contract is
 * ../shared/domain/scenarios.md): parsing and validating one JSON file into steps and
 * expectations, running it on the real engine, and comparing or printing the result.
 *
 * A scenario is a price list, a sequence of steps on a clock, and what Microsoft bills for it.
 * Parsing is strict about what the format defines (types, names, dates, amounts written as
 * decimal strings, steps in time order) and ignores keys it does not know, so files may carry
 * optional notes ("worked", ...). Every validation error names the file's place ("steps[3].
 * quantity: ...") and makes `cspd scenario run` exit 2.
 *
 * Ownership: scenario_load fills a caller-owned `struct scenario` whose arrays it allocates;
 * scenario_release frees them. Caps: SCENARIO_MAX_BYTES per file, SCENARIO_MAX_ITEMS per list.
 */
#ifndef CSPD_IO_SCENARIO_H
#define CSPD_IO_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "core/date.h"
#include "core/decimal.h"
#include "core/err.h"
#include "domain/billing/charge.h"
#include "domain/catalog/catalog.h"
#include "domain/lifecycle/sub.h"

#define SCENARIO_MAX_BYTES (16 * 1024 * 1024)
#define SCENARIO_MAX_ITEMS 100000
#define SCENARIO_NAME_MAX 64
#define SCENARIO_CODE_MAX 48

enum scenario_do {
    DO_ORDER,
    DO_SET_QUANTITY,
    DO_UPGRADE,
    DO_CANCEL,
    DO_SUSPEND,
    DO_REACTIVATE,
    DO_SET_AUTO_RENEW,
    DO_SCHEDULE,
    DO_PRICE,
    DO_RATE,
    DO_UNTIL,
};

struct scenario_step {
    enum scenario_do kind;
    instant_t at;                   /* the instant (for until: the until instant) */
    char sub[SCENARIO_NAME_MAX];
    char sku[SKU_MAX];              /* order, schedule (has_sku) */
    bool has_sku;
    enum term term;
    bool has_term;
    enum billing billing;
    bool has_billing;
    int32_t quantity;
    bool has_quantity;
    bool auto_renew;                /* order; default true */
    bool has_promotion, has_end_date;
    char to_sku[SKU_MAX];           /* upgrade */
    char new_sub[SCENARIO_NAME_MAX];
    bool value;                     /* set_auto_renew */
    enum sub_decision action;       /* schedule */
    struct price_point price;       /* price */
    struct fx_rate rate;            /* rate */
};

/* Keys an expected charge line gives (bit per key). */
enum expect_key {
    EK_SUB = 1u << 0, EK_SKU = 1u << 1, EK_TYPE = 1u << 2, EK_START = 1u << 3,
    EK_END = 1u << 4, EK_QUANTITY = 1u << 5, EK_UNIT_PRICE = 1u << 6, EK_EUP = 1u << 7,
    EK_SUBTOTAL = 1u << 8, EK_CURRENCY = 1u << 9, EK_BILLING_CURRENCY = 1u << 10,
    EK_BILLING_SUBTOTAL = 1u << 11, EK_EST = 1u << 12,
};

struct expect_charge {
    unsigned given;
    char sub[SCENARIO_NAME_MAX];
    char sku[SKU_MAX];
    enum charge_type type;
    struct date start, end;
    int32_t quantity;
    struct dec unit_price, eup, subtotal, billing_subtotal;
    int eup_places;                 /* decimals the file writes for effective_unit_price */
    char currency[CCY_MAX], billing_currency[CCY_MAX];
    bool est;
    json_t *src;                    /* the line as written (for diffs), owned */
};

struct expect_refusal {
    int step;
    char code[SCENARIO_CODE_MAX];
};

enum state_key { SK_STATUS = 1u << 0, SK_QUANTITY = 1u << 1, SK_TERM_END = 1u << 2,
                 SK_AUTO_RENEW = 1u << 3, SK_SKU = 1u << 4 };

struct expect_state {
    unsigned given;
    char sub[SCENARIO_NAME_MAX];
    char status[16];
    int32_t quantity;
    struct date term_end;
    bool auto_renew;
    char sku[SKU_MAX];
};

struct scenario {
    char name[512];
    char market[MARKET_MAX];
    char currency[CCY_MAX];         /* the partner's billing currency */
    bool mca_accepted;              /* optional "customer": {"mca_accepted": false}; default true */
    struct price_point *prices;
    char (*products)[128];
    size_t nprices;
    struct upgrade_path *paths;
    size_t npaths;
    struct scenario_step *steps;
    size_t nsteps;
    bool has_expect;
    bool has_charges, has_refusals; /* the expect block gives the list (absent: not compared) */
    struct expect_charge *charges;
    size_t ncharges;
    struct expect_refusal *refusals;
    size_t nrefusals;
    struct expect_state *states;
    size_t nstates;
};

/* ERR_PARSE (not JSON) or ERR_INVALID (not a scenario), the message naming the place. */
int scenario_load(const char *path, struct scenario *sc, struct err *err);
void scenario_release(struct scenario *sc);
const char *scenario_do_name(enum scenario_do d);

/* ---- running (scenario_run.c) ---- */

struct result_charge {
    char sub[SCENARIO_NAME_MAX];
    struct charge_line line;
};

struct result_refusal {
    int step;
    char code[SCENARIO_CODE_MAX];
    char msg[256];
};

struct result_state {
    char sub[SCENARIO_NAME_MAX];
    struct sub s;
};

struct scenario_result {
    struct result_charge *charges;
    size_t ncharges;
    struct result_refusal *refusals;
    size_t nrefusals;
    struct result_state *states;
    size_t nstates;
};

/*
 * Run the scenario on a fresh in-memory store with the real services (svc/sub_svc.h): one
 * direct-bill partner and one customer in the scenario's market, MCA accepted, billed in its
 * currency. Refusals are results, not errors; -1 only when the engine or the store fails.
 */
int scenario_run(const struct scenario *sc, struct scenario_result *res, struct err *err);

/*
 * For many files: one migrated in-memory store, emptied between scenarios instead of built
 * again (migrating costs more than running a scenario). Equivalent to a fresh store: every
 * table a scenario writes is emptied, and if that fails a new store is made.
 */
struct scenario_store;
int scenario_store_open(struct scenario_store **out, struct err *err);
void scenario_store_close(struct scenario_store *st);
int scenario_run_in(struct scenario_store *st, const struct scenario *sc,
                    struct scenario_result *res, struct err *err);
void scenario_result_release(struct scenario_result *res);

/* ---- comparing and printing (scenario_check.c) ---- */

/* 0: everything matches; 1: mismatch, a readable diff written to `out`. */
int scenario_check(const struct scenario *sc, const struct scenario_result *res, FILE *out);
/* What the engine computed, as JSON ({"charges":[...],"refusals":[...],"state":[...]}). */
json_t *scenario_result_json(const struct scenario *sc, const struct scenario_result *res);

#endif
