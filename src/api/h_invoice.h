/*
 * api/h_invoice.h — what the billing handlers share (h_invoice.c, h_margin.c, h_report.c):
 * the reply frame and the checks of query values. Route handlers themselves are declared in
 * router.h with the rest of the table's.
 */
#ifndef CSPD_API_H_INVOICE_H
#define CSPD_API_H_INVOICE_H

#include <stdbool.h>

#include <jansson.h>

#include "api/api.h"

/* At most this many items in one list response ("more": true when cut). */
#define H_BILLING_LIST_MAX 1000

/* An error reply from err when rc < 0 (obj freed), else obj with `status`. */
void h_billing_reply(struct api_resp *resp, int rc, const struct err *err, int status,
                     json_t *obj);
/* "YYYY-MM" naming a real month. */
bool h_billing_period_ok(const char *s);

#endif
