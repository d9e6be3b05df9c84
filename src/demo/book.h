/*
 * demo/book.h — what the demo generator's parts share (not for other modules): the parties it
 * made, the random stream, and the helpers that place them in the store through the services.
 */
#ifndef CSPD_DEMO_BOOK_H
#define CSPD_DEMO_BOOK_H

#include <stdbool.h>

#include "core/id.h"
#include "demo/demo.h"
#include "demo/rng.h"

enum demo_partner_role { DP_DISTRIBUTOR, DP_DIRECT_US, DP_DIRECT_JP, DP_RESELLER };

struct demo_partner {
    char id[ID_MAXLEN];
    enum demo_partner_role role;
    char name[64];
    char country[3];
    char currency[4];
};

struct demo_customer {
    char id[ID_MAXLEN];
    int seller;            /* index into partners: the reseller, or the direct-bill partner */
    char market[3];
    char currency[4];      /* billing currency */
    bool mca;              /* has a valid MCA: may buy */
    int weight;            /* relative share of the orders */
};

struct demo_book {
    struct db *db;
    const struct demo_opts *o;
    struct demo_stats *st;
    struct demo_rng rng;
    instant_t setup_at;    /* when the parties are created: 30 days before the start */
    struct demo_partner *partners;
    long npartners;
    struct demo_customer *customers;
    long ncustomers;
};

/* Partners, relationships, customers with their MCAs, billing settings and margin rules. */
int demo_parties(struct demo_book *b, struct err *err);
/* Login users for the small demo; prints them to o->log. Skipped (noted) without auth. */
int demo_users(struct demo_book *b, struct err *err);
/* The subscriptions' history: orders and commands at their instants, day runs, closes. */
int demo_history(struct demo_book *b, struct err *err);

/* A progress line (only when o->progress): "\r" overwritten, "\n" at the end of a phase. */
void demo_progress(const struct demo_book *b, const char *phase, long done, long total);

#endif
