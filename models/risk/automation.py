"""Legitimate automation: the traffic real deployments see from scripts and headless browsers that
are NOT attacks. Without it the model learns "automation user agent => attack" and refuses end-to-end
test suites, monitoring probes and people's own scripts.

- CI runners: a test suite signs in many test accounts from one or two addresses within minutes,
  with correct passwords and a fresh cookie jar every time (a new device on each sign-in); some suites
  create fresh accounts on every run (every sign-in is a first one), some reuse a fixed set; a few
  include a deliberate wrong-password test.
- Monitoring probes: one account signing in every few minutes from a fixed address, scripted.
- Scripting users: ordinary users who also sign in from a script on their own home or office machine
  (fresh cookie jar each time, the same network as their browser).

What stays different from attacks, and what the model must use instead of the user agent: these
come from networks the account (or the runner) already uses, without failed attempts piling up,
without new countries or impossible travel."""
import math

import numpy as np

from world import CLIENTS, pick

# Families as src/risk/features/browser.ts names them. HeadlessChrome dominates: Playwright /
# Puppeteer suites and kiosk-style probes.
CI_FAMILIES = [("HeadlessChrome", 6), ("python-requests", 1), ("curl", 1), ("Go-http-client", 1)]
PROBE_FAMILIES = [("curl", 3), ("python-requests", 2), ("HeadlessChrome", 2), ("Go-http-client", 1), ("Wget", 1)]
SCRIPT_FAMILIES = [("python-requests", 3), ("curl", 3), ("HeadlessChrome", 2), ("Go-http-client", 1)]


class Jar:
    """A scripted client whose cookie jar is thrown away after each sign-in."""

    kind = "desktop"

    def __init__(self, world, family):
        self.world, self.family = world, family
        self.ua = world.ua(family)
        self.fresh()

    def fresh(self):
        self.cookie = "b%016x" % self.world.rng.getrandbits(64)
        return self


class Account:
    """A test or service account: only what an event row needs."""

    def __init__(self, aid, created):
        self.id, self.login, self.created = aid, f"{aid}@example.org", created


def _runner_net(world, p):
    rng = world.rng
    country = pick(rng, world.country_w)
    # On-premises runners sit on private or unlisted networks (no GeoIP entry), cloud runners on a
    # provider network of their own.
    prefixes = [world.prefix(country, unknown=p["auto_unknown_geo"]) for _ in range(rng.randint(1, 2))]
    return [(pre, world.address(pre, rng.randint(1, 254))) for pre in prefixes for _ in range(rng.randint(1, 2))]


def ci_runners(world, p, out):
    rng = world.rng
    for r in range(p.get("ci_runners", 0)):
        nets = _runner_net(world, p)
        family = pick(rng, CI_FAMILIES)
        client = rng.choice(CLIENTS)
        ephemeral = rng.random() < p["ci_ephemeral"]
        negative_test = rng.random() < 0.3
        n_acc = rng.randint(*p["ci_accounts"])
        first_day = rng.randint(0, max(0, p["days"] - 3))
        fixed = [Account(f"ci{r}-{i}", first_day * 86400 - 3600) for i in range(n_acc)]
        runs_per_day = p["ci_runs_per_day"] * math.exp(rng.gauss(0, 0.5))
        serial = 0
        for day in range(first_day, p["days"]):
            weekday = int((day + 3) % 7) < 5
            for _ in range(np.random.default_rng(rng.getrandbits(32)).poisson(runs_per_day * (1 if weekday else 0.3))):
                t = day * 86400 + rng.random() * 86400
                pre, ip = rng.choice(nets)
                if ephemeral:
                    accounts = []
                    for _i in range(n_acc):
                        serial += 1
                        accounts.append(Account(f"ci{r}-e{serial}", t - 30))
                else:
                    accounts = fixed if rng.random() < 0.6 else rng.sample(fixed, rng.randint(1, n_acc))
                if negative_test:
                    victim = accounts[0]
                    for _k in range(rng.randint(1, 2)):
                        t += rng.uniform(0.5, 5)
                        out.append(_event(world, t, victim, pre, ip, Jar(world, family), False, client, "legit_ci"))
                for a in accounts:
                    for _k in range(rng.choice([1, 1, 1, 2, 3])):
                        t += rng.uniform(0.5, 12)
                        out.append(_event(world, t, a, pre, ip, Jar(world, family), True, client, "legit_ci"))


def probes(world, p, out):
    rng = world.rng
    for r in range(p.get("probes", 0)):
        nets = _runner_net(world, p)
        family = pick(rng, PROBE_FAMILIES)
        client = rng.choice(CLIENTS)
        acct = Account(f"probe{r}", 0)
        every = rng.uniform(*p["probe_every_min"]) * 60
        t = rng.uniform(0, p["days"] * 0.3) * 86400
        while t < p["days"] * 86400:
            pre, ip = nets[0] if rng.random() < 0.85 else rng.choice(nets)
            out.append(_event(world, t, acct, pre, ip, Jar(world, family), True, client, "legit_probe"))
            t += every * rng.uniform(0.9, 1.1)


def script_device(world, u, p):
    """Gives a share of ordinary users a script they run from their own machine."""
    rng = world.rng
    if rng.random() < p.get("p_script_user", 0.0):
        u.script = (Jar(world, pick(rng, SCRIPT_FAMILIES)), rng.uniform(0.2, 0.7))
    else:
        u.script = None


def script_context(world, u, t):
    """The user's script runs where the user's computers are: home, or the office on weekdays."""
    rng = world.rng
    pre = rng.choice(u.office) if u.office and rng.random() < 0.4 else u.home
    host = u.host if pre == u.home else rng.randint(1, 254)
    return pre, world.address(pre, host), u.script[0].fresh()


def _event(world, t, acct, pre, ip, jar, success, client, cls):
    from simulate import event

    return event("password_login", t, acct, (pre, ip, jar), world, success, client,
                 grant="g%x" % world.rng.getrandbits(48) if success else None, cls=cls)
