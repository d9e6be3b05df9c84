/*
 * api/openapi.c — GET /v1/openapi.json: the OpenAPI 3.1 document, generated from the route
 * table so it can never drift from what the server dispatches.
 *
 * Each row becomes one operation: operationId and summary from the row, path parameters from
 * the pattern's {names}, the request and 2xx schemas from the row's JSON Schema text, and
 * every error response pointing at the one Error schema. The role, tenancy rule and body cap
 * are published as x-cspd-* extensions so clients and the route x role test read them from
 * the same place. Built on every request: a few dozen rows cost microseconds.
 */
#include <stdio.h>
#include <string.h>

#include "api/router.h"

#ifndef CSPD_VERSION
#define CSPD_VERSION "0.1.0"
#endif

/* Build the document's Error schema (matches json.c's error body). */
static json_t *error_schema(void)
{
    return json_pack("{s:s, s:[s], s:{s:{s:s, s:[s,s,s], s:{s:{s:s}, s:{s:s}, s:{s:s}}}}}",
                     "type", "object", "required", "error", "properties", "error", "type",
                     "object", "required", "code", "message", "field", "properties", "code",
                     "type", "string", "message", "type", "string", "field", "type", "string");
}

static json_t *error_response(const char *description)
{
    return json_pack("{s:s, s:{s:{s:{s:s}}}}", "description", description, "content",
                     "application/json", "schema", "$ref", "#/components/schemas/Error");
}

/* The {name} parameters of a pattern, as OpenAPI parameter objects. */
static json_t *path_parameters(const char *pattern)
{
    json_t *params = json_array();
    const char *p = pattern;

    while (params && (p = strchr(p, '{')) != NULL) {
        const char *end = strchr(p, '}');
        json_t *param;

        if (!end)
            break;
        param = json_pack("{s:s%, s:s, s:b, s:{s:s}}", "name", p + 1, (size_t)(end - p - 1),
                          "in", "path", "required", 1, "schema", "type", "string");
        if (!param || json_array_append_new(params, param) != 0) {
            json_decref(params);
            return NULL;
        }
        p = end + 1;
    }
    return params;
}

static json_t *schema_or_fail(const char *text, const struct api_route *r, struct err *err)
{
    json_error_t jerr;
    json_t *v = json_loads(text, 0, &jerr);

    if (!v)
        err_set(err, ERR_INTERNAL, "", "route %s %s: schema does not parse at column %d: %s",
                r->method, r->pattern, jerr.column, jerr.text);
    return v;
}

static void method_lower(const char *m, char out[16])
{
    size_t i;

    for (i = 0; m[i] && i < 15; i++)
        out[i] = (char)(m[i] >= 'A' && m[i] <= 'Z' ? m[i] - 'A' + 'a' : m[i]);
    out[i] = '\0';
}

static json_t *operation(const struct api_route *r, struct err *err)
{
    json_t *op, *responses, *ok, *params, *schema;
    const char *ctype = r->response_type ? r->response_type : "application/json";

    op = json_pack("{s:s, s:s, s:s, s:s}", "operationId", r->operation_id, "summary",
                   r->summary, "x-cspd-role", api_role_name(r->role), "x-cspd-tenancy",
                   api_tenancy_name(r->tenancy));
    if (!op)
        goto nomem;
    if (r->body_limit && json_object_set_new(op, "x-cspd-body-limit",
                                             json_integer((json_int_t)r->body_limit)) != 0)
        goto nomem;
    params = path_parameters(r->pattern);
    if (!params)
        goto nomem;
    if (json_array_size(params) == 0)
        json_decref(params);
    else if (json_object_set_new(op, "parameters", params) != 0)
        goto nomem;

    if (r->request_schema) {
        schema = schema_or_fail(r->request_schema, r, err);
        if (!schema)
            goto fail;
        if (json_object_set_new(op, "requestBody",
                                json_pack("{s:b, s:{s:{s:o}}}", "required", 1, "content",
                                          "application/json", "schema", schema)) != 0)
            goto nomem;
        if (r->csv_upload &&
            json_object_set_new(json_object_get(json_object_get(op, "requestBody"), "content"),
                                "text/csv", json_pack("{s:{s:s}}", "schema", "type",
                                                      "string")) != 0)
            goto nomem;
    }

    ok = json_pack("{s:s}", "description", "OK");
    if (!ok)
        goto nomem;
    if (r->response_schema) {
        schema = schema_or_fail(r->response_schema, r, err);
        if (!schema) {
            json_decref(ok);
            goto fail;
        }
    } else {
        schema = json_pack("{s:s}", "type", "string");
    }
    if (json_object_set_new(ok, "content", json_pack("{s:{s:o}}", ctype, "schema", schema)))
        goto nomem_ok;
    responses = json_object();
    if (!responses || json_object_set_new(responses, "200", ok) != 0) {
        json_decref(responses);
        goto nomem;
    }
    if (json_object_set_new(op, "responses", responses) != 0)
        goto nomem;
    if (r->request_schema) {
        if (json_object_set_new(responses, "400", error_response("Malformed JSON body")) ||
            json_object_set_new(responses, "413", error_response("Body above the limit")) ||
            json_object_set_new(responses, "422", error_response("A field is invalid")))
            goto nomem;
    }
    if (json_object_set_new(responses, "default", error_response("Error")) != 0)
        goto nomem;
    return op;

nomem_ok:
    json_decref(ok);
nomem:
    err_set(err, ERR_NOMEM, "", "out of memory building the OpenAPI document");
fail:
    json_decref(op);
    return NULL;
}

json_t *api_openapi_build(const struct api_route *routes, const char *version, struct err *err)
{
    json_t *doc, *paths;

    doc = json_pack("{s:s, s:{s:s, s:s, s:s}, s:{}, s:{s:{s:o}}}", "openapi", "3.1.0", "info",
                    "title", "cspd API", "version", version ? version : CSPD_VERSION,
                    "description",
                    "Operations platform for Microsoft CSP partners. Errors always have the "
                    "shape {\"error\":{\"code\",\"message\",\"field\"}}.",
                    "paths", "components", "schemas", "Error", error_schema());
    if (!doc) {
        err_set(err, ERR_NOMEM, "", "out of memory building the OpenAPI document");
        return NULL;
    }
    paths = json_object_get(doc, "paths");
    for (const struct api_route *r = routes; r->method; r++) {
        json_t *item = json_object_get(paths, r->pattern), *op;
        char m[16];

        if (!item) {
            item = json_object();
            if (!item || json_object_set_new(paths, r->pattern, item) != 0) {
                err_set(err, ERR_NOMEM, "", "out of memory building the OpenAPI document");
                json_decref(doc);
                return NULL;
            }
        }
        op = operation(r, err);
        method_lower(r->method, m);
        if (!op || json_object_set_new(item, m, op) != 0) {
            if (op)
                err_set(err, ERR_NOMEM, "", "out of memory building the OpenAPI document");
            json_decref(doc);
            return NULL;
        }
    }
    return doc;
}

void api_h_openapi(struct api_req *req, struct api_resp *resp)
{
    struct err err;
    json_t *doc;

    (void)req;
    err_clear(&err);
    doc = api_openapi_build(api_routes(), NULL, &err);
    if (!doc) {
        api_err_reply(resp, &err);
        return;
    }
    api_json_reply(resp, 200, doc);
}
