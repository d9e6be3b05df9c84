/*
 * domain/lifecycle/refusal.c — refusal priority (nce-rules Part A 15 "Refusals").
 *
 * "Where several apply, the first of: subscription_not_active, not_allowed_in_est,
 * est_not_eligible, invalid_upgrade_path, invalid_quantity, outside_cancellation_window,
 * quantity_decrease_outside_window, no_price." The enum order in refusal.h is that list (with
 * cspd's MCA gate after the first); refusals_pick walks it.
 */
#include "domain/lifecycle/refusal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const codes[REFUSE__COUNT] = {
    [REFUSE_NOT_ACTIVE] = "subscription_not_active",
    [REFUSE_MCA] = "mca_not_accepted",
    [REFUSE_IN_EST] = "not_allowed_in_est",
    [REFUSE_EST_NOT_ELIGIBLE] = "est_not_eligible",
    [REFUSE_UPGRADE_PATH] = "invalid_upgrade_path",
    [REFUSE_QUANTITY] = "invalid_quantity",
    [REFUSE_OUTSIDE_WINDOW] = "outside_cancellation_window",
    [REFUSE_DECREASE_WINDOW] = "quantity_decrease_outside_window",
    [REFUSE_NO_PRICE] = "no_price",
    [REFUSE_INVALID_PLAN] = "invalid_plan",
    [REFUSE_UNSUPPORTED] = "not_supported",
    [REFUSE_CONFLICT] = "conflict",
};

const char *refusal_code(enum refusal which)
{
    return (unsigned)which < REFUSE__COUNT ? codes[which] : "refused";
}

void refusals_init(struct refusals *r)
{
    r->mask = 0;
}

static void vadd(struct refusals *r, enum refusal which, const char *reason, const char *field,
                 const char *fmt, va_list ap)
{
    if ((unsigned)which >= REFUSE__COUNT || (r->mask & (1u << which)))
        return;
    r->mask |= 1u << which;
    snprintf(r->reason[which], sizeof(r->reason[which]), "%s",
             reason ? reason : codes[which]);
    snprintf(r->field[which], sizeof(r->field[which]), "%s", field ? field : "");
    vsnprintf(r->msg[which], sizeof(r->msg[which]), fmt, ap);
}

void refusals_add(struct refusals *r, enum refusal which, const char *field, const char *fmt,
                  ...)
{
    va_list ap;

    va_start(ap, fmt);
    vadd(r, which, NULL, field, fmt, ap);
    va_end(ap);
}

void refusals_add_reason(struct refusals *r, enum refusal which, const char *reason,
                         const char *field, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vadd(r, which, reason, field, fmt, ap);
    va_end(ap);
}

/* nce-rules Part A 15 (refusal priority) */
int refusals_pick(const struct refusals *r, struct err *err)
{
    for (int i = 0; i < REFUSE__COUNT; i++)
        if (r->mask & (1u << i))
            return err_refuse(err, r->reason[i], r->field[i], "%s", r->msg[i]);
    return 0;
}
