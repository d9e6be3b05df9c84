#!/usr/bin/env python3
"""refmodel.py — a plain, day-by-day reference model of nce-rules.md Part A (STYLE.md rule 15).

What it owns: given a scenario file (shared/domain/scenarios.md), compute the charge lines,
refusals and final state that Part A prescribes, in the same JSON shape as
`cspd scenario run --print FILE`, so the two can be compared to the cent.

Why it is shaped so: it is written apart from the engine (src/domain/*, src/svc/sub*) and is
deliberately naive.  The clock walks one day at a time at 00:00 UTC; every subscription is asked
"is something due today?" (a cycle charge, a renewal, an EST month, an expiry) by recomputing its
calendar from the term anchor (rule 1), never from stored next-due dates.  Money is exact
(fractions.Fraction) and is rounded only where the rounding table of rule 4 says so.  Nothing is
optimised; a scenario of a few years runs in milliseconds anyway.

Usage:
    refmodel.py FILE            print the model's result as JSON (like `cspd scenario run --print`)
    refmodel.py --check FILE... compare the model with each file's `expect` block; exit 1 on any
                                mismatch (prints the differences)

Rule tags: "Part A n" refers to nce-rules.md Part A rule n.
"""

import datetime as dt
import json
import sys
from fractions import Fraction

# ---------------------------------------------------------------------------------------------
# Currencies: minor units (Part A 4, 12).  ISO 4217; anything not listed has 2.
MINOR_UNITS = {
    "JPY": 0, "KRW": 0, "VND": 0, "CLP": 0, "ISK": 0, "UGX": 0, "PYG": 0, "XOF": 0, "XAF": 0,
    "KWD": 3, "BHD": 3, "OMR": 3, "JOD": 3, "TND": 3, "IQD": 3, "LYD": 3,
}


def minor(cur):
    return MINOR_UNITS.get(cur.upper(), 2)


def rounddown(x, places):
    """ROUNDDOWN: toward zero (Part A 4), to `places` decimals."""
    q = 10 ** places
    return Fraction(int(x * q), q)  # int() of a Fraction truncates toward zero


def round_half_up(x, places):
    """Half-up (away from zero on .5), used for EST prices (Part A 11)."""
    q = 10 ** places
    y = abs(x) * q
    n = int(y + Fraction(1, 2))
    return Fraction(n if x >= 0 else -n, q)


def dec(s):
    """Parse a decimal string exactly."""
    return Fraction(str(s))


def fmt(x, maxdec=21):
    """Format an exact amount as a decimal string: exact if it terminates within `maxdec`
    decimals, else rounded half-up to `maxdec` decimals.  Trailing zeros stripped."""
    neg = x < 0
    y = abs(x)
    q = 10 ** maxdec
    n = y * q
    if n.denominator != 1:
        n = int(n + Fraction(1, 2))
    else:
        n = int(n)
    ip, fp = divmod(n, q)
    s = str(ip)
    if fp:
        s += "." + str(fp).rjust(maxdec, "0").rstrip("0")
    if neg and n != 0:
        s = "-" + s
    return s


# ---------------------------------------------------------------------------------------------
# Calendar (Part A 1).
def parse_instant(s):
    s = s.strip()
    if s.endswith("Z"):
        s = s[:-1]
    t = dt.datetime.fromisoformat(s)
    if t.tzinfo is not None:
        t = t.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return t


def parse_date(s):
    return dt.date.fromisoformat(s[:10])


def days_in_month(y, m):
    if m == 12:
        return 31
    return (dt.date(y, m + 1, 1) - dt.date(y, m, 1)).days


def add_months(d, n):
    """Add n months with end-of-month clamping (Jan 31 + 1 month = Feb 28/29)."""
    m0 = d.year * 12 + (d.month - 1) + n
    y, m = divmod(m0, 12)
    m += 1
    return dt.date(y, m, min(d.day, days_in_month(y, m)))


