/*
 * api/auth.h — the authentication, authorization and idempotency steps of the request
 * pipeline, and what handlers use to learn who is calling.
 *
 * server.c runs, for every matched route and after the body cap:
 *   1. api_auth_or_reply: public routes skip it. Otherwise the caller is resolved from
 *      `Authorization: Bearer cspd_…` (an API token) or the `cspd_session` cookie; none, or
 *      one that is unknown, expired or revoked, is 401. A cookie session's mutating request
 *      (any method but GET/HEAD) must carry the session's CSRF token in X-CSRF-Token (403
 *      csrf_failed). Then the route's role class (router.h) is checked: a caller it does not
 *      admit gets 403 when the route names no object or names one the caller can see, and
 *      404 otherwise — the same answer as for an object that does not exist.
 *   2. the JSON body is parsed (server.c);
 *   3. api_idem_begin_or_reply: a POST/PUT/PATCH with an Idempotency-Key either runs or is
 *      answered from the first response (svc/idempotency.h); api_idem_finish stores the
 *      handler's response afterwards.
 * Handlers then call api_req_scope and pass the scope to svc/ and store/, which apply it.
 *
 * Time: these steps use the real clock (auth_now), not the business clock: TOTP codes come
 * from the user's phone and sessions must not expire because a demo moved time.
 */
#ifndef CSPD_API_AUTH_H
#define CSPD_API_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "api/api.h"
#include "store/repo_idem.h"
#include "store/scope.h"
#include "svc/auth.h"

#define API_SESSION_COOKIE "cspd_session"

/*
 * The caller's scope, with the request id filled in, for a handler to pass on. ERR_INTERNAL
 * on a public route (there is no caller there; a handler of one must not ask).
 */
int api_req_scope(const struct api_req *req, struct scope *out, struct err *err);

/* api_req_scope, or a 500 reply and -1 (a public route asking: a bug). */
int api_scope_or_reply(const struct api_req *req, struct api_resp *resp, struct scope *out);

/* The real clock's now. */
instant_t api_auth_now(void);

/* Step 1. Fills *caller and req->caller; true when a refusal is left in resp. */
bool api_auth_or_reply(struct api_req *req, struct auth_principal *caller,
                       struct api_resp *resp);

/* Step 3 state, per request. */
struct api_idem {
    bool active;                 /* a row was started: finish it */
    char caller[ID_MAXLEN];
    char key[IDEM_KEY_MAX];
};

/* True when resp holds the answer (a replay or a 409/422) and the handler must not run. */
bool api_idem_begin_or_reply(struct api_req *req, const char *body, size_t len,
                             struct api_idem *st, struct api_resp *resp);
void api_idem_finish(struct api_req *req, struct api_idem *st, const struct api_resp *resp);

/* Defined in server.c, the only file that speaks libmicrohttpd. */
/* The value of cookie `name`, or NULL. */
const char *api_req_cookie(const struct api_req *req, const char *name);
/* The value of query argument `name` ("?limit=10"), or NULL. */
const char *api_req_query(const struct api_req *req, const char *name);
/* The client's numeric address ("127.0.0.1", "::1"), or "" when unknown. */
void api_req_client_addr(const struct api_req *req, char *out, size_t size);

#endif
