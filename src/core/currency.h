/*
 * core/currency.h — ISO 4217 currencies: codes and minor units (a table, not a guess).
 *
 * Microsoft rounds every amount of a line to the billing currency's minor unit
 * (nce-rules.md Part A rule 4, last bullet): USD 2, JPY 0, KWD 3, ... The table lives in
 * currency.c; adding a currency is one row there.
 */
#ifndef CSPD_CORE_CURRENCY_H
#define CSPD_CORE_CURRENCY_H

#include <stdbool.h>

/* Minor units (number of fraction digits) of `code` ("USD"), or -1 when unknown. */
int currency_minor_units(const char *code);
bool currency_is_known(const char *code);
/* Row i of the table (NULL past the end), for listings and the API. */
const char *currency_code_at(int i);

#endif