ONE_DAY = dt.timedelta(days=1)
WINDOW = dt.timedelta(hours=168)
TERM_MONTHS = {"P1M": 1, "P1Y": 12, "P3Y": 36}
CYCLE_MONTHS = {"monthly": 1, "annual": 12, "triennial": 36}

EST_PURCHASED_FROM = dt.date(2025, 4, 1)   # Part A 10
EST_TERM_END_FROM = dt.date(2026, 5, 4)    # Part A 10


def midnight(d):
    return dt.datetime(d.year, d.month, d.day)


# ---------------------------------------------------------------------------------------------
class Refusal(Exception):
    def __init__(self, code):
        super().__init__(code)
        self.code = code


class Sub:
    """One subscription.  The current term is [anchor, term_end]; its charge cycles are
    computed from the anchor every time (Part A 1).  In EST the 'term' is the current EST
    month (anchor = month start, term_months = cycle_months = 1)."""

    def __init__(self, name):
        self.name = name
        self.sku = None
        self.term = None            # P1M / P1Y / P3Y of the current (non-EST) term
        self.billing = None         # monthly / annual / triennial
        self.quantity = 0
        self.status = "active"      # active / suspended / cancelled / expired / est
        self.in_est = False
        self.anchor = None          # start date of the current term (or EST month)
        self.term_months = None
        self.cycle_months = None
        self.term_end = None
        self.unit_price = None      # locked per-cycle price of the current term
        self.price_cur = None       # its pricing currency
        self.window_end = None      # purchase / renewal window: [start, window_end)
        self.lots = []              # [[qty, deadline]] oldest first
        self.auto_renew = True
        # term-end decision (Part A 15): ("renew", changes-or-None) / ("cancel",) / ("est",)
        # / ("off",) = auto-renew off without an explicit action (rule 10).
        self.decision = ("renew", None)
        self.term_start = None      # purchase or last renewal date (EST eligibility)

    # calendar -------------------------------------------------------------------------------
    def ncycles(self):
        return self.term_months // self.cycle_months

    def cycle(self, k):
        s = add_months(self.anchor, k * self.cycle_months)
        e = add_months(self.anchor, (k + 1) * self.cycle_months) - ONE_DAY
        return s, e

    def cycle_of(self, d):
        for k in range(self.ncycles()):
            s, e = self.cycle(k)
            if s <= d <= e:
                return s, e
        return None

    def alive(self):
        return self.status in ("active", "suspended", "est")


