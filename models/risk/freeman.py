"""Baseline: Freeman et al., "Who Are You? A Statistical Approach to Measuring User Authenticity"
(NDSS 2016).

Score = p(x | attack) / p(x | user) for the IP and user-agent features, each with a hierarchy that
smooths unseen values (IP -> network prefix, standing in for the ASN -> country; user agent -> browser
family). p(x | user) at each level is the user's empirical frequency with the unseen mass
1 / (N + 1) spread by the population distribution (the paper's backoff); p(x | attack) is the
population distribution itself (the paper's default when no labelled attack data exists).
Only trusted logins update the user and population counts, as in the paper. Returns log-ratios.
"""
import math
from collections import defaultdict


class _Counts:
    __slots__ = ("n", "by")

    def __init__(self):
        self.n = 0
        self.by = defaultdict(int)


class FreemanState:
    def __init__(self):
        self.user = defaultdict(lambda: defaultdict(_Counts))  # user -> level key -> counts
        self.pop = defaultdict(_Counts)  # level key -> counts

    @staticmethod
    def _levels(ev):
        c = ev["country"] or "??"
        ip_chain = [("country", "", c), ("prefix", c, ev["prefix"]), ("ip", ev["prefix"], ev["ip"])]
        fam = ev["family"] or "??"
        ua_chain = [("family", "", fam), ("ua", fam, ev["ua"] or "")]
        return ip_chain + ua_chain

    def _p_pop(self, level, parent, value):
        cnt = self.pop[(level, parent)]
        distinct = len(cnt.by)
        return (cnt.by.get(value, 0) + 1.0) / (cnt.n + distinct + 1.0)

    def score(self, ev):
        who = ev["account"] if ev["account"] is not None else "?" + ev["login"]
        u = self.user.get(who)
        total = 0.0
        for level, parent, value in self._levels(ev):
            p_att = self._p_pop(level, parent, value)
            if u is None:
                p_usr = p_att  # no history: the user looks like the population
            else:
                cnt = u.get((level, parent))
                n = cnt.n if cnt is not None else 0
                seen = cnt.by.get(value, 0) if cnt is not None else 0
                p_usr = seen / (n + 1.0) + p_att / (n + 1.0)
            total += math.log(p_att) - math.log(p_usr)
        return total

    def record(self, ev, trusted):
        if not trusted:
            return
        who = ev["account"] if ev["account"] is not None else "?" + ev["login"]
        u = self.user[who]
        for level, parent, value in self._levels(ev):
            for cnt in (u[(level, parent)], self.pop[(level, parent)]):
                cnt.n += 1
                cnt.by[value] += 1
