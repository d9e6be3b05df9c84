#!/usr/bin/env python3
"""fuzz.py — random scenarios, run through the reference model and the engine, compared to the cent.

What it owns: the differential test of STYLE.md rule 15.  Each seed gives one reproducible
scenario file (shared/domain/scenarios.md format): random dates 2025–2029 with month ends and
Feb 29, random plans (P1M monthly, P1Y monthly/annual, P3Y monthly/annual/triennial), seat
changes, cancels, upgrades along (and off) the listed paths, suspends, schedules, auto-renew
toggles, price and FX rate steps, EST-eligible and not, horizons up to ~2 years.  Instants are
drawn partly at random and partly at the edges the model knows about (a window deadline ±1 s,
a lot deadline ±1 s, 00:00 of a renewal or cycle start).  To aim at those edges the generator
feeds each step to the reference model as it goes and looks at the model's state; the engine
never influences what is generated.

For each case it runs `tools/refmodel/refmodel.py` (in-process) and `CSPD scenario run --print`
and compares charges (as multisets on every key), refusals and final state.

Usage:
    fuzz.py [--cspd BIN] [--seeds N] [--start S] [--jobs J] [--tap] [--known FILE]
            [--save DIR] [--minimize] [-v]
    fuzz.py --gen SEED            print the scenario of one seed
    fuzz.py --diff FILE           compare model and engine on one scenario file
    fuzz.py --min FILE            minimise a disagreeing scenario file, print the result

--known FILE: JSON {"SEED": "tests/scenarios/fNN-....json", ...}: seeds that disagree because of
an engine bug already minimised and reported in that file; with --tap they are marked
"# TODO engine bug FILE" (and only they).
"""

import argparse
import concurrent.futures as cf
import copy
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from fractions import Fraction

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import refmodel as rm  # noqa: E402

SKUS = ["CFQ7TTC0LH18:0001", "CFQ7TTC0LF8Q:0001", "CFQ7TTC0LCHC:0002", "CFQ7TTC0LDPB:0001",
        "CFQ7TTC0LFLX:0002"]
PRODUCTS = {
    "CFQ7TTC0LH18:0001": "Microsoft 365 Business Basic",
    "CFQ7TTC0LF8Q:0001": "Microsoft 365 Business Standard",
    "CFQ7TTC0LCHC:0002": "Microsoft 365 Business Premium",
    "CFQ7TTC0LDPB:0001": "Office 365 E1",
    "CFQ7TTC0LFLX:0002": "Microsoft 365 E3",
}
PATHS = [(SKUS[0], SKUS[1]), (SKUS[0], SKUS[2]), (SKUS[1], SKUS[2]), (SKUS[3], SKUS[2]),
         (SKUS[2], SKUS[4]), (SKUS[3], SKUS[4])]
PLANS = [("P1M", "monthly"), ("P1Y", "monthly"), ("P1Y", "annual"),
         ("P3Y", "monthly"), ("P3Y", "annual"), ("P3Y", "triennial")]
# per-cycle price as a multiple of a base monthly price
PLAN_FACTOR = {("P1M", "monthly"): Fraction(12, 10), ("P1Y", "monthly"): Fraction(105, 100),
               ("P1Y", "annual"): Fraction(12), ("P3Y", "monthly"): Fraction(1),
               ("P3Y", "annual"): Fraction(12), ("P3Y", "triennial"): Fraction(36)}
CURRENCY_SETUPS = [
    # (billing currency, pricing currency, market, weight)
    ("USD", "USD", "US", 40), ("EUR", "EUR", "DE", 8), ("GBP", "GBP", "GB", 4),
    ("JPY", "JPY", "JP", 8), ("KWD", "KWD", "KW", 5), ("BHD", "BHD", "BH", 4),
    ("EUR", "USD", "DE", 10), ("JPY", "USD", "JP", 8), ("BHD", "USD", "BH", 5),
    ("GBP", "EUR", "GB", 3),
]
BASE_RANGE = {0: (150, 6000), 2: (100, 4500), 3: (300, 13000)}  # in minor units