class Model:
    def __init__(self, scen):
        self.scen = scen
        self.currency = scen.get("currency", "USD")
        self.prices = []   # (sku, term, billing, unit_price, currency, effective_from, seq)
        self.rates = []    # (from, to, rate, effective_from, seq)
        self.seq = 0
        for p in scen.get("prices", []):
            self.add_price(p)
        self.paths = set()
        for p in scen.get("upgrade_paths", []) or []:
            self.paths.add((p["from"], p["to"]))
        cust = scen.get("customer") or {}
        self.mca = cust.get("mca_accepted", True)
        self.subs = {}     # name -> Sub, in creation order
        self.charges = []
        self.refusals = []
        self.day = None    # next day whose 00:00 cycle has not run

    # price list -----------------------------------------------------------------------------
    def add_price(self, p):
        self.seq += 1
        self.prices.append((p["sku"], p["term"], p["billing"], dec(p["unit_price"]),
                            (p.get("currency") or self.currency).upper(),
                            parse_date(p["effective_from"]), self.seq))

    def price_on(self, sku, term, billing, d):
        """The price row in effect on date d (latest effective_from <= d; a later row with the
        same date replaces an earlier one).  Where the plan has rows in several currencies,
        the row in the billing currency wins (nce-rules.md §10: "the currency line item
        aligning with the partner billing currency"; Part A is silent), else any currency."""
        best = None
        bc = self.currency.upper()
        for row in self.prices:
            if row[0] == sku and row[1] == term and row[2] == billing and row[5] <= d:
                key = (row[4] == bc, row[5], row[6])
                if best is None or key > (best[4] == bc, best[5], best[6]):
                    best = row
        return best

    def has_any_price(self, sku, term, billing):
        return any(r[0] == sku and r[1] == term and r[2] == billing for r in self.prices)

    def rate_on(self, frm, to, d):
        best = None
        for r in self.rates:
            if r[0] == frm and r[1] == to and r[3] <= d:
                if best is None or (r[3], r[4]) > (best[3], best[4]):
                    best = r
        return best

    # charge lines ---------------------------------------------------------------------------
    def line(self, sub, sku, ctype, start, end, qty, unit_price, cur, eup, subtotal, est=False):
        """Append a charge line.  `eup` is the line's shown EUP (exact on quantity lines,
        truncated on cancel/convert lines, the unit price on full cycles — rule 12)."""
        bc = self.currency.upper()
        if cur == bc:
            bsub = subtotal
        else:
            r = self.rate_on(cur, bc, start)
            if r is None:
                raise RuntimeError("no %s->%s rate on %s" % (cur, bc, start))
            bsub = rounddown(eup * r[2], minor(bc)) * qty          # Part A 12
        ln = {
            "sub": sub, "sku": sku, "charge_type": ctype,
            "start": start.isoformat(), "end": end.isoformat(), "quantity": qty,
            "unit_price": unit_price, "effective_unit_price": eup, "subtotal": subtotal,
            "currency": cur, "billing_currency": bc, "billing_subtotal": bsub,
        }
        if est:
            ln["est"] = True
        self.charges.append(ln)

    def full_cycle_line(self, s, ctype, start, end, est=False):
        # Part A 4: new / renew / cycleCharge (and the full first cycle after an EST exit)
        self.line(s.name, s.sku, ctype, start, end, s.quantity, s.unit_price, s.price_cur,
                  s.unit_price, s.unit_price * s.quantity, est)

    def quantity_pair(self, s, ctype, d, oldq, newq):
        # Part A 3, 4, 5: subtotal = ROUNDDOWN(EUP x qty, m); EUP exact
        cs, ce = s.cycle_of(d)
        cdays = (ce - cs).days + 1
        bdays = (ce - d).days + 1
        eup = s.unit_price * bdays / cdays
        m = minor(s.price_cur)
        self.line(s.name, s.sku, ctype, d, ce, oldq, s.unit_price, s.price_cur,
                  -eup, rounddown(-eup * oldq, m), s.in_est)
        self.line(s.name, s.sku, ctype, d, ce, newq, s.unit_price, s.price_cur,
                  eup, rounddown(eup * newq, m), s.in_est)

    def trunc_line(self, s, name, sku, ctype, d, qty, unit_price, cur, sign, est):
        # Part A 4: cancelImmediate / convert: EUP = ROUNDDOWN(EUP, m); subtotal = EUP x qty
        cs, ce = s.cycle_of(d)
        cdays = (ce - cs).days + 1
        bdays = (ce - d).days + 1
        eup = rounddown(sign * unit_price * bdays / cdays, minor(cur))
        self.line(name, sku, ctype, d, ce, qty, unit_price, cur, eup, eup * qty, est)

    # EST ------------------------------------------------------------------------------------
    def est_eligible(self, s):
        """Part A 10: purchased or renewed on/after 2025-04-01, term ending on/after
        2026-05-04 (license-based, not trial: every scenario subscription)."""
        return s.term_start >= EST_PURCHASED_FROM and s.term_end >= EST_TERM_END_FROM

    def est_price(self, sku, d):
        """Part A 11: P1M monthly x 1.03, else P1Y monthly x 1.23, half-up to the minor unit."""
        row = self.price_on(sku, "P1M", "monthly", d)
        f = Fraction(103, 100)
        if row is None:
            row = self.price_on(sku, "P1Y", "monthly", d)
            f = Fraction(123, 100)
        if row is None:
            return None
        return round_half_up(row[3] * f, minor(row[4])), row[4]

    def start_est_month(self, s, d):
        p = self.est_price(s.sku, d)
        if p is None:
            s.status = "expired"      # Part A 15 dead ends
            return
        s.in_est = True
        s.status = "est"
        s.auto_renew = False
        s.unit_price, s.price_cur = p
        s.anchor = d
        s.term_months = 1
        s.cycle_months = 1
        s.term_end = add_months(d, 1) - ONE_DAY
        s.lots = [[s.quantity, midnight(d)]]   # EST months open no window (rule 2, 11)
        self.full_cycle_line(s, "renew", d, s.term_end, est=True)

    # daily cycle ----------------------------------------------------------------------------
    def daily(self, d):
        """00:00 UTC of day d (Part A 1)."""
        for s in list(self.subs.values()):
            if s.status in ("cancelled", "expired"):
                continue
            if d == s.term_end + ONE_DAY:
                self.term_end(s, d)
                continue
            if d > s.term_end:
                continue
            for k in range(1, s.ncycles()):
                cs, ce = s.cycle(k)
                if cs == d:
                    self.full_cycle_line(s, "cycleCharge", cs, ce, est=s.in_est)
                    break

    def term_end(self, s, d):
        """Part A 8, 10, 11, 15: what happens at 00:00 the day after the term end."""
        if s.status == "suspended":
            s.status = "expired"       # rule 8, before rule 10
            return
        if s.in_est:
            self.start_est_month(s, d)   # next EST month, re-priced (rule 15 EST months)
            return
        kind = s.decision[0]
        if kind == "renew":
            ch = s.decision[1] or {}
            sku = ch.get("sku", s.sku)
            term = ch.get("term", s.term)
            billing = ch.get("billing", s.billing)
            qty = ch.get("quantity", s.quantity)
            row = self.price_on(sku, term, billing, d)
            if row is None:
                s.status = "expired"   # rule 15 dead ends
                return
            s.sku, s.term, s.billing, s.quantity = sku, term, billing, qty
            s.unit_price, s.price_cur = row[3], row[4]
            s.anchor = d
            s.term_start = d
            s.term_months = TERM_MONTHS[term]
            s.cycle_months = CYCLE_MONTHS[billing]
            s.term_end = add_months(d, s.term_months) - ONE_DAY
            s.window_end = midnight(d) + WINDOW
            s.lots = [[qty, s.window_end]]
            s.decision = ("renew", None)   # changes apply to one renewal
            s.auto_renew = True
            cs, ce = s.cycle(0)
            self.full_cycle_line(s, "renew", cs, ce)
            return
        if kind == "cancel":
            s.status = "expired"
            return
        if kind == "est" or (kind == "off" and self.est_eligible(s)):
            self.start_est_month(s, d)
            return
        s.status = "expired"

    # steps ----------------------------------------------------------------------------------
    def get_live(self, name):
        s = self.subs.get(name)
        if s is None or s.status in ("cancelled", "expired"):
            raise Refusal("subscription_not_active")
        return s

    def step(self, st, t):
        do = st["do"]
        fn = getattr(self, "do_" + do, None)
        if fn is None:
            raise RuntimeError("unknown step %r" % do)
        fn(st, t, t.date())

    def do_price(self, st, t, d):
        self.add_price(st)

    def do_rate(self, st, t, d):
        self.seq += 1
        self.rates.append((st["from"].upper(), st["to"].upper(), dec(st["rate"]),
                           parse_date(st["effective_from"]), self.seq))

    def do_order(self, st, t, d):
        if not self.mca:
            raise Refusal("mca_not_accepted")
        qty = int(st["quantity"])
        if qty <= 0:
            raise Refusal("invalid_quantity")
        row = self.price_on(st["sku"], st["term"], st["billing"], d)
        if row is None:
            raise Refusal("no_price")
        s = Sub(st["sub"])
        s.sku, s.term, s.billing, s.quantity = st["sku"], st["term"], st["billing"], qty
        s.unit_price, s.price_cur = row[3], row[4]
        s.anchor = d
        s.term_start = d
        s.term_months = TERM_MONTHS[s.term]
        s.cycle_months = CYCLE_MONTHS[s.billing]
        s.term_end = add_months(d, s.term_months) - ONE_DAY
        s.window_end = t + WINDOW
        s.lots = [[qty, s.window_end]]
        s.auto_renew = bool(st.get("auto_renew", True))
        s.decision = ("renew", None) if s.auto_renew else ("off",)
        self.subs[s.name] = s
        cs, ce = s.cycle(0)
        self.full_cycle_line(s, "new", cs, ce)

    def drop_changes(self, s):
        """A mid-term seat change or upgrade deletes scheduled changes (rule 15)."""
        if s.decision[0] == "renew" and s.decision[1]:
            s.decision = ("renew", None)

    def do_set_quantity(self, st, t, d):
        s = self.get_live(st["sub"])
        if s.status == "suspended":
            raise Refusal("subscription_not_active")
        if s.in_est:
            raise Refusal("not_allowed_in_est")
        q = int(st["quantity"])
        if q <= 0:
            raise Refusal("invalid_quantity")
        if q == s.quantity:
            return                      # no-op, scheduled changes kept (rule 15)
        if q > s.quantity:
            old = s.quantity
            s.lots.append([q - old, t + WINDOW])
            self.quantity_pair(s, "addQuantity", d, old, q)
            s.quantity = q
            self.drop_changes(s)
            return
        need = s.quantity - q
        if sum(l[0] for l in s.lots if t < l[1]) < need:
            raise Refusal("quantity_decrease_outside_window")
        for l in reversed(s.lots):      # newest first, lots still inside their window
            if need == 0:
                break
            if t < l[1]:
                take = min(need, l[0])
                l[0] -= take
                need -= take
        s.lots = [l for l in s.lots if l[0] > 0]
        old = s.quantity
        self.quantity_pair(s, "removeQuantity", d, old, q)
        s.quantity = q
        self.drop_changes(s)

    def do_cancel(self, st, t, d):
        s = self.get_live(st["sub"])
        if not s.in_est and not t < s.window_end:
            raise Refusal("outside_cancellation_window")
        # Part A 6: refund from the cancel date to the cycle end
        self.trunc_line(s, s.name, s.sku, "cancelImmediate", d, s.quantity, s.unit_price,
                        s.price_cur, -1, s.in_est)
        s.status = "cancelled"

    def do_upgrade(self, st, t, d):
        s = self.get_live(st["sub"])
        if s.status == "suspended":
            raise Refusal("subscription_not_active")
        q = st.get("quantity")
        q = None if q is None else int(q)
        partial = q is not None and 0 < q < s.quantity
        if s.in_est and partial:
            raise Refusal("not_allowed_in_est")
        to = st["to_sku"]
        if (s.sku, to) not in self.paths:
            raise Refusal("invalid_upgrade_path")
        if q is not None and (q <= 0 or q > s.quantity):
            raise Refusal("invalid_quantity")
        row = self.price_on(to, s.term, s.billing, d)
        if row is None:
            raise Refusal("no_price")
        if s.in_est:
            # Part A 7: EST exit.  Refund the EST month's remaining days, start a new term of the
            # pre-EST term and billing plan on the upgrade date, first cycle as a convert line.
            self.trunc_line(s, s.name, s.sku, "convert", d, s.quantity, s.unit_price,
                            s.price_cur, -1, True)
            s.in_est = False
            s.status = "active"
            s.sku = to
            s.unit_price, s.price_cur = row[3], row[4]
            s.anchor = d
            s.term_start = d
            s.term_months = TERM_MONTHS[s.term]
            s.cycle_months = CYCLE_MONTHS[s.billing]
            s.term_end = add_months(d, s.term_months) - ONE_DAY
            s.window_end = t + WINDOW
            s.lots = [[s.quantity, s.window_end]]
            cs, ce = s.cycle(0)
            self.full_cycle_line(s, "convert", cs, ce)
            return
        if not partial:
            # full upgrade: same sub id, lots kept, target locked for the term
            self.trunc_line(s, s.name, s.sku, "convert", d, s.quantity, s.unit_price,
                            s.price_cur, -1, False)
            self.trunc_line(s, s.name, to, "convert", d, s.quantity, row[3], row[4], 1, False)
            s.sku = to
            s.unit_price, s.price_cur = row[3], row[4]
            self.drop_changes(s)
            return
        new = st.get("new_sub")
        if not new:
            raise RuntimeError("partial upgrade without new_sub")
        self.trunc_line(s, s.name, s.sku, "convert", d, q, s.unit_price, s.price_cur, -1, False)
        self.trunc_line(s, new, to, "convert", d, q, row[3], row[4], 1, False)
        need = q
        for l in reversed(s.lots):      # moved seats come from the lots newest first
            if need == 0:
                break
            take = min(need, l[0])
            l[0] -= take
            need -= take
        s.lots = [l for l in s.lots if l[0] > 0]
        s.quantity -= q
        self.drop_changes(s)
        c = Sub(new)
        c.sku, c.term, c.billing, c.quantity = to, s.term, s.billing, q
        c.unit_price, c.price_cur = row[3], row[4]
        c.anchor, c.term_months, c.cycle_months = s.anchor, s.term_months, s.cycle_months
        c.term_end = s.term_end
        c.window_end = s.window_end
        c.lots = [[q, s.window_end]]
        c.auto_renew = s.auto_renew
        c.decision = ("renew", None) if c.auto_renew else ("off",)
        c.term_start = s.term_start
        self.subs[new] = c

    def do_suspend(self, st, t, d):
        s = self.get_live(st["sub"])
        if s.status == "suspended":
            return      # already suspended: accepted, changes nothing (Part A is silent)
        s.status = "suspended"
        # Part A 8: suspension turns auto-renew off
        if s.auto_renew:
            s.auto_renew = False
            s.decision = ("off",)

    def do_reactivate(self, st, t, d):
        s = self.get_live(st["sub"])
        if s.status == "suspended":
            s.status = "est" if s.in_est else "active"   # auto-renew stays off

    def do_set_auto_renew(self, st, t, d):
        s = self.get_live(st["sub"])
        if s.in_est:
            raise Refusal("not_allowed_in_est")
        v = st["value"]
        if isinstance(v, str):
            v = v.lower() == "true"
        if v:
            # "set_auto_renew true makes it renew ... the later action replaces the earlier"
            # (rule 15): a renewal scheduled with changes becomes renew as is.
            s.auto_renew = True
            s.decision = ("renew", None)
        else:
            s.auto_renew = False
            s.decision = ("off",)

    def do_schedule(self, st, t, d):
        s = self.get_live(st["sub"])
        if s.in_est:
            raise Refusal("not_allowed_in_est")
        action = st["action"]
        if action == "est":
            if not self.est_eligible(s):
                raise Refusal("est_not_eligible")
            s.decision = ("est",)
            s.auto_renew = False
            return
        if action == "cancel":
            s.decision = ("cancel",)
            s.auto_renew = False
            return
        if action != "renew":
            raise RuntimeError("unknown schedule action %r" % action)
        sku = st.get("sku", s.sku)
        if sku != s.sku and (s.sku, sku) not in self.paths:
            raise Refusal("invalid_upgrade_path")
        if "quantity" in st and int(st["quantity"]) <= 0:
            raise Refusal("invalid_quantity")
        term = st.get("term", s.term)
        billing = st.get("billing", s.billing)
        if not self.has_any_price(sku, term, billing):
            raise Refusal("no_price")
        ch = {}
        for k in ("sku", "term", "billing"):
            if k in st:
                ch[k] = st[k]
        if "quantity" in st:
            ch["quantity"] = int(st["quantity"])
        s.decision = ("renew", ch or None)
        s.auto_renew = True

    # driver ---------------------------------------------------------------------------------
    def advance(self, t):
        """Run the daily cycle for every 00:00 UTC up to and including instant t."""
        if self.day is None:
            self.day = t.date()
        while midnight(self.day) <= t:     # cycle before steps at the same instant
            self.daily(self.day)
            self.day += ONE_DAY

    def feed(self, i, st):
        """Step i of the scenario: run the clock to its instant, then apply it."""
        t = parse_instant(st["until"] if "until" in st else st["at"])
        self.advance(t)
        if "until" in st:
            return
        try:
            self.step(st, t)
        except Refusal as r:
            self.refusals.append({"step": i, "code": r.code})

    def run(self):
        for i, st in enumerate(self.scen["steps"]):
            self.feed(i, st)

    def result(self):
        out = []
        for c in self.charges:
            o = dict(c)
            for k in ("unit_price", "effective_unit_price", "subtotal", "billing_subtotal"):
                o[k] = fmt(c[k])
            out.append(o)
        state = []
        for s in self.subs.values():
            state.append({"sub": s.name, "status": s.status, "sku": s.sku,
                          "quantity": s.quantity, "term_end": s.term_end.isoformat(),
                          "auto_renew": s.auto_renew})
        return {"name": self.scen.get("name", ""), "charges": out,
                "refusals": list(self.refusals), "state": state}


