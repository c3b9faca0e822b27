"""Attackers: credential stuffing, password spraying, targeted takeover from the victim's country,
VPN / hosting-network takeover, refresh-token replay and token-exchange abuse."""
from world import AUTOMATION, DESKTOP, MOBILE, pick


class Tool:
    """The attacker's client: a script, or a browser (spoofed or real) without the victim's cookie."""

    def __init__(self, world, automation):
        rng = world.rng
        if automation:
            self.family = rng.choice(AUTOMATION)
        else:
            self.family = pick(rng, DESKTOP + MOBILE)
        self.ua = world.ua(self.family)
        self.cookie = "a%016x" % rng.getrandbits(64) if rng.random() < 0.3 else None


def _ev(world, kind, at, user, login, net, tool, success, cls, client="portal", **extra):
    """`net` is (prefix, address): an attacker keeps an address for a while, like any client."""
    from simulate import event

    ev = event(kind, at, user, (net[0], net[1], tool), world, success, client,
               label=1, cls=cls, **extra)
    if user is None:
        ev["login"] = login
    return ev


def _net(world, pre):
    return (pre, world.address(pre))


def _pool(world, p, size, country=None):
    rng = world.rng
    if rng.random() < p["proxy_share"]:  # residential proxies: ordinary ISP prefixes
        return [_net(world, world.prefix(country or pick(rng, world.country_w))) for _ in range(size)]
    return [_net(world, rng.choice(world.hosting)) for _ in range(size)]


def _victim(world, users, t):
    """A random account that exists at time t (attackers cannot take over what is not there yet)."""
    for _ in range(50):
        u = world.rng.choice(users)
        if u.created <= t:
            return u
    return min(users, key=lambda u: u.created)


def _window(world, p):
    return world.rng.uniform(p["warmup"] * 86400, (p["days"] - 0.2) * 86400)


