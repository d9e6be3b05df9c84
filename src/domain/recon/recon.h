/*
 * domain/recon/recon.h — matching Microsoft's reconciliation lines against cspd's own charge
 * lines, and saying why two amounts differ (issue 8; formats.md §1; nce-rules.md §7.3-7.4,
 * Part A 3, 4, 12).
 *
 * Pure: no I/O, no clock, no allocation except the indexes' own arrays (owned by the index,
 * freed by its release). Two indexes hold cspd's charges of a billing period:
 *
 *   struct recon_key_index (key_index.c), what the import uses (svc/recon_svc.c): 8 bytes a
 *   charge, the key's 32-bit hash and the charge's load position; the caller reads each hit
 *   back and compares the real key, then applies the rule below itself.
 *   struct recon_index (match.c): every entry with its key and figures in memory (~110 bytes
 *   a charge) and recon_index_take applying the rule; the reference form of the rule, for
 *   small sets and the tests.
 *
 * Workload: a distributor's month, up to a few million lines on each side; lookups are a
 * binary search, so matching N Microsoft lines against M charges costs O((N + M) log M).
 * Whatever is left unused afterwards is "only in cspd".
 *
 * The key (what makes "the same line" on both sides): subscription, charge type, charge start
 * and end date, quantity (absolute: Microsoft may write credits with a negative quantity) and
 * the sign of the amount (a seat change is a refund and a charge of the same type and dates;
 * nce-rules.md Part A 5). Several entries may share a key; a Microsoft line takes the first
 * unused one whose amount agrees to the cent, else the first unused one.
 */
#ifndef CSPD_DOMAIN_RECON_RECON_H
#define CSPD_DOMAIN_RECON_RECON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/decimal.h"
#include "core/err.h"

/* Microsoft's NCE ChargeType values (formats.md §1.2), and a slot for anything newer. */
enum recon_type {
    RT_NEW = 0,
    RT_RENEW,
    RT_CYCLE_CHARGE,
    RT_ADD_QUANTITY,
    RT_REMOVE_QUANTITY,
    RT_MOVE_QUANTITY,
    RT_CANCEL_IMMEDIATE,
    RT_CONVERT,
    RT_CHANGE_BILLING_PLAN,
    RT_CUSTOMER_CREDIT,
    RT_EXTEND_TERM,
    RT_UNKNOWN, /* a value Microsoft added after 2022 (formats.md §5 item 7): kept verbatim */
    RT__COUNT
};

#define RECON_TYPE_MAX 40 /* longest charge type text kept, with NUL */

/*
 * The charge type named by s[0..len), in any letter case ("CycleCharge", "cyclecharge"):
 * its enum value, RT_UNKNOWN for a name not in the table. Empty text is RT_UNKNOWN too.
 */
enum recon_type recon_type_parse(const char *s, size_t len);
/* Microsoft's spelling ("cycleCharge"); "" for RT_UNKNOWN. */
const char *recon_type_name(enum recon_type t);

struct recon_key {
    uint32_t sub;   /* the caller's number for the cspd subscription */
    int32_t start;  /* charge start, days since 1970-01-01 (date_to_days) */
    int32_t end;    /* charge end, inclusive; = start when the file gives none */
    int64_t qty;    /* absolute quantity; -1 when not a whole number (never matches) */
    uint8_t type;   /* enum recon_type */
    int8_t sign;    /* +1 a charge, -1 a refund (credit) */
};

int recon_key_cmp(const struct recon_key *a, const struct recon_key *b);

/*
 * One side's figures of a line. Prices are in the pricing currency, `amount` is what is
 * compared: the subtotal in the billing currency (Microsoft's Subtotal; cspd's
 * billing_subtotal, or subtotal when the currencies agree).
 */
struct recon_amounts {
    struct dec unit_price; /* per seat per billing cycle (nce-rules.md Part A 13) */
    struct dec eup;        /* effective unit price, signed */
    struct dec amount;     /* billing-currency subtotal, signed */
    struct dec fx;         /* pricing -> billing rate; 1 when the currencies agree */
};

