/*
 * domain/lifecycle/window.c — the 168-hour window and seat lots (nce-rules Part A 2, §2, §3).
 *
 * The one place that knows how long a cancellation window lasts and whether an instant is
 * inside it; the boundary tests (±1 s) are in tests/unit/test_lifecycle_window.c.
 */
#include "domain/lifecycle/window.h"

#include <string.h>

/* nce-rules Part A 2, §2: [event, event + 168 h) */
instant_t window_deadline(instant_t event_at)
{
    return event_at + WINDOW_SECONDS;
}

/* nce-rules Part A 2: open while now < deadline */
bool window_is_open(instant_t deadline, instant_t now)
{
    return now < deadline;
}

void lots_clear(struct lots *l)
{
    l->n = 0;
}

void lots_reset(struct lots *l, int32_t qty, instant_t added_at, instant_t deadline)
{
    l->n = 0;
    if (qty > 0) {
        l->v[0].added_at = added_at;
        l->v[0].deadline = deadline;
        l->v[0].qty = qty;
        l->n = 1;
    }
}

int lots_make_room(struct lots *l, instant_t now)
{
    int j = 0;

    for (int i = 0; i < l->n; i++)
        if (l->v[i].qty > 0)
            l->v[j++] = l->v[i];
    l->n = j;
    while (l->n >= LOTS_MAX) {
        if (window_is_open(l->v[0].deadline, now))
            return -1;
        memmove(&l->v[0], &l->v[1], (size_t)(l->n - 1) * sizeof(l->v[0]));
        l->n--;
    }
    return 0;
}

int32_t lots_reducible(const struct lots *l, instant_t now)
{
    int32_t sum = 0;

    for (int i = 0; i < l->n; i++)
        if (window_is_open(l->v[i].deadline, now))
            sum += l->v[i].qty;
    return sum;
}

int lots_add(struct lots *l, int32_t qty, instant_t added_at, instant_t deadline)
{
    if (l->n >= LOTS_MAX)
        return -1;
    l->v[l->n].added_at = added_at;
    l->v[l->n].deadline = deadline;
    l->v[l->n].qty = qty;
    l->n++;
    return 0;
}

/* nce-rules Part A 2 (reductions newest first), Part A 15 (partial upgrade takes newest first) */
void lots_take_newest(struct lots *l, int32_t qty)
{
    for (int i = l->n - 1; i >= 0 && qty > 0; i--) {
        int32_t t = l->v[i].qty < qty ? l->v[i].qty : qty;

        l->v[i].qty -= t;
        qty -= t;
    }
    while (l->n > 0 && l->v[l->n - 1].qty == 0)
        l->n--;
}

const struct lot *lots_newest_closed(const struct lots *l, instant_t now)
{
    for (int i = l->n - 1; i >= 0; i--)
        if (l->v[i].qty > 0 && !window_is_open(l->v[i].deadline, now))
            return &l->v[i];
    return NULL;
}
