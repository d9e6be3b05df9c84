/*
 * api/h_clock.c — GET and POST /v1/clock: read and move the server's business clock.
 *
 * Every operation takes "now" from this clock (core/clock.h), so moving it is how a demo
 * jumps to the day before a renewal. Only a fixed or offset clock moves (`cspd serve --clock`
 * starts an offset one); a server on the real clock refuses with 409 clock_is_real, because
 * silently turning production time into demo time would be a trap.
 */
#include <string.h>

#include "api/router.h"
#include "core/date.h"

static const char *kind_name(enum clock_kind k)
{
    switch (k) {
    case CLOCK_REAL: return "real";
    case CLOCK_FIXED: return "fixed";
    case CLOCK_OFFSET: return "offset";
    }
    return "real";
}

static void clock_reply(struct api_resp *resp, const struct clock *c)
{
    char now[INSTANT_STRLEN];

    instant_format(clock_now(c), now);
    api_json_reply(resp, 200, json_pack("{s:s, s:s}", "now", now, "kind", kind_name(c->kind)));
}

void api_h_clock_get(struct api_req *req, struct api_resp *resp)
{
    struct clock c = api_clock_get(req->ctx);

    clock_reply(resp, &c);
}

void api_h_clock_set(struct api_req *req, struct api_resp *resp)
{
    static const char *const fields[] = {"now", NULL};
    const char *text;
    struct clock c;
    struct err err;
    instant_t at;

    if (api_fields_known_or_reply(req, resp, fields) != 0 ||
        api_field_string_or_reply(req, resp, "now", &text) != 0)
        return;
    err_clear(&err);
    if (instant_parse(text, strlen(text), &at, &err) != 0) {
        api_error_reply(resp, ERR_INVALID, "now",
                        "field 'now' must be an instant like 2026-05-01T00:00:00Z: %s", err.msg);
        return;
    }
    c = api_clock_get(req->ctx);
    switch (c.kind) {
    case CLOCK_FIXED:
        clock_set(&c, at);
        break;
    case CLOCK_OFFSET:
        clock_init_offset(&c, at);
        break;
    case CLOCK_REAL:
        err_refuse(&err, "clock_is_real", "now",
                   "the server runs on the real clock; start it with --clock to move time");
        api_err_reply(resp, &err);
        return;
    }
    api_clock_put(req->ctx, &c);
    clock_reply(resp, &c);
}
