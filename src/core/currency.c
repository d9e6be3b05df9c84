/*
 * core/currency.c — the ISO 4217 table: alphabetic code and minor units (see currency.h).
 *
 * Owns the one list of currencies cspd knows. dec_round_currency() reads it for every amount
 * of every charge line (nce-rules Part A 4: round to the billing currency's minor unit), the
 * API lists it, importers validate codes against it.
 *
 * Source: ISO 4217 List One (current currency & funds), as published by the maintenance agency
 * (SIX) on 2026-01-01, including amendment 179 (XAD). Rows are that list's distinct codes with
 * their CcyMnrUnts, funds included (BOV, CHE, CHW, CLF, COU, MXV, USN, UYI, UYW). Left out on
 * purpose: the entries whose minor unit is "N.A." (precious metals XAU XAG XPD XPT, bond-market
 * units XBA..XBD, XDR, XSU, XUA, the testing code XTS and XXX): they have no minor unit to round
 * to, so an amount in them is not something cspd can bill. Codes withdrawn from List One are
 * unknown here too (for example HRK, replaced by EUR in 2023; ANG, replaced by XCG in 2025;
 * BGN, replaced by EUR on 2026-01-01; SLL, ZWL).
 *
 * Shape: a sorted array searched by bisection (~8 three-byte compares); codes are exactly three
 * upper-case ASCII letters, as ISO writes them ("usd" is not a code). Adding a currency is one
 * row, kept in alphabetical order (test_currency checks the order).
 */
#include "core/currency.h"

#include <stddef.h>
#include <string.h>

struct currency_row {
    char code[4];
    unsigned char minor_units;
};

static const struct currency_row currencies[] = {
    {"AED", 2}, {"AFN", 2}, {"ALL", 2}, {"AMD", 2}, {"AOA", 2}, {"ARS", 2}, {"AUD", 2},
    {"AWG", 2}, {"AZN", 2},
    {"BAM", 2}, {"BBD", 2}, {"BDT", 2}, {"BHD", 3}, {"BIF", 0}, {"BMD", 2}, {"BND", 2},
    {"BOB", 2}, {"BOV", 2}, {"BRL", 2}, {"BSD", 2}, {"BTN", 2}, {"BWP", 2}, {"BYN", 2},
    {"BZD", 2},
    {"CAD", 2}, {"CDF", 2}, {"CHE", 2}, {"CHF", 2}, {"CHW", 2}, {"CLF", 4}, {"CLP", 0},
    {"CNY", 2}, {"COP", 2}, {"COU", 2}, {"CRC", 2}, {"CUP", 2}, {"CVE", 2}, {"CZK", 2},
    {"DJF", 0}, {"DKK", 2}, {"DOP", 2}, {"DZD", 2},
    {"EGP", 2}, {"ERN", 2}, {"ETB", 2}, {"EUR", 2},
    {"FJD", 2}, {"FKP", 2},
    {"GBP", 2}, {"GEL", 2}, {"GHS", 2}, {"GIP", 2}, {"GMD", 2}, {"GNF", 0}, {"GTQ", 2},
    {"GYD", 2},
    {"HKD", 2}, {"HNL", 2}, {"HTG", 2}, {"HUF", 2},
    {"IDR", 2}, {"ILS", 2}, {"INR", 2}, {"IQD", 3}, {"IRR", 2}, {"ISK", 0},
    {"JMD", 2}, {"JOD", 3}, {"JPY", 0},
    {"KES", 2}, {"KGS", 2}, {"KHR", 2}, {"KMF", 0}, {"KPW", 2}, {"KRW", 0}, {"KWD", 3},
    {"KYD", 2}, {"KZT", 2},
    {"LAK", 2}, {"LBP", 2}, {"LKR", 2}, {"LRD", 2}, {"LSL", 2}, {"LYD", 3},
    {"MAD", 2}, {"MDL", 2}, {"MGA", 2}, {"MKD", 2}, {"MMK", 2}, {"MNT", 2}, {"MOP", 2},
    {"MRU", 2}, {"MUR", 2}, {"MVR", 2}, {"MWK", 2}, {"MXN", 2}, {"MXV", 2}, {"MYR", 2},
    {"MZN", 2},
    {"NAD", 2}, {"NGN", 2}, {"NIO", 2}, {"NOK", 2}, {"NPR", 2}, {"NZD", 2},
    {"OMR", 3},
    {"PAB", 2}, {"PEN", 2}, {"PGK", 2}, {"PHP", 2}, {"PKR", 2}, {"PLN", 2}, {"PYG", 0},
    {"QAR", 2},
    {"RON", 2}, {"RSD", 2}, {"RUB", 2}, {"RWF", 0},
    {"SAR", 2}, {"SBD", 2}, {"SCR", 2}, {"SDG", 2}, {"SEK", 2}, {"SGD", 2}, {"SHP", 2},
    {"SLE", 2}, {"SOS", 2}, {"SRD", 2}, {"SSP", 2}, {"STN", 2}, {"SVC", 2}, {"SYP", 2},
    {"SZL", 2},
    {"THB", 2}, {"TJS", 2}, {"TMT", 2}, {"TND", 3}, {"TOP", 2}, {"TRY", 2}, {"TTD", 2},
    {"TWD", 2}, {"TZS", 2},
    {"UAH", 2}, {"UGX", 0}, {"USD", 2}, {"USN", 2}, {"UYI", 0}, {"UYU", 2}, {"UYW", 4},
    {"UZS", 2},
    {"VED", 2}, {"VES", 2}, {"VND", 0}, {"VUV", 0},
    {"WST", 2},
    {"XAD", 2}, {"XAF", 0}, {"XCD", 2}, {"XCG", 2}, {"XOF", 0}, {"XPF", 0},
    {"YER", 2},
    {"ZAR", 2}, {"ZMW", 2}, {"ZWG", 2},
};

#define NCURRENCIES ((int)(sizeof(currencies) / sizeof(currencies[0])))

static const struct currency_row *find(const char *code)
{
    int lo = 0, hi = NCURRENCIES - 1;

    if (!code)
        return NULL;
    for (int i = 0; i < 3; i++) {
        if (code[i] < 'A' || code[i] > 'Z')
            return NULL;
    }
    if (code[3] != '\0')
        return NULL;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        int c = memcmp(code, currencies[mid].code, 3);

        if (c == 0)
            return &currencies[mid];
        if (c < 0)
            hi = mid - 1;
        else
            lo = mid + 1;
    }
    return NULL;
}

int currency_minor_units(const char *code)
{
    const struct currency_row *row = find(code);

    return row ? row->minor_units : -1;
}

bool currency_is_known(const char *code)
{
    return find(code) != NULL;
}

const char *currency_code_at(int i)
{
    if (i < 0 || i >= NCURRENCIES)
        return NULL;
    return currencies[i].code;
}
