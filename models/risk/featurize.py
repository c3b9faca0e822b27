"""Feature computation over a simulated event stream.

This mirrors src/risk/features/*.ts line by line: same windows, same caps (historyTake, addressTake),
same notion of a trusted login (credential valid and decision allow), same defaults when something is
unknown. The runtime reads RiskEvent rows through indexed queries; here the same rows live in per-key
lists, so the model is trained on exactly the values the server will compute.
"""
import bisect
import json
import math
import os
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = json.load(open(os.path.join(HERE, "features.json")))
NAMES = [f["name"] for f in SPEC["features"]]
INDEX = {n: i for i, n in enumerate(NAMES)}
LOGIN_KINDS = set(SPEC["loginKinds"])
HIST_DAYS = SPEC["windows"]["historyDays"]
HIST_TAKE = SPEC["windows"]["historyTake"]
ADDR_TAKE = SPEC["windows"]["addressTake"]
AUTOMATION = {"python-requests", "curl", "Go-http-client", "HeadlessChrome", "okhttp-bot", "Wget"}


def haversine_km(lat1, lon1, lat2, lon2):
    r = math.radians
    dlat, dlon = r(lat2 - lat1), r(lon2 - lon1)
    a = math.sin(dlat / 2) ** 2 + math.cos(r(lat1)) * math.cos(r(lat2)) * math.sin(dlon / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


class _Timed:
    """Append-only list of (at, row) kept in time order (events arrive in order)."""

    __slots__ = ("ats", "rows")

    def __init__(self):
        self.ats, self.rows = [], []

    def add(self, at, row):
        self.ats.append(at)
        self.rows.append(row)

    def since(self, start, take):
        """Rows with at >= start, newest first, at most `take` (ORDER BY at DESC LIMIT take)."""
        lo = bisect.bisect_left(self.ats, start)
        lo = max(lo, len(self.ats) - take)
        return self.rows[lo:][::-1]

    def count_since(self, start):
        return len(self.ats) - bisect.bisect_left(self.ats, start)


class FeatureState:
    def __init__(self):
        self.by_account = defaultdict(_Timed)  # login kinds only
        self.by_ip = defaultdict(_Timed)
        self.prefix_fail = defaultdict(_Timed)
        self.grant_origin = {}
        self.exch_by_account = defaultdict(_Timed)
        self.jti_count = defaultdict(int)
        self.consumed = set()
        self.client_prefix = {}  # (prefix, client) -> time of the last trusted event

    def features(self, ev):
        x = [0.0] * len(NAMES)
        now, kind = ev["at"], ev["kind"]
        x[INDEX["kind_" + kind]] = 1.0
        x[INDEX["credential_failed"]] = 0.0 if ev["success"] else 1.0
        x[INDEX["account_unknown"]] = 1.0 if ev["account"] is None else 0.0
        self._history(ev, x, now)
        self._address(ev, x, now)
        if kind == "refresh":
            self._refresh(ev, x, now)
        elif kind == "token_exchange":
            self._exchange(ev, x, now)
        return x

    def _history(self, ev, x, now):
        rows = []
        if ev["account"] is not None:
            rows = self.by_account[ev["account"]].since(now - HIST_DAYS * 86400, HIST_TAKE)
        trusted = [r for r in rows if r["trusted"]]
        x[INDEX["history_logins"]] = float(len(trusted))
        if ev["kind"] in LOGIN_KINDS:
            dev = ev["device"]
            x[INDEX["new_device"]] = 1.0 if dev is None or not any(r["device"] == dev for r in trusted) else 0.0
            x[INDEX["ua_automation"]] = 1.0 if ev["family"] in AUTOMATION else 0.0
        fam, pre, cty, cli = ev["family"], ev["prefix"], ev["country"], ev["client"]
        x[INDEX["new_browser"]] = 0.0 if fam is None or any(r["family"] == fam for r in trusted) else 1.0
        x[INDEX["new_prefix"]] = 0.0 if any(r["prefix"] == pre for r in trusted) else 1.0
        x[INDEX["new_country"]] = 0.0 if cty is None or any(r["country"] == cty for r in trusted) else 1.0
        x[INDEX["geo_unknown"]] = 1.0 if cty is None else 0.0
        x[INDEX["new_client"]] = 0.0 if cli is None or any(r["client"] == cli for r in trusted) else 1.0
        last = self.client_prefix.get((pre, cli))
        x[INDEX["client_prefix_new"]] = 0.0 if cli is None or (last is not None and last >= now - HIST_DAYS * 86400) else 1.0
        if len(trusted) < 5:
            x[INDEX["hour_share"]] = 1.0
        else:
            h = int(now // 3600) % 24
            near = sum(1 for r in trusted if min((h - r["hour"]) % 24, (r["hour"] - h) % 24) <= 2)
            x[INDEX["hour_share"]] = near / len(trusted)
        x[INDEX["days_since_last"]] = (now - trusted[0]["at"]) / 86400 if trusted else float(HIST_DAYS)
        x[INDEX["acct_fail_1h"]] = float(sum(1 for r in rows if not r["success"] and r["at"] >= now - 3600))
        x[INDEX["acct_fail_24h"]] = float(sum(1 for r in rows if not r["success"] and r["at"] >= now - 86400))
        if ev["lat"] is not None:
            last = next((r for r in trusted if r["lat"] is not None), None)
            if last is not None:
                km = haversine_km(last["lat"], last["lon"], ev["lat"], ev["lon"])
                hours = max((now - last["at"]) / 3600, 1 / 60)
                kmh = min(km / hours, 20000.0)
                x[INDEX["travel_km"]] = km
                x[INDEX["travel_kmh"]] = kmh
                x[INDEX["impossible_travel"]] = 1.0 if km > 500 and kmh > 900 else 0.0

    def _address(self, ev, x, now):
        rows = self.by_ip[ev["ip"]].since(now - 3600, ADDR_TAKE)
        x[INDEX["ip_fail_10m"]] = float(sum(1 for r in rows if not r["success"] and r["at"] >= now - 600))
        x[INDEX["ip_fail_1h"]] = float(sum(1 for r in rows if not r["success"]))
        logins = [r for r in rows if r["kind"] in LOGIN_KINDS]
        x[INDEX["ip_attempts_1h"]] = float(len(logins))
        x[INDEX["ip_accounts_1h"]] = float(len({r["who"] for r in logins}))
        x[INDEX["prefix_fail_1h"]] = float(self.prefix_fail[ev["prefix"]].count_since(now - 3600))

    def _refresh(self, ev, x, now):
        x[INDEX["token_reused"]] = 1.0 if ev.get("consumed") or ev["token"] in self.consumed else 0.0
        origin = self.grant_origin.get(ev["grant"])
        if origin is None:
            return
        x[INDEX["origin_prefix_diff"]] = 1.0 if ev["prefix"] != origin["prefix"] else 0.0
        oc, c = origin["country"], ev["country"]
        x[INDEX["origin_country_diff"]] = 1.0 if oc is not None and c is not None and oc != c else 0.0
        of, f = origin["family"], ev["family"]
        x[INDEX["origin_browser_diff"]] = 1.0 if of is not None and f is not None and of != f else 0.0
        x[INDEX["grant_age_h"]] = max(0.0, (now - origin["at"]) / 3600)

    def _exchange(self, ev, x, now):
        ex = ev["exchange"]
        x[INDEX["subject_age_min"]] = max(0.0, ex["age_min"])
        x[INDEX["subject_external"]] = 1.0 if ex["external"] else 0.0
        x[INDEX["scope_expansion"]] = float(ex["scope_expansion"])
        x[INDEX["audience_new"]] = 1.0 if ex["audience_new"] else 0.0
        x[INDEX["actor_depth"]] = float(ex["actor_depth"])
        if ev["account"] is not None:
            x[INDEX["exchanges_1m"]] = float(self.exch_by_account[ev["account"]].count_since(now - 60))
        x[INDEX["subject_jti_seen"]] = float(self.jti_count[ev["token"]])

    def record(self, ev, trusted):
        """Store the event as the runtime stores its RiskEvent row."""
        now = ev["at"]
        row = {
            "at": now, "kind": ev["kind"], "success": ev["success"], "trusted": trusted,
            "device": ev["device"], "family": ev["family"], "prefix": ev["prefix"],
            "country": ev["country"], "client": ev["client"], "lat": ev["lat"], "lon": ev["lon"],
            "hour": int(now // 3600) % 24,
            "who": ev["account"] if ev["account"] is not None else "?" + ev["login"],
        }
        if trusted and ev["client"] is not None:
            self.client_prefix[(ev["prefix"], ev["client"])] = now
        if ev["account"] is not None and ev["kind"] in LOGIN_KINDS:
            self.by_account[ev["account"]].add(now, row)
        self.by_ip[ev["ip"]].add(now, row)
        if not ev["success"]:
            self.prefix_fail[ev["prefix"]].add(now, None)
        if ev.get("grant") is not None and ev["grant"] not in self.grant_origin:
            self.grant_origin[ev["grant"]] = row
        if ev["kind"] == "refresh" and ev["success"]:
            self.consumed.add(ev["token"])
        if ev["kind"] == "token_exchange":
            if ev["account"] is not None:
                self.exch_by_account[ev["account"]].add(now, None)
            self.jti_count[ev["token"]] += 1
