/*
 * domain/lifecycle/window.h — the 168-hour cancellation window and seat lots
 * (nce-rules.md §2, §3, Part A 2).
 *
 * Window: [event instant, event instant + 168 h) for the purchase, each renewal and each batch
 * of added seats. Cancel needs the purchase or renewal window; a seat reduction removes seats
 * from lots still inside their own window, newest first. EST months open no window (Part A 11).
 *
 * Lots: `struct lots` is a small fixed array inside the subscription state — no allocation, a
 * few hundred bytes, cheap to copy in the daily cycle. It holds the batches of the current term
 * (the purchase or renewal batch, then every addition); when it is full the oldest closed
 * batches are forgotten (their seats are not reducible any more, which is all a closed batch
 * says), so only a week of additions (LOTS_MAX open batches) bounds it. Closed batches are kept
 * while there is room so a refusal can say when the newest one's window closed. Lots are
 * ordered oldest first; their deadlines are non-decreasing (each is its batch's instant + 168 h,
 * and a partially upgraded subscription starts with a single inherited lot).
 */
#ifndef CSPD_DOMAIN_LIFECYCLE_WINDOW_H
#define CSPD_DOMAIN_LIFECYCLE_WINDOW_H

#include <stdbool.h>
#include <stdint.h>

#include "core/date.h"

#define WINDOW_SECONDS ((instant_t)168 * 3600)
#define LOTS_MAX 32

/* event instant + 168 h (Part A 2). */
instant_t window_deadline(instant_t event_at);
/* True while now < deadline: the window is half-open, closing exactly at the deadline. */
bool window_is_open(instant_t deadline, instant_t now);

struct lot {
    instant_t added_at;
    instant_t deadline;
    int32_t qty;
};

struct lots {
    int n;
    struct lot v[LOTS_MAX];
};

/* Forget every lot. */
void lots_clear(struct lots *l);
/* One lot holding every seat (purchase, renewal). */
void lots_reset(struct lots *l, int32_t qty, instant_t added_at, instant_t deadline);
/*
 * Make room for one more batch: drop empty lots, then the oldest lots closed at `now`.
 * -1 when LOTS_MAX lots are all still open.
 */
int lots_make_room(struct lots *l, instant_t now);
/* Seats in lots still open at `now`. */
int32_t lots_reducible(const struct lots *l, instant_t now);
/* Append a batch; -1 when full (call lots_make_room first). */
int lots_add(struct lots *l, int32_t qty, instant_t added_at, instant_t deadline);
/*
 * Remove `qty` seats newest lot first (Part A 2 reductions; Part A 15 partial upgrades).
 * Seats beyond the listed lots come from the untracked, non-reducible rest.
 */
void lots_take_newest(struct lots *l, int32_t qty);
/* The newest lot still holding seats whose window has closed at `now`, or NULL. */
const struct lot *lots_newest_closed(const struct lots *l, instant_t now);

#endif