/* The sign of a line: of its amount, else of its EUP, else of its quantity; +1 for zeros. */
int recon_sign(struct dec amount, struct dec eup, struct dec qty);

struct recon_entry {
    struct recon_key key;
    struct recon_amounts a;
    uint32_t ref; /* the caller's row number (which charge this is) */
    bool used;
};

struct recon_index {
    struct recon_entry *v;
    size_t n, cap;
    bool sorted;
};

void recon_index_init(struct recon_index *ix);
/* Append an entry (ERR_NOMEM). Invalidates sorting. */
int recon_index_add(struct recon_index *ix, const struct recon_key *k,
                    const struct recon_amounts *a, uint32_t ref, struct err *err);
/* Sort by key (then by ref, so equal keys keep the caller's order). */
void recon_index_sort(struct recon_index *ix);
/*
 * The unused entry for `k` (index sorted): the first whose amount equals `amount` once both
 * are rounded half-up to `minor` fraction digits, else the first unused one; it is marked
 * used. NULL when every entry of the key is used or there is none.
 */
struct recon_entry *recon_index_take(struct recon_index *ix, const struct recon_key *k,
                                     struct dec amount, int minor);
/* Make every entry unused again (a second pass over the same charges). */
void recon_index_reset(struct recon_index *ix);
void recon_index_release(struct recon_index *ix);

/* Amounts a and b equal once both are rounded half-up to `minor` fraction digits. */
bool recon_same_cents(struct dec a, struct dec b, int minor);

/*
 * The compact index an import matches through (domain/recon/key_index.c): 8 bytes per cspd
 * charge whatever the book's size, so a period of millions of charges fits in a few tens of
 * MB. Each entry is the key's 32-bit hash (recon_key_hash: the subscription's id as text,
 * type, dates, quantity, sign) and the charge's position in the caller's load order (`ord`);
 * sorted by (hash, ord), so the entries of one hash come in load order. A hit is only a
 * candidate: the caller reads the charge and compares the real key (two keys may share a
 * hash; the expected number of foreign entries met per lookup is n / 2^32).
 */
struct recon_key_index {
    uint64_t *v; /* hash << 32 | ord */
    size_t n, cap;
};

/* The key's hash; `k->sub` is ignored (the subscription is hashed by its id `sub`). */
uint32_t recon_key_hash(const char *sub, size_t len, const struct recon_key *k);
void recon_key_index_init(struct recon_key_index *ix);
int recon_key_index_add(struct recon_key_index *ix, uint32_t hash, uint32_t ord,
                        struct err *err);
void recon_key_index_sort(struct recon_key_index *ix);
/* The entries with `hash` (index sorted): v[*first ...], how many; their ords ascending. */
size_t recon_key_index_find(const struct recon_key_index *ix, uint32_t hash, size_t *first);
static inline uint32_t recon_key_index_ord(const struct recon_key_index *ix, size_t i)
{
    return (uint32_t)ix->v[i];
}
void recon_key_index_release(struct recon_key_index *ix);
/* A 64-bit hash of a name (FNV-1a, then mixed so every bit depends on every byte). */
uint64_t recon_name_hash(const char *s, size_t len);
/* Sort in place, ascending (the index's quicksort: no temporary buffer). */
void recon_sort_u64(uint64_t *v, size_t n);

/*
 * Interned names (domain/recon/names.c): subscription ids numbered 0, 1, 2, ... in the order
 * first seen, so index keys compare numbers, not strings; looked up by hashing (FNV-1a, open
 * addressing, at most half full). The text lives in one arena owned by the table: about
 * len + 17 bytes per name, nothing per lookup. A name returned by recon_names_get is valid
 * until the next recon_names_intern (the arena may move).
 */
struct recon_names {
    char *text;          /* the names, each NUL-terminated */
    size_t text_len, text_cap;
    uint32_t *off;       /* by number: offset of the name in `text` */
    uint32_t *hash;      /* by number: its hash */
    uint32_t n, cap;     /* names, and room in off/hash */
    uint32_t *slot;      /* hash slots: number + 1, 0 empty */
    uint32_t nslots;     /* a power of two */
};

