/*
 * api/h_catalog.h — what the catalog handlers (h_catalog.c, h_catalog_data.c,
 * h_catalog_pricelist.c) share: the JSON of a price point, query-string parsing, and the
 * reply of a service error. The catalog is Microsoft's, the same for every tenant: reads are
 * for any staff caller, writes for the installation's operators (routes.c).
 */
#ifndef CSPD_API_H_CATALOG_H
#define CSPD_API_H_CATALOG_H

#include <stdbool.h>

#include <jansson.h>

#include "api/api.h"
#include "store/repo_catalog_data.h"

/* A stored price point as the API shows it (prices as exact decimal strings). */
json_t *h_catalog_price_json(const struct catdata_price *p);
json_t *h_catalog_dec_json(struct dec d);

/*
 * Query parameter `name` as a day (YYYY-MM-DD): 1 present and parsed into *out, 0 absent,
 * -1 after replying 422 naming it.
 */
int h_catalog_query_date_or_reply(struct api_req *req, struct api_resp *resp,
                                  const char *name, struct date *out);
/*
 * Query parameter `name` upper-cased into out (at most cap - 1 letters, A-Z only): 1 present,
 * 0 absent, -1 after replying 422 naming it.
 */
int h_catalog_query_code_or_reply(struct api_req *req, struct api_resp *resp,
                                  const char *name, size_t len, char *out, size_t cap);

/* The caller's scope, or NULL when there is none (for audit rows). */
const struct scope *h_catalog_scope(const struct api_req *req, struct scope *buf);

/* Reply with the service's error: ERR_PARSE becomes 422 (a field at fault), others as is. */
void h_catalog_err_reply(struct api_resp *resp, const struct err *e);

#endif