def stuffing(world, users, p, out):
    rng = world.rng
    for _ in range(p["stuffing"]):
        t = _window(world, p)
        pool = _pool(world, p, rng.choice([1, 2, 5, 8, rng.randint(150, 600)]))
        tool = Tool(world, rng.random() < 0.5)
        gap = rng.uniform(2, 20)
        for i in range(rng.randint(150, 1500) // p.get("stuffing_scale", 1)):
            t += rng.expovariate(1 / gap)
            pre = pool[i % len(pool)]
            u = rng.choice(users)
            if rng.random() < 0.75 and u.created <= t:
                out.append(_ev(world, "password_login", t, u, None, pre, tool,
                               rng.random() < p["stuff_success"], "credential_stuffing"))
            else:
                out.append(_ev(world, "password_login", t, None, "x%d@example.org" % rng.getrandbits(24),
                               pre, tool, False, "credential_stuffing"))


def spraying(world, users, p, out):
    rng = world.rng
    for _ in range(p["spraying"]):
        t = _window(world, p)
        pool = _pool(world, p, rng.randint(3, 30), country=pick(rng, world.country_w))
        tool = Tool(world, rng.random() < 0.6)
        gap = rng.uniform(20, 120)
        for _pw in range(rng.randint(1, 2)):
            for i, u in enumerate(rng.sample(users, min(len(users), rng.randint(100, 700)))):
                t += rng.expovariate(1 / gap)
                if u.created > t:  # not registered yet: an unknown login, like any other miss
                    out.append(_ev(world, "password_login", t, None, u.login, pool[i % len(pool)], tool,
                                   False, "password_spraying"))
                    continue
                out.append(_ev(world, "password_login", t, u, None, pool[i % len(pool)], tool,
                               rng.random() < p["spray_success"], "password_spraying"))


def _takeover(world, p, u, pre, tool, cls, out):
    """An attacker who knows the password: perhaps a wrong guess or two, then success."""
    rng = world.rng
    pre = _net(world, pre)
    local = rng.uniform(8, 22)
    day = int(max(_window(world, p), u.created + 3600) // 86400) + 1
    t = day * 86400 + ((local - u.tz) % 24) * 3600
    for k in range(rng.choice([0, 0, 0, 1, 2])):
        out.append(_ev(world, "password_login", t - 30 * (k + 1), u, None, pre, tool, False, cls,
                       client=rng.choice(u.clients)))
    out.append(_ev(world, "password_login", t, u, None, pre, tool, True, cls, client=rng.choice(u.clients)))


def targeted(world, users, p, out):
    rng = world.rng
    for _ in range(p["targeted"]):
        u = _victim(world, users, _window(world, p))
        r = rng.random()
        if r < 0.6:
            pre = world.prefix(u.country)
        elif r < 0.85:
            pre = rng.choice(u.carrier)  # same mobile carrier NAT as the victim
        else:
            pre = rng.choice([h for h in world.hosting if world.geo[h][0] == u.country] or world.hosting)
        tool = Tool(world, False)
        if rng.random() < 0.4:
            tool.family = u.devices[0].family
            tool.ua = world.ua(tool.family)
        _takeover(world, p, u, pre, tool, "targeted_takeover", out)


def vpn_hosting(world, users, p, out):
    rng = world.rng
    for _ in range(p["vpn_hosting"]):
        u = _victim(world, users, _window(world, p))
        pre = rng.choice(rng.choice(world.vpn_exits)) if rng.random() < 0.6 else rng.choice(world.hosting)
        _takeover(world, p, u, pre, Tool(world, rng.random() < 0.2), "vpn_hosting", out)


def refresh_replay(world, p, legit, out):
    rng = world.rng
    grants = {}
    for ev in legit:
        if ev["kind"] == "refresh" and ev["at"] >= p["warmup"] * 86400:
            grants.setdefault(ev["grant"], []).append(ev)
    keys = sorted(grants)
    for _ in range(p["refresh_replay"]):
        evs = grants[rng.choice(keys)]
        first = evs[0]
        t = rng.uniform(first["at"], evs[-1]["at"] + 3600)
        other = rng.random() < 0.7
        country = pick(rng, [c for c in world.country_w if c[0] != first["country"]]) if other else first["country"]
        pre = world.prefix(country or "US") if rng.random() < p["proxy_share"] else rng.choice(world.hosting)
        tool = Tool(world, rng.random() < 0.4)
        if rng.random() < 0.4:
            tool.family, tool.ua = first["family"], first["ua"]
        mode = "replay" if rng.random() < 0.5 else "theft"
        ev = _ev(world, "refresh", t, None, None, _net(world, pre), tool, True, "refresh_replay", client=first["client"],
                 grant=first["grant"], attack_mode=mode)
        ev["account"], ev["login"] = first["account"], first["login"]
        out.append(ev)


def exchange_abuse(world, users, p, jtis, out):
    rng = world.rng
    for _ in range(p["exchange_abuse"]):
        t = _window(world, p)
        u = _victim(world, users, t)
        pre = _net(world, rng.choice(world.hosting))
        tool = Tool(world, rng.random() < 0.5)
        if rng.random() < 0.4:
            tool.family, tool.ua = "undici", "undici/6"
        flags = set()
        while not flags:
            flags = {f for f, q in [("old", 0.5), ("scope", 0.35), ("aud", 0.35), ("deep", 0.25),
                                    ("burst", 0.3), ("replay", 0.35)] if rng.random() < q}
        earlier = [j for at, j in jtis.get(u.id, []) if at < t]
        jti = rng.choice(earlier) if "replay" in flags and earlier else "j%x" % rng.getrandbits(48)
        if "replay" in flags and not earlier:
            flags.add("burst")
        n = rng.randint(5, 40) if "burst" in flags else 1
        for k in range(n):
            ex = dict(age_min=rng.uniform(120, 10000) if "old" in flags else rng.uniform(0, 10) + k / 60,
                      external=rng.random() < 0.3, scope_expansion=rng.randint(1, 4) if "scope" in flags else 0,
                      audience_new="aud" in flags, actor_depth=rng.randint(2, 5) if "deep" in flags else 1)
            out.append(_ev(world, "token_exchange", t + k * rng.uniform(0.5, 2), u, None, pre, tool, True,
                           "exchange_abuse", client="gateway" if rng.random() < 0.6 else rng.choice(u.clients),
                           token=jti, exchange=ex))


def generate_attacks(world, users, p, jtis, legit):
    out = []
    stuffing(world, users, p, out)
    spraying(world, users, p, out)
    targeted(world, users, p, out)
    vpn_hosting(world, users, p, out)
    refresh_replay(world, p, legit, out)
    exchange_abuse(world, users, p, jtis, out)
    return out
