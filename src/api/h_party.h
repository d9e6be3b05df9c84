/*
 * api/h_party.h — what the party handlers (api/h_party_*.c) share: list query parameters and
 * the run-a-use-case-then-reply frame. Their route prototypes are in router.h.
 */
#ifndef CSPD_API_H_PARTY_H
#define CSPD_API_H_PARTY_H

#include <stdbool.h>

#include "api/api.h"
#include "store/repo_party.h"

/*
 * The list filter from the query string: ?limit=1..1000 (default 1000), ?partner_id=prt_…
 * (customers, relationships), ?kind=distributor|indirect_reseller|direct_bill (partners),
 * ?active=true|false (relationships). Replies 422 naming the parameter and returns -1 when
 * one is malformed. Strings point into the request.
 */
int h_party_filter_or_reply(struct api_req *req, struct api_resp *resp,
                            struct party_filter *out);

/* Reply with `status` and `obj` (stolen), or with `err` when rc < 0 (obj then ignored). */
void h_party_reply(struct api_resp *resp, int rc, const struct err *err, int status,
                   json_t *obj);

/* {"<name>": items, "more": more}; items stolen. */
json_t *h_party_list(const char *name, json_t *items, bool more);

#endif