def run_file(path):
    with open(path) as f:
        scen = json.load(f)
    m = Model(scen)
    m.run()
    return m.result()


# ---------------------------------------------------------------------------------------------
# Comparison with an `expect` block (the semantics of shared/domain/scenarios.md).
def decimals_of(s):
    s = str(s)
    return len(s.split(".", 1)[1]) if "." in s else 0


def value_eq(key, expected, computed):
    if key in ("unit_price", "subtotal", "billing_subtotal"):
        return dec(expected) == dec(computed)
    if key == "effective_unit_price":
        return round_half_up(dec(computed), decimals_of(expected)) == dec(expected)
    if key == "est":
        return bool(expected) == bool(computed)
    return expected == computed


def check_expect(scen, res):
    """Return a list of difference messages (empty: the model matches)."""
    exp = scen.get("expect", {})
    diffs = []
    left = list(res["charges"])
    for e in exp.get("charges", []):
        hit = None
        for i, c in enumerate(left):
            if all(value_eq(k, v, c.get(k, False if k == "est" else None))
                   for k, v in e.items()):
                hit = i
                break
        if hit is None:
            diffs.append("expected line not computed: %s" % json.dumps(e))
        else:
            left.pop(hit)
    for c in left:
        diffs.append("computed line not expected: %s" % json.dumps(c))
    er = sorted((r["step"], r["code"]) for r in exp.get("refusals", []))
    cr = sorted((r["step"], r["code"]) for r in res["refusals"])
    if er != cr:
        diffs.append("refusals: expected %s, computed %s" % (er, cr))
    bysub = {s["sub"]: s for s in res["state"]}
    for e in exp.get("state", []):
        c = bysub.get(e["sub"])
        if c is None:
            diffs.append("state: no subscription %s" % e["sub"])
            continue
        for k, v in e.items():
            if c.get(k) != v:
                diffs.append("state %s.%s: expected %r, computed %r" % (e["sub"], k, v, c.get(k)))
    return diffs


def main(argv):
    if len(argv) >= 2 and argv[1] == "--check":
        bad = 0
        for p in argv[2:]:
            with open(p) as f:
                scen = json.load(f)
            try:
                m = Model(scen)
                m.run()
                d = check_expect(scen, m.result())
            except Exception as ex:  # a model crash is a mismatch too
                d = ["model error: %r" % ex]
            if d:
                bad += 1
                print("not ok %s" % p)
                for x in d:
                    print("   " + x)
            else:
                print("ok %s" % p)
        print("%d passed, %d failed" % (len(argv) - 2 - bad, bad))
        return 1 if bad else 0
    if len(argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    json.dump(run_file(argv[1]), sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
