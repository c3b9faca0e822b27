"""Traffic simulator: legitimate users and attackers produce an event stream; features are computed
from the simulated history with featurize.py (the runtime's semantics) and the Freeman baseline score
alongside. Usage: simulate.py --population train|eval --out FILE(.npz|.csv)"""
import argparse
import json
import math
import os
import random
import sys

import numpy as np

from attacks import generate_attacks
from automation import ci_runners, probes, script_context, script_device
from featurize import NAMES, FeatureState
from freeman import FreemanState
from world import User, World

POPULATIONS = {
    # The held-out population differs in seed AND parameters: more VPN users and travel, more cookie
    # churn, other country weights, other attack volumes, success rates and infrastructure mixes.
    "train": dict(seed=1, users=2600, days=42, warmup=14, p_vpn=0.04, vpn_share=0.7, p_travel=0.15,
                  trip_every_days=25, p_new_user=0.08, p_cookie_clear=0.004, p_new_device=0.002,
                  p_home_churn=0.003, p_typo=0.03, p_refresh=0.35, p_exchange=0.15, p_gateway_move=0.01,
                  office_unknown_geo=0.03, carrier_prefixes=(8, 30), country_jitter=lambda r: 1.0,
                  stuffing=14, spraying=10, targeted=700, vpn_hosting=700, refresh_replay=500,
                  exchange_abuse=500, stuff_success=0.03, spray_success=0.01, proxy_share=0.4,
                  # Legitimate automation (automation.py): scripting users, CI runners, probes.
                  p_script_user=0.03, ci_runners=14, ci_accounts=(3, 40), ci_ephemeral=0.3,
                  ci_runs_per_day=1.5, probes=6, probe_every_min=(10, 60), auto_unknown_geo=0.3),
    # A small stream for the Python == TypeScript feature parity test (test/risk/parity.test.ts).
    "parity": dict(seed=5, users=15, days=8, warmup=0, p_vpn=0.2, vpn_share=0.6, p_travel=0.5,
                   trip_every_days=6, p_new_user=0.2, p_cookie_clear=0.05, p_new_device=0.02,
                   p_home_churn=0.02, p_typo=0.2, p_refresh=0.5, p_exchange=0.15, p_gateway_move=0.05,
                   office_unknown_geo=0.3, carrier_prefixes=(2, 4), country_jitter=lambda r: 1.0,
                   stuffing=1, stuffing_scale=10, spraying=1, targeted=6, vpn_hosting=6, refresh_replay=8,
                   exchange_abuse=6, stuff_success=0.05, spray_success=0.05, proxy_share=0.5,
                   p_script_user=0.2, ci_runners=1, ci_accounts=(3, 6), ci_ephemeral=0.5,
                   ci_runs_per_day=1, probes=1, probe_every_min=(60, 120), auto_unknown_geo=0.5),
    "eval": dict(seed=20261123, users=2200, days=40, warmup=14, p_vpn=0.06, vpn_share=0.6, p_travel=0.2,
                 trip_every_days=20, p_new_user=0.1, p_cookie_clear=0.006, p_new_device=0.003,
                 p_home_churn=0.005, p_typo=0.04, p_refresh=0.4, p_exchange=0.2, p_gateway_move=0.015,
                 office_unknown_geo=0.05, carrier_prefixes=(5, 20),
                 country_jitter=lambda r: math.exp(r.gauss(0, 0.5)),
                 stuffing=10, spraying=8, targeted=900, vpn_hosting=600, refresh_replay=600,
                 exchange_abuse=600, stuff_success=0.05, spray_success=0.02, proxy_share=0.6,
                 p_script_user=0.05, ci_runners=10, ci_accounts=(5, 60), ci_ephemeral=0.5,
                 ci_runs_per_day=2.5, probes=8, probe_every_min=(5, 30), auto_unknown_geo=0.5),
}


def event(kind, at, user, ctx, world, success, client, **extra):
    pre, ip, dev = ctx
    country, lat, lon = world.geo[pre]
    ev = dict(kind=kind, at=at, account=user.id if user else None, login=user.login if user else "",
              client=client, ip=ip, prefix=pre, country=country, lat=lat, lon=lon,
              family=dev.family if dev else None, ua=dev.ua if dev else None,
              device=dev.cookie if dev and kind == "password_login" else None,
              success=success, token=None, grant=None, label=0, cls="legit")
    ev.update(extra)
    return ev


class Gateway:
    """The token-exchange caller of legitimate traffic: a server, not a browser."""

    family, ua, cookie = "undici", "undici/6", None


def legit_events(world, users, p):
    rng, out, jtis = world.rng, [], {}
    for u in users:
        script_device(world, u, p)
    for u in users:
        for day in range(u.start, p["days"]):
            for _ in range(np.random.default_rng(rng.getrandbits(32)).poisson(u.rate)):
                local = rng.choice(u.hours) + rng.gauss(0, 1.5)
                t = day * 86400 + ((local - u.tz) % 24) * 3600 + rng.random() * 60
                if rng.random() < p["p_cookie_clear"]:
                    rng.choice(u.devices).new_cookie()
                if rng.random() < p["p_new_device"]:
                    i = rng.randrange(len(u.devices))
                    u.devices[i] = type(u.devices[i])(world, u.devices[i].kind)
                if rng.random() < p["p_home_churn"]:
                    u.home = world.prefix(u.country)
                ctx = u.context(t)
                cls = "legit"
                if u.script is not None and rng.random() < u.script[1]:
                    ctx, cls = script_context(world, u, t), "legit_script"
                client = rng.choice(u.clients)
                if rng.random() < p["p_typo"]:
                    for k in range(1 + (rng.random() < 0.15)):
                        out.append(event("password_login", t - 20 - 15 * k, u, ctx, world, False, client, cls=cls))
                gid = "g%x" % rng.getrandbits(48)
                out.append(event("password_login", t, u, ctx, world, True, client, grant=gid, cls=cls))
                if rng.random() < p["p_refresh"]:
                    rt = t
                    for _ in range(1 + int(rng.expovariate(1 / 3))):
                        rt += rng.uniform(0.5, 6) * 3600
                        if rt - t > 3 * 86400:
                            break
                        rctx = u.context(rt, device=ctx[2])
                        out.append(event("refresh", rt, u, rctx, world, True, client, grant=gid))
                        if rng.random() < p["p_exchange"]:
                            exchanges(world, u, rt, p, out, jtis)
                if rng.random() < p["p_exchange"]:
                    exchanges(world, u, t, p, out, jtis)
    return out, jtis