def money(units, cur):
    return rm.fmt(Fraction(units, 10 ** rm.minor(cur)))


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def month_start(d):
    return dt.date(d.year, d.month, 1)


class Gen:
    """One seeded scenario."""

    def __init__(self, seed):
        self.r = random.Random(seed)
        self.seed = seed

    # dates ----------------------------------------------------------------------------------
    def start_date(self):
        r = self.r
        if r.random() < 0.05:
            return dt.date(2028, 2, r.choice([27, 28, 29]))
        x = r.random()
        if x < 0.08:    # around the EST purchase-date boundary (Part A 10)
            return dt.date(2025, 3, 25) + dt.timedelta(days=r.randint(0, 12))
        if x < 0.16:    # P1M terms ending around 2026-05-04
            return dt.date(2026, 3, 28) + dt.timedelta(days=r.randint(0, 40))
        if x < 0.22:    # P1Y terms ending around 2026-05-04
            return dt.date(2025, 4, 28) + dt.timedelta(days=r.randint(0, 10))
        y = r.choice([2025, 2026, 2026, 2026, 2027, 2027, 2028, 2029])
        m = r.randint(1, 12)
        dim = rm.days_in_month(y, m)
        x = r.random()
        if x < 0.35:
            d = r.choice([dim, dim, dim - 1, 28, min(29, dim), min(30, dim)])
        elif x < 0.45:
            d = 1
        else:
            d = r.randint(1, dim)
        return dt.date(y, m, d)

    def time_of_day(self, d):
        r = self.r
        x = r.random()
        if x < 0.2:
            return rm.midnight(d)
        if x < 0.25:
            return rm.midnight(d) + dt.timedelta(seconds=1)
        if x < 0.3:
            return rm.midnight(d) + dt.timedelta(days=1) - dt.timedelta(seconds=1)
        return rm.midnight(d) + dt.timedelta(seconds=r.randint(0, 86399))

    # prices ---------------------------------------------------------------------------------
    def price_value(self, base, plan, cur, wiggle=False):
        f = PLAN_FACTOR[plan]
        if wiggle:
            f = f * Fraction(self.r.randint(85, 125), 100)
        return int(rm.round_half_up(Fraction(base) * f, 0))

    def build(self):
        r = self.r
        setups = [s for s in CURRENCY_SETUPS for _ in range(s[3])]
        bcur, pcur, market, _ = r.choice(setups)
        self.bcur, self.pcur = bcur, pcur
        self.est_mode = r.random() < 0.25
        start = self.start_date()
        if self.est_mode:   # EST chains: P1M terms ending after 2026-05-04, auto-renew off
            start = dt.date(2026, 4, 1) + dt.timedelta(days=r.randint(0, 500))
        horizon = r.choice([20, 45, 90, 200, 400, 500, 730, 760])
        if r.random() < 0.04:
            horizon = r.randint(1100, 1500)     # P3Y renewals
        until = rm.midnight(start + dt.timedelta(days=r.randint(horizon // 2, horizon)))
        if r.random() < 0.3:
            until += dt.timedelta(seconds=r.randint(1, 86399))
        pf = rm.midnight(start - dt.timedelta(days=r.randint(0, 90)))
        price_from = month_start(pf.date()) if r.random() < 0.7 else pf.date()
        prices = []
        self.base = {}
        big = r.random() < 0.1          # large amounts: overflow and precision
        self.big = big
        for sku in SKUS:
            cur = pcur if r.random() < 0.85 else bcur
            lo, hi = BASE_RANGE[rm.minor(cur)]
            base = r.randint(lo, hi)
            if big:
                base = r.randint(lo, hi) * r.choice([100, 1000, 10000]) + r.randint(0, 99)
            self.base[sku] = (base, cur)
            for plan in PLANS:
                if r.random() < 0.15:
                    continue            # missing rows: no_price, EST fallback, dead ends
                rowcur = cur
                if r.random() < 0.1:    # one plan priced in the other currency
                    rowcur = r.choice([pcur, bcur])
                prices.append({"sku": sku, "product": PRODUCTS[sku], "term": plan[0],
                               "billing": plan[1],
                               "unit_price": money(self.price_value(base, plan, rowcur), rowcur),
                               "effective_from": price_from.isoformat(), "currency": rowcur})
                if r.random() < 0.08:  # a later row already in the price list
                    eff = start + dt.timedelta(days=r.randint(1, 400))
                    prices.append({"sku": sku, "product": PRODUCTS[sku], "term": plan[0],
                                   "billing": plan[1],
                                   "unit_price": money(self.price_value(base, plan, cur, True),
                                                       cur),
                                   "effective_from": eff.isoformat(), "currency": cur})
        paths = [p for p in PATHS if r.random() < 0.85]
        scen = {"name": "fuzz seed %d" % self.seed, "rules": ["nce-rules.md Part A"],
                "market": market, "currency": bcur,
                "upgrade_paths": [{"from": a, "to": b} for a, b in paths],
                "prices": prices, "steps": [],
                "expect": {"charges": [], "refusals": [], "state": []}}
        # background steps: FX rates (monthly from the 1st, sometimes mid-month)
        bg = []
        curs = ({p["currency"] for p in prices} | {c for _, c in self.base.values()}) - {bcur}
        for c in sorted(curs):
            rate = Fraction(r.randint(50, 2000), 1000) if bcur != "JPY" else \
                Fraction(r.randint(100000, 160000), 1000)
            if r.random() < 0.4:       # recon-like precision (0.846202666), up to 18 places
                rate = rm.round_half_up(rate * Fraction(r.randint(900000000, 1100000000),
                                                        10 ** 9), r.choice([9, 12, 18]))
            d0 = month_start(start - dt.timedelta(days=r.randint(0, 40)))
            bg.append((rm.midnight(start) - dt.timedelta(days=r.randint(1, 3)),
                       {"do": "rate", "from": c, "to": bcur, "rate": rm.fmt(rate),
                        "effective_from": d0.isoformat()}))
            m = month_start(start)
            while rm.midnight(m) <= until + dt.timedelta(days=31):
                m = rm.add_months(m, 1)
                rate = rate * Fraction(r.randint(960, 1040), 1000)
                rate = rm.round_half_up(rate, r.choice([4, 6, 6, 9, 12, 18]))
                at = rm.midnight(m) - dt.timedelta(days=r.randint(1, 3)) + \
                    dt.timedelta(hours=16)
                eff = m
                if r.random() < 0.15:
                    eff = m + dt.timedelta(days=r.randint(1, 20))
                    at = rm.midnight(eff) - dt.timedelta(hours=r.randint(0, 30))
                bg.append((at, {"do": "rate", "from": c, "to": bcur, "rate": rm.fmt(rate),
                                "effective_from": eff.isoformat()}))
        bg.sort(key=lambda x: x[0])
        self.scen = scen
        self.model = rm.Model(scen)
        self.bg = bg
        self.nsteps = 0
        self.names = []
        t = self.time_of_day(start)
        self.emit_bg(t)
        self.push(t, self.order())
        nactions = r.randint(1, 20)
        for _ in range(nactions):
            t = self.next_time(t)
            if t > until:
                break
            self.emit_bg(t)
            st = self.action(t)
            if st is not None:
                self.push(t, st)
        self.emit_bg(until)
        scen["steps"].append({"until": iso(until)})
        return scen

    def push(self, t, st):
        st = dict(st)
        st = {"at": iso(t), **st}
        self.scen["steps"].append(st)
        self.model.feed(len(self.scen["steps"]) - 1, st)

    def emit_bg(self, t):
        while self.bg and self.bg[0][0] <= t:
            at, st = self.bg.pop(0)
            self.push(at, st)

    # instants -------------------------------------------------------------------------------
    def next_time(self, t):
        r = self.r
        x = r.random()
        if x < 0.45:
            cands = []
            for s in self.model.subs.values():
                if s.status in ("cancelled", "expired"):
                    continue
                if s.window_end is not None:
                    cands.append(s.window_end)
                for l in s.lots:
                    cands.append(l[1])
                cands.append(rm.midnight(s.term_end + rm.ONE_DAY))
                nxt = [s.cycle(k)[0] for k in range(s.ncycles())]
                nxt = [c for c in nxt if rm.midnight(c) > t]
                if nxt:
                    cands.append(rm.midnight(nxt[0]))
            cands = [c for c in cands if c >= t - dt.timedelta(seconds=1)]
            if cands:
                c = r.choice(cands) + dt.timedelta(seconds=r.choice([-1, 0, 0, 1]))
                return max(c, t)
        if x < 0.55:
            return t    # same instant
        scale = r.choice([60, 3600, 86400, 3 * 86400, 7 * 86400, 30 * 86400, 60 * 86400])
        nt = t + dt.timedelta(seconds=r.randint(1, scale))
        if r.random() < 0.2:
            nt = rm.midnight(nt.date())
            if nt < t:
                nt += rm.ONE_DAY
        return nt

    # actions --------------------------------------------------------------------------------
    def new_name(self):
        n = "S%d" % (len(self.names) + 1)
        self.names.append(n)
        return n

    def pick_sub(self):
        r = self.r
        if not self.model.subs or r.random() < 0.03:
            return "SX"
        live = [n for n, s in self.model.subs.items() if s.status not in ("cancelled", "expired")]
        if live and r.random() < 0.85:
            return r.choice(live)
        return r.choice(list(self.model.subs))

    def quantity(self):
        r = self.r
        x = r.random()
        if self.big and x < 0.3:
            return r.choice([999, 2500, 10000, 99999, 300000])
        if x < 0.03:
            return 0
        if x < 0.04:
            return -2
        return r.choice([1, 2, 3, 5, 8, 10, 12, 13, 16, 20, 25, 30, 100])

    def order(self):
        r = self.r
        sku = r.choice(SKUS)
        plan = r.choice(PLANS) if r.random() < 0.7 else PLANS[0]
        st = {"do": "order", "sub": self.new_name(), "sku": sku, "term": plan[0],
              "billing": plan[1], "quantity": self.quantity(),
              "auto_renew": r.random() < (0.3 if self.est_mode else 0.7)}
        if st["auto_renew"] and r.random() < 0.1:
            del st["auto_renew"]        # optional key: default on
        return st

    def action(self, t):
        r = self.r
        self.model.advance(t)       # look at the state at t (cycles due by then have run)
        live = [n for n, x in self.model.subs.items() if x.status not in ("cancelled", "expired")]
        if not live and r.random() < 0.7:
            return self.order()
        name = self.pick_sub()
        s = self.model.subs.get(name)
        status = s.status if s else None
        if s is not None and s.in_est and status == "est":
            kinds = [("order", 0.3), ("set_quantity", 1), ("cancel", 2), ("upgrade", 4),
                     ("suspend", 1.5), ("reactivate", 0.3), ("set_auto_renew", 1),
                     ("schedule", 1), ("price", 1.5)]
        elif status == "suspended":
            kinds = [("order", 0.5), ("set_quantity", 1), ("cancel", 1.5), ("upgrade", 1),
                     ("suspend", 0.3), ("reactivate", 4), ("set_auto_renew", 1),
                     ("schedule", 1), ("price", 0.5)]
        else:
            kinds = [("order", 2 if len(self.names) < 3 else 0.3), ("set_quantity", 6),
                     ("cancel", 2.5), ("upgrade", 3), ("suspend", 1), ("reactivate", 0.5),
                     ("set_auto_renew", 2.5), ("schedule", 2.5), ("price", 1.2)]
        tot = sum(w for _, w in kinds)
        x = r.random() * tot
        for k, w in kinds:
            x -= w
            if x < 0:
                break
        if k == "order":
            return self.order()
        if k == "price":
            sku = r.choice(SKUS)
            plan = r.choice(PLANS)
            base, cur = self.base[sku]
            d = t.date()
            eff = r.choice([d, rm.add_months(month_start(d), 1), d + dt.timedelta(days=1),
                            d + dt.timedelta(days=r.randint(2, 90)), month_start(d)])
            return {"do": "price", "sku": sku, "term": plan[0], "billing": plan[1],
                    "unit_price": money(self.price_value(base, plan, cur, True), cur),
                    "effective_from": eff.isoformat(), "currency": cur}
        cur_q = s.quantity if s else 5
        if k == "set_quantity":
            y = r.random()
            if y < 0.45:
                q = cur_q + r.randint(1, 10)
            elif y < 0.85:
                q = max(0, cur_q - r.randint(1, max(1, min(cur_q, 8))))
            elif y < 0.95:
                q = cur_q
            else:
                q = r.choice([0, -1])
            return {"do": "set_quantity", "sub": name, "quantity": q}
        if k == "cancel":
            return {"do": "cancel", "sub": name}
        if k in ("suspend", "reactivate"):
            return {"do": k, "sub": name}
        if k == "set_auto_renew":
            return {"do": "set_auto_renew", "sub": name, "value": r.random() < 0.5}
        if k == "upgrade":
            sku = s.sku if s else SKUS[0]
            targets = [b for a, b in PATHS if a == sku]
            to = r.choice(targets) if targets and r.random() < 0.85 else r.choice(SKUS)
            st = {"do": "upgrade", "sub": name, "to_sku": to}
            y = r.random()
            if y < 0.45:
                pass
            elif y < 0.55:
                st["quantity"] = cur_q      # equal to the current quantity: a full upgrade
            elif y < 0.9 and cur_q > 1:
                st["quantity"] = r.randint(1, cur_q - 1)
                st["new_sub"] = self.new_name()
            elif y < 0.95:
                st["quantity"] = cur_q + r.randint(1, 3)
                st["new_sub"] = self.new_name()
            else:
                st["quantity"] = 0
                st["new_sub"] = self.new_name()
            return st
        # schedule
        y = r.random()
        if y < 0.25:
            return {"do": "schedule", "sub": name, "action": "cancel"}
        if y < 0.45:
            return {"do": "schedule", "sub": name, "action": "est"}
        st = {"do": "schedule", "sub": name, "action": "renew"}
        if r.random() < 0.5:
            st["quantity"] = max(1, cur_q + r.randint(-5, 8)) if r.random() < 0.95 else 0
        if r.random() < 0.3:
            plan = r.choice(PLANS)
            st["term"], st["billing"] = plan
        if r.random() < 0.25 and s:
            targets = [b for a, b in PATHS if a == s.sku]
            st["sku"] = r.choice(targets) if targets and r.random() < 0.8 else r.choice(SKUS)
        return st


def generate(seed):
    return Gen(seed).build()


# ---------------------------------------------------------------------------------------------
# Running and comparing.
def run_engine(cspd, scen, tmpdir=None):
    fd, path = tempfile.mkstemp(suffix=".json", dir=tmpdir)
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(scen, f, indent=1)
        for attempt in range(30):   # the binary may be mid-rebuild (make relinks it)
            try:
                p = subprocess.run([cspd, "scenario", "run", "--print", path],
                                   capture_output=True, text=True, timeout=120)
                break
            except OSError:
                if attempt == 29:
                    raise
                time.sleep(2)
        if p.returncode != 0:
            return None, "engine exit %d: %s%s" % (p.returncode, p.stdout[-500:],
                                                   p.stderr[-1500:])
        try:
            return json.loads(p.stdout), None
        except ValueError as e:
            return None, "engine output not JSON: %s" % e
    finally:
        os.unlink(path)


def run_model(scen):
    m = rm.Model(copy.deepcopy(scen))
    m.run()
    return m.result()


def norm_line(c):
    def f(k):
        v = c.get(k)
        return None if v is None else rm.dec(v)
    eup = f("effective_unit_price")
    return (c.get("sub"), c.get("sku"), c.get("charge_type"), c.get("start"), c.get("end"),
            c.get("quantity"), f("unit_price"),
            None if eup is None else rm.round_half_up(eup, 12),
            f("subtotal"), c.get("currency"), c.get("billing_currency"), f("billing_subtotal"),
            bool(c.get("est", False)))


LINE_KEYS = ("sub", "sku", "charge_type", "start", "end", "quantity", "unit_price",
             "effective_unit_price", "subtotal", "currency", "billing_currency",
             "billing_subtotal", "est")
STATE_KEYS = ("status", "sku", "quantity", "term_end", "auto_renew")


def show_line(t):
    d = dict(zip(LINE_KEYS, t))
    for k in ("unit_price", "effective_unit_price", "subtotal", "billing_subtotal"):
        if d[k] is not None:
            d[k] = rm.fmt(d[k])
    if not d["est"]:
        del d["est"]
    return json.dumps(d)


def compare(model, engine):
    """Return (diffs, signature): diff messages and a set naming what differs."""
    diffs, sig = [], set()
    mc = Counter(norm_line(c) for c in model["charges"])
    ec = Counter(norm_line(c) for c in engine["charges"])
    for t, n in (mc - ec).items():
        diffs.append("model only (x%d): %s" % (n, show_line(t)))
        sig.add(("charge", t[2]))
    for t, n in (ec - mc).items():
        diffs.append("engine only (x%d): %s" % (n, show_line(t)))
        sig.add(("charge", t[2]))
    mr = sorted((r["step"], r["code"]) for r in model["refusals"])
    er = sorted((r["step"], r["code"]) for r in engine["refusals"])
    if mr != er:
        diffs.append("refusals: model %s, engine %s" % (mr, er))
        for x in set(mr) ^ set(er):
            sig.add(("refusal", x[1]))
    ms = {s["sub"]: s for s in model["state"]}
    es = {s["sub"]: s for s in engine["state"]}
    for name in sorted(set(ms) | set(es)):
        a, b = ms.get(name), es.get(name)
        if a is None or b is None:
            diffs.append("state %s: model %s, engine %s" % (name, a, b))
            sig.add(("state", "exists"))
            continue
        for k in STATE_KEYS:
            if a.get(k) != b.get(k):
                diffs.append("state %s.%s: model %r, engine %r" % (name, k, a.get(k), b.get(k)))
                sig.add(("state", k))
    return diffs, sig


def check_case(cspd, scen):
    """Return (status, diffs, sig) with status 'ok', 'diff', 'engine-error' or 'model-error'."""
    try:
        mres = run_model(scen)
    except Exception as e:  # noqa: BLE001 — a model crash is reported, not hidden
        return "model-error", ["model error: %r" % e], {("model", "error")}
    eres, err = run_engine(cspd, scen)
    if err:
        return "engine-error", [err], {("engine", "error")}
    diffs, sig = compare(mres, eres)
    return ("diff" if diffs else "ok"), diffs, sig


# ---------------------------------------------------------------------------------------------
# Minimisation (greedy, delta-debugging style).
def minimize(cspd, scen, verbose=False):
    status, _, sig0 = check_case(cspd, scen)
    if status == "ok":
        return scen

    def still(s):
        st, _, sig = check_case(cspd, s)
        return st == status and sig and sig <= sig0

    cur = copy.deepcopy(scen)
    changed = True
    while changed:
        changed = False
        # drop steps, last first
        i = len(cur["steps"]) - 2
        while i >= 0:
            cand = copy.deepcopy(cur)
            del cand["steps"][i]
            if still(cand):
                cur = cand
                changed = True
                if verbose:
                    sys.stderr.write("  dropped step %d\n" % i)
            i -= 1
        # pull `until` back day by day (binary search on whole days)
        steps = cur["steps"]
        last_at = rm.parse_instant(steps[-2]["at"]) if len(steps) > 1 else None
        u = rm.parse_instant(steps[-1]["until"])
        if last_at is not None:
            lo, hi = last_at, u
            while (hi - lo) > dt.timedelta(days=1):
                mid = rm.midnight((lo + (hi - lo) / 2).date())
                if mid <= lo:
                    break
                cand = copy.deepcopy(cur)
                cand["steps"][-1] = {"until": iso(mid)}
                if still(cand):
                    hi = mid
                    cur = cand
                    changed = True
                else:
                    lo = mid
        # drop price rows and paths
        for key in ("prices", "upgrade_paths"):
            i = len(cur.get(key, [])) - 1
            while i >= 0:
                cand = copy.deepcopy(cur)
                del cand[key][i]
                if still(cand):
                    cur = cand
                    changed = True
                i -= 1
    return cur


# ---------------------------------------------------------------------------------------------
def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cspd", default=os.environ.get("CSPD_BIN", "./cspd"))
    ap.add_argument("--seeds", type=int, default=200)
    ap.add_argument("--start", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--tap", action="store_true")
    ap.add_argument("--known", default=None)
    ap.add_argument("--save", default=None, help="directory for disagreeing scenarios")
    ap.add_argument("--minimize", action="store_true")
    ap.add_argument("--gen", type=int, default=None)
    ap.add_argument("--diff", default=None)
    ap.add_argument("--min", default=None)
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args(argv[1:])

    if a.gen is not None:
        json.dump(generate(a.gen), sys.stdout, indent=1)
        sys.stdout.write("\n")
        return 0
    if a.diff or a.min:
        with open(a.diff or a.min) as f:
            scen = json.load(f)
        if a.min:
            scen = minimize(a.cspd, scen, a.verbose)
            json.dump(scen, sys.stdout, indent=1)
            sys.stdout.write("\n")
        st, diffs, _ = check_case(a.cspd, scen)
        for d in diffs:
            sys.stderr.write(d + "\n")
        sys.stderr.write(st + "\n")
        return 0 if st == "ok" else 1

    known = {}
    if a.known:
        with open(a.known) as f:
            known = {int(k): v for k, v in json.load(f).items()}
    seeds = list(range(a.start, a.start + a.seeds))

    def one(seed):
        try:
            scen = generate(seed)
        except Exception as e:  # noqa: BLE001
            return seed, None, "model-error", ["generator/model error: %r" % e]
        st, diffs, _ = check_case(a.cspd, scen)
        return seed, scen, st, diffs

    if a.tap:
        print("1..%d" % len(seeds))
    counts = Counter()
    with cf.ThreadPoolExecutor(max_workers=a.jobs) as ex:
        for n, (seed, scen, st, diffs) in enumerate(ex.map(one, seeds), 1):
            counts[st] += 1
            if a.tap:
                todo = " # TODO engine bug %s" % known[seed] if seed in known else ""
                print("%s %d - fuzz seed %d%s" % ("ok" if st == "ok" else "not ok", n, seed,
                                                  todo))
                if st != "ok":
                    for d in diffs[:12]:
                        print("#   " + d)
            elif st != "ok" or a.verbose:
                print("%s seed %d" % (st, seed))
                for d in diffs[:20]:
                    print("   " + d)
            if st != "ok" and a.save and scen is not None:
                os.makedirs(a.save, exist_ok=True)
                out = scen
                if a.minimize and st == "diff":
                    out = minimize(a.cspd, scen)
                with open(os.path.join(a.save, "seed-%d.json" % seed), "w") as f:
                    json.dump(out, f, indent=1)
    if not a.tap:
        print("cases %d: %s" % (len(seeds), ", ".join("%s %d" % kv for kv in sorted(counts.items()))))
    return 0 if counts["ok"] == len(seeds) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
