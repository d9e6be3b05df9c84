/*
 * api/h_party_common.c — the query-string filter and reply frame of the party handlers (see
 * h_party.h). Query values are parsed with bounded code, never strtol (STYLE.md 9).
 */
#include <string.h>

#include "api/auth.h"
#include "api/h_party.h"

/* 1..max from decimal digits only; -1 otherwise. */
static int parse_limit(const char *s, int max)
{
    int v = 0;

    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        v = v * 10 + (*s - '0');
        if (v > max)
            return -1;
    }
    return v >= 1 ? v : -1;
}

int h_party_filter_or_reply(struct api_req *req, struct api_resp *resp,
                            struct party_filter *out)
{
    const char *limit = api_req_query(req, "limit"), *kind = api_req_query(req, "kind");
    const char *active = api_req_query(req, "active");
    struct err err;

    memset(out, 0, sizeof(*out));
    err_clear(&err);
    if (limit && (out->limit = parse_limit(limit, PARTY_LIST_MAX)) < 0) {
        api_error_reply(resp, ERR_INVALID, "limit", "limit must be 1 to %d", PARTY_LIST_MAX);
        return -1;
    }
    if (kind && partner_kind_parse(kind, &out->kind, &err) < 0) {
        api_error_reply(resp, ERR_INVALID, "kind", "kind must be distributor, "
                        "indirect_reseller or direct_bill");
        return -1;
    }
    if (active) {
        if (strcmp(active, "true") != 0 && strcmp(active, "false") != 0) {
            api_error_reply(resp, ERR_INVALID, "active", "active must be true or false");
            return -1;
        }
        out->active_only = strcmp(active, "true") == 0;
    }
    out->partner_id = api_req_query(req, "partner_id");
    return 0;
}

void h_party_reply(struct api_resp *resp, int rc, const struct err *err, int status,
                   json_t *obj)
{
    if (rc < 0) {
        json_decref(obj);
        api_err_reply(resp, err);
        return;
    }
    api_json_reply(resp, status, obj);
}

json_t *h_party_list(const char *name, json_t *items, bool more)
{
    if (!items)
        return NULL;
    return json_pack("{s:o, s:b}", name, items, "more", more);
}
