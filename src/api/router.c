/*
 * api/router.c — match a method and a decoded path against the route table.
 *
 * A linear scan, segment by segment: the table holds tens of routes, a request costs a few
 * hundred byte comparisons, and a scan keeps the "first row wins" order obvious. Parameter
 * values are copied into the request's fixed buffers; a path whose values do not fit
 * (API_PARAM_BUF) simply does not match, which the server answers with 404.
 */
#include <stdio.h>
#include <string.h>

#include "api/router.h"

/* Length of the segment starting at s (up to the next '/' or the end). */
static size_t seg_len(const char *s)
{
    const char *slash = strchr(s, '/');

    return slash ? (size_t)(slash - s) : strlen(s);
}

/*
 * Does `path` match `pattern`? When `req` is not NULL, record the parameters (on a failed
 * match its buffers may hold debris; nparams is only set on success). Parameters that would
 * not fit the request's buffers make the match fail whether or not `req` is given.
 */
static bool pattern_match(const char *pattern, const char *path, struct api_req *req)
{
    size_t names_used = 0, values_used = 0;
    int np = 0;
    const char *p = pattern, *s = path;

    if (*p != '/' || *s != '/')
        return false;
    while (*p && *s) {
        size_t pl, sl;

        if (*p != '/' || *s != '/')
            return false;
        p++;
        s++;
        pl = seg_len(p);
        sl = seg_len(s);
        if (pl >= 2 && p[0] == '{' && p[pl - 1] == '}') {
            size_t nl = pl - 2;

            if (sl == 0 || np >= API_MAX_PARAMS || names_used + nl + 1 > API_PARAM_BUF ||
                values_used + sl + 1 > API_PARAM_BUF)
                return false;
            if (req) {
                memcpy(req->param_names + names_used, p + 1, nl);
                req->param_names[names_used + nl] = '\0';
                memcpy(req->param_buf + values_used, s, sl);
                req->param_buf[values_used + sl] = '\0';
                req->params[np].name = req->param_names + names_used;
                req->params[np].value = req->param_buf + values_used;
            }
            names_used += nl + 1;
            values_used += sl + 1;
            np++;
        } else if (pl != sl || memcmp(p, s, pl) != 0) {
            return false;
        }
        p += pl;
        s += sl;
    }
    if (*p || *s)
        return false;
    if (req)
        req->nparams = np;
    return true;
}

static bool method_matches(const char *route_method, const char *method)
{
    if (strcmp(route_method, method) == 0)
        return true;
    return strcmp(method, "HEAD") == 0 && strcmp(route_method, "GET") == 0;
}

/* Append ", M" (or "M" first) to allow, once; silently stops when full. */
static void allow_add(char *allow, size_t size, const char *m)
{
    size_t len = strlen(allow), ml = strlen(m);
    const char *p = allow;

    while ((p = strstr(p, m)) != NULL) {
        bool start = p == allow || p[-1] == ' ';
        bool end = p[ml] == '\0' || p[ml] == ',';

        if (start && end)
            return;
        p += ml;
    }
    if (len + (len ? 2 : 0) + ml + 1 > size)
        return;
    snprintf(allow + len, size - len, "%s%s", len ? ", " : "", m);
}

enum api_match api_route_match(const struct api_route *routes, const char *method,
                               const char *path, struct api_req *req,
                               const struct api_route **path_route, char *allow,
                               size_t allow_size)
{
    const struct api_route *first = NULL;

    if (allow && allow_size)
        allow[0] = '\0';
    if (path_route)
        *path_route = NULL;
    for (const struct api_route *r = routes; r->method; r++) {
        if (!method_matches(r->method, method) || !pattern_match(r->pattern, path, req))
            continue;
        if (req)
            req->route = r;
        if (path_route)
            *path_route = r;
        return API_MATCH_OK;
    }
    for (const struct api_route *r = routes; r->method; r++) {
        if (!pattern_match(r->pattern, path, NULL))
            continue;
        if (!first)
            first = r;
        if (allow && allow_size) {
            allow_add(allow, allow_size, r->method);
            if (strcmp(r->method, "GET") == 0)
                allow_add(allow, allow_size, "HEAD");
        }
    }
    if (!first)
        return API_MATCH_NO_ROUTE;
    if (path_route)
        *path_route = first;
    return API_MATCH_NO_METHOD;
}