#define RECON_NAME_NONE UINT32_MAX

void recon_names_init(struct recon_names *t);
/* The number of s[0..len), added when new (ERR_NOMEM; ERR_TOO_BIG past 4 GiB of text). */
int recon_names_intern(struct recon_names *t, const char *s, size_t len, uint32_t *num,
                       struct err *err);
/* The number of s[0..len), or RECON_NAME_NONE. */
uint32_t recon_names_find(const struct recon_names *t, const char *s, size_t len);
const char *recon_names_get(const struct recon_names *t, uint32_t num);
void recon_names_release(struct recon_names *t);

enum recon_status {
    RS_MATCHED,        /* same key, amounts equal to the cent */
    RS_AMOUNT_DIFFERS, /* same key, amounts differ; see the cause */
    RS_ONLY_MICROSOFT, /* Microsoft billed it, cspd has no such line */
    RS_ONLY_CSPD,      /* cspd has the line, Microsoft did not bill it */
    RS_USAGE,          /* a daily rated usage line: imported and totalled, not matched */
    RS__COUNT
};

enum recon_cause {
    RC_NONE = 0,
    RC_PRICE,          /* the unit prices differ */
    RC_EXCHANGE_RATE,  /* the pricing -> billing rates differ */
    RC_ROUNDING_RULE,  /* same price, days and rate; another rounding formula */
    RC_PRORATION_DAYS, /* same price, different effective unit price: other billed days */
    RC_UNKNOWN,        /* none of the above explains it */
    RC_UNKNOWN_SUBSCRIPTION, /* only_microsoft: the subscription is not cspd's (no mapping) */
    RC_NO_CSPD_LINE,   /* only_microsoft: cspd knows the subscription, not this line */
    RC_NOT_BILLED,     /* only_cspd: Microsoft's file has no such line */
    RC__COUNT
};

const char *recon_status_name(enum recon_status s); /* "matched", "amount_differs", ... */
int recon_status_parse(const char *s, enum recon_status *out); /* 0, or -1 if unknown */
const char *recon_cause_name(enum recon_cause c);   /* "", "price", "exchange_rate", ... */

#define RECON_DETAIL_MAX 400

struct recon_verdict {
    enum recon_status status; /* RS_MATCHED or RS_AMOUNT_DIFFERS */
    enum recon_cause cause;
    struct dec difference;    /* Microsoft's amount - cspd's amount */
    char detail[RECON_DETAIL_MAX]; /* one sentence with both figures; "" when matched */
};

/*
 * Compare a Microsoft line with the cspd line of the same key and say why they differ.
 * `minor`: fraction digits of the billing currency; `days` the billed days of the line
 * (start to end inclusive), used to state the proration in days. The checks, in order:
 *   matched        the amounts rounded to the cent (half-up) are equal;
 *   price          the unit prices differ;
 *   exchange_rate  the rates differ;
 *   rounding_rule  Microsoft's amount is what another of the rounding formulas of
 *                  nce-rules.md §7.3-7.4 gives from either side's EUP:
 *                    A  ROUNDDOWN(EUP x rate, m) x qty          (documented licence rule)
 *                    B  ROUNDDOWN(ROUNDDOWN(EUP x qty, m) x rate, m) (the worked examples)
 *                    H  ROUND_HALF_UP(EUP x qty x rate, m)
 *                  or the EUPs agree within one minor unit and the amounts within one minor
 *                  unit per seat;
 *   proration_days the EUPs differ by more: the detail gives the days each side billed,
 *                  from the cycle length implied by cspd's EUP (cycle = unit x days / EUP);
 *   unknown        otherwise.
 */
int recon_classify(const struct recon_amounts *ms, const struct recon_amounts *cs,
                   enum recon_type type, int64_t qty, int32_t days, int minor,
                   struct recon_verdict *out, struct err *err);

#endif
