/*
 * api/h_sub.h — what the subscription handlers (api/h_sub.c reads, h_sub_cmd.c commands)
 * share: the use-case context built from the caller, the error reply that tells input
 * refusals (422) from state refusals (409), and the subscription document reply. Their route
 * prototypes are in router.h; docs/subscriptions.md is the contract.
 */
#ifndef CSPD_API_H_SUB_H
#define CSPD_API_H_SUB_H

#include <stdbool.h>

#include "api/api.h"
#include "store/scope.h"
#include "svc/sub_svc.h"

/*
 * The use-case context of a request: `db` (held by the caller), the caller's scope `s`
 * (from api_scope_or_reply), its user as actor, the request id.
 */
void h_sub_ctx(const struct api_req *req, struct db *db, const struct scope *s,
               struct svc_ctx *out);

/*
 * Reply with `err`: a refusal of the input itself (invalid_quantity, invalid_plan — the
 * request can never succeed as written) is 422, any other rule refusal 409, everything else
 * by its class (err_http_status). The reason code and message are kept.
 */
void h_sub_err_reply(struct api_resp *resp, const struct err *err);

/* Read subscription `id` through the scope and reply `status` with its document. */
void h_sub_doc_reply(struct api_resp *resp, const struct svc_ctx *ctx, const char *id,
                     instant_t now, int status);

struct jw;
struct sub_row;
/*
 * Write subscription `r` as a value of `w`: the bytes of sub_row_to_json(r, now, show_prices)
 * dumped compact (svc/sub_read.c keeps that tree form for the CLI; tests/unit/test_api_json.c
 * holds the two to the same bytes). A failure is left in the writer (jw.h).
 */
void h_sub_write_row(struct jw *w, const struct sub_row *r, instant_t now, bool show_prices);

/* Whether the caller may see Microsoft's prices (staff, not a customer's portal user). */
bool h_sub_show_prices(const struct scope *s);

#endif
