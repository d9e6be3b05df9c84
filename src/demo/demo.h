/*
 * demo/demo.h — the synthetic book of business: `cspd demo seed` and `cspd demo files`
 * (issue 9; docs/demo.md).
 *
 * The book is produced by DRIVING THE REAL ENGINE FORWARD IN TIME, never by inserting rows:
 * the catalogue goes in through the price list importer, partners, relationships, customers
 * and MCAs through the parties services (svc/party.h), users through the auth services, and
 * every subscription through the lifecycle use cases (svc/sub_svc.h: order, seat changes,
 * upgrades, cancels, suspensions, scheduled term-end decisions) at their own instants, with the
 * daily cycle (day_run) run for every day in between and each month closed into invoices by
 * the billing close (svc/invoice_svc.h) on the 1st of the next month. Whatever the rules
 * refuse is counted and left out, as a partner's refused click would be.
 *
 * Determinism: one 64-bit seed drives everything (demo/rng.h), libsodium's randomness
 * included, so the same seed and sizes give the same store and the same files, byte for byte.
 *
 * Idempotency: a finished seed leaves an audit_log row (action "demo.seed") holding its
 * parameters and the demo's end instant; seeding a database that has one does nothing and
 * says so. A database that holds partners but no such row is refused: the demo never mixes its
 * predictable ids into a real book.
 */
#ifndef CSPD_DEMO_DEMO_H
#define CSPD_DEMO_DEMO_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/date.h"
#include "core/err.h"
#include "store/db.h"

struct demo_opts {
    long partners;        /* >= 4: a distributor, two direct-bill partners, resellers */
    long customers;
    long subscriptions;   /* orders placed (partial upgrades add more subscriptions) */
    int months;           /* length of the history */
    uint64_t seed;
    struct date start;    /* first day of the history */
    bool progress;        /* progress lines on stderr */
    bool logins;          /* create login users (the small `make run` demo) */
    FILE *log;            /* where the summary and the logins go; may be NULL */
};

/* The `make run` demo: 6 partners, 20 customers, 80 orders, 12 months from 2025-11-01. */
void demo_opts_default(struct demo_opts *o);

struct demo_stats {
    long partners, customers, customers_without_mca, users;
    long orders, subscriptions, commands, refused;
    long refused_by_reason[16];
    long days, invoices, charges;
    long price_rows;
    instant_t end;        /* the demo clock: the instant the history ends */
    bool already;         /* the database was seeded before; nothing done */
};

/* Seed `db` (migrated). 0 on success, including `already`. */
int demo_seed(struct db *db, const struct demo_opts *o, struct demo_stats *st,
              struct err *err);
/*
 * The demo seed recorded in `db`: *found false when none. `end` = the demo clock,
 * `seed` = the seed it used, `start`/`months` its window.
 */
int demo_seed_info(struct db *db, bool *found, instant_t *end, uint64_t *seed,
                   struct date *start, int *months, struct err *err);
/*
 * Write the Microsoft-format files of the seeded book into `dir` (created if missing):
 * pricelist.csv (the catalogue as imported) and recon-YYYY-MM.csv per month of the history
 * (io/recon_write.h through recon_write_charges). *nfiles = files written.
 */
int demo_files(struct db *db, const char *dir, FILE *log, int *nfiles, struct err *err);

#endif