def exchanges(world, u, t, p, out, jtis):
    """A backend exchanges the user's fresh access token (issued at t) for a downstream API."""
    rng = world.rng
    if rng.random() < p["p_gateway_move"]:
        # Autoscaling / redeploys: the backend's servers show up on a network never seen before.
        world.gateways.append(world.prefix(rng.choice(["US", "DE", "GB", "NL"])))
    gw = rng.choice(world.gateways[-3:]) if rng.random() < 0.7 else rng.choice(world.gateways)
    for _ in range(rng.randint(1, 3)):
        age = min(60.0, rng.expovariate(1 / 3))
        jti = "j%x" % rng.getrandbits(48)
        jtis.setdefault(u.id, []).append((t + age * 60, jti))
        ex = dict(age_min=age, external=rng.random() < 0.1, scope_expansion=0,
                  audience_new=False, actor_depth=2 if rng.random() < 0.1 else 1)
        out.append(event("token_exchange", t + age * 60, u, (gw, world.address(gw, 10), Gateway),
                         world, True, "gateway", token=jti, exchange=ex))


DUMP_KEYS = {"at", "kind", "account", "login", "client", "ip", "prefix", "country", "lat", "lon", "family",
             "device", "success", "token", "grant", "exchange"}


def run(name, out_path, progress=True, dump=None):
    p = dict(POPULATIONS[name])
    rng = random.Random(p["seed"])
    world = World(rng, p)
    users = [User(world, n, p, p["days"]) for n in range(p["users"])]
    events, jtis = legit_events(world, users, p)
    ci_runners(world, p, events)
    probes(world, p, events)
    events += generate_attacks(world, users, p, jtis, events)
    for ev in events:
        ev["at"] = round(ev["at"], 3)  # millisecond timestamps, as the database stores them
    events.sort(key=lambda e: e["at"])
    fs, fm = FeatureState(), FreemanState()
    grant_k, dead = {}, set()
    X, meta = [], []
    start = p["warmup"] * 86400
    for i, ev in enumerate(events):
        if progress and i % 20000 == 0:
            bar = "#" * int(30 * i / len(events))
            sys.stderr.write(f"\r[simulate {name}] [{bar:<30}] {i}/{len(events)}")
        if ev["kind"] == "refresh":
            g = ev["grant"]
            if g in dead:
                continue
            k = grant_k.get(g, 0)
            mode = ev.get("attack_mode")
            if mode == "replay" and k > 0:
                ev["token"], ev["success"] = f"{g}:{k - 1}", False
            else:
                ev["token"] = f"{g}:{k}"
                grant_k[g] = k + 1
            if mode is not None:
                dead.add(g)  # rotation + reuse detection ends the grant for its owner
        x = fs.features(ev)
        f = fm.score(ev)
        trusted = ev["success"] and ev["label"] == 0
        if dump is not None:
            dump.append(dict({k: v for k, v in ev.items() if k in DUMP_KEYS}, trusted=trusted, x=x))
        fs.record(ev, trusted)
        fm.record(ev, trusted)
        if ev["at"] >= start:
            X.append(x)
            meta.append((ev["label"], ev["cls"], ev["kind"], ev["success"], f))
    if progress:
        sys.stderr.write(f"\r[simulate {name}] [{'#' * 30}] {len(events)}/{len(events)}\n")
    write(out_path, np.asarray(X, dtype=np.float32), meta)
    return len(X)


def write(path, X, meta):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    y = np.array([m[0] for m in meta], dtype=np.int8)
    if path.endswith(".npz"):
        np.savez_compressed(path, X=X, y=y, cls=np.array([m[1] for m in meta]),
                            kind=np.array([m[2] for m in meta]), success=np.array([m[3] for m in meta]),
                            freeman=np.array([m[4] for m in meta], dtype=np.float64))
        return
    with open(path, "w") as fh:
        fh.write(",".join(["label", "cls", "kind", "success", "freeman"] + NAMES) + "\n")
        for row, m in zip(X, meta):
            fh.write(f"{m[0]},{m[1]},{m[2]},{int(m[3])},{m[4]:.6g}," + ",".join(f"{v:.6g}" for v in row) + "\n")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--population", choices=sorted(POPULATIONS), required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--events-json", help="also write every event with its features (parity fixture)")
    a = ap.parse_args()
    dump = [] if a.events_json else None
    n = run(a.population, a.out, dump=dump)
    if dump is not None:
        with open(a.events_json, "w") as fh:
            json.dump({"features": NAMES, "events": dump}, fh)
    print(f"{a.population}: {n} events -> {a.out}")
