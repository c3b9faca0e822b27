"""The simulated world: countries, networks (home ISPs, offices, carrier NAT, VPN exits, hosting,
hotels), browsers, and users with habits. Only the attributes a RiskEvent row holds are simulated
(address, /24 prefix, GeoIP country and coordinates, browser family, user agent, device cookie)."""
import math

COUNTRIES = [
    ("US", 38, -97, 20), ("GB", 52, -1, 6), ("DE", 51, 10, 6), ("FR", 46, 2, 5), ("IN", 21, 78, 6),
    ("BR", -14, -51, 4), ("CA", 56, -106, 3), ("JP", 36, 138, 3), ("AU", -25, 133, 2), ("NL", 52, 5, 2),
    ("ES", 40, -4, 2), ("IT", 42, 12, 2), ("PL", 52, 19, 2), ("SE", 62, 15, 1), ("MX", 23, -102, 2),
    ("NG", 9, 8, 1), ("ZA", -30, 22, 1), ("SG", 1.35, 103.8, 1), ("KR", 36, 128, 1), ("RU", 61, 105, 1),
    ("CN", 35, 105, 1), ("UA", 49, 31, 1), ("RO", 46, 25, 1), ("VN", 14, 108, 1), ("AR", -38, -63, 1),
    ("TR", 39, 35, 1), ("ID", -2, 118, 1),
]
DESKTOP = [("Chrome", 60), ("Edge", 15), ("Firefox", 12), ("Safari", 13)]
MOBILE = [("Chrome Mobile", 50), ("Mobile Safari", 40), ("Samsung Internet", 10)]
AUTOMATION = ["python-requests", "curl", "Go-http-client", "HeadlessChrome", "Wget"]
CLIENTS = ["portal", "mail", "wiki", "crm", "hr", "chat", "files", "billing"]


def pick(rng, weighted):
    total = sum(w for _, w in weighted)
    r = rng.random() * total
    for v, w in weighted:
        r -= w
        if r <= 0:
            return v
    return weighted[-1][0]


class World:
    def __init__(self, rng, p):
        self.rng, self.p = rng, p
        self._n = 0
        self.geo = {}  # prefix -> (country, lat, lon) or (None, None, None)
        self.country_w = [(c[0], c[3] * p["country_jitter"](rng)) for c in COUNTRIES]
        self.center = {c[0]: (c[1], c[2]) for c in COUNTRIES}
        self.carriers = {c[0]: [[self.prefix(c[0], spread=4) for _ in range(rng.randint(*p["carrier_prefixes"]))]
                                for _ in range(3)] for c in COUNTRIES}
        self.vpn_exits = [[self.prefix(pick(rng, self.country_w)) for _ in range(40)] for _ in range(3)]
        self.hosting = [self.prefix(pick(rng, self.country_w)) for _ in range(300)]
        self.gateways = [self.prefix("US"), self.prefix("DE"), self.prefix("US")]
        self.offices = {}  # country -> list of office prefix lists

    def prefix(self, country, spread=2.0, unknown=0.0):
        self._n += 1
        i = self._n
        pre = f"{11 + (i >> 16) % 200}.{(i >> 8) & 255}.{i & 255}"
        if self.rng.random() < unknown:
            self.geo[pre] = (None, None, None)
        else:
            lat, lon = self.center[country]
            self.geo[pre] = (country, lat + self.rng.gauss(0, spread), lon + self.rng.gauss(0, spread))
        return pre

    def address(self, pre, host=None):
        return f"{pre}.{host if host is not None else self.rng.randint(1, 254)}"

    def ua(self, family):
        major = self.rng.choice([118, 119, 120, 121, 122]) if family not in AUTOMATION else self.rng.randint(1, 3)
        return f"{family}/{major}"

    def office_for(self, country):
        offs = self.offices.setdefault(country, [])
        if offs and self.rng.random() < 0.85:
            return self.rng.choice(offs)
        off = [self.prefix(country, unknown=self.p["office_unknown_geo"]) for _ in range(self.rng.randint(1, 2))]
        offs.append(off)
        return off


class Device:
    def __init__(self, world, kind):
        self.world, self.kind = world, kind
        self.family = pick(world.rng, MOBILE if kind == "mobile" else DESKTOP)
        self.ua = world.ua(self.family)
        self.new_cookie()

    def new_cookie(self):
        self.cookie = "d%016x" % self.world.rng.getrandbits(64)


class User:
    def __init__(self, world, n, p, days):
        rng = world.rng
        self.world, self.world_rng, self.host = world, rng, rng.randint(1, 254)
        self.id, self.login = f"acct-{n}", f"user{n}@example.org"
        self.country = pick(rng, world.country_w)
        lat, lon = world.center[self.country]
        self.tz = round(lon / 15)
        self.home = world.prefix(self.country)
        self.office = world.office_for(self.country) if rng.random() < 0.65 else None
        self.carrier = rng.choice(world.carriers[self.country])
        self.devices = [Device(world, "desktop"), Device(world, "mobile")]
        if rng.random() < 0.4:
            self.devices.append(Device(world, "desktop"))
        self.rate = min(4.0, math.exp(rng.gauss(-0.2, 0.7)))
        self.hours = rng.sample([8, 9, 10, 12, 13, 17, 19, 20, 21, 22], rng.randint(1, 3))
        self.vpn = None
        if rng.random() < p["p_vpn"]:
            exits = rng.choice(world.vpn_exits)
            self.vpn = ([rng.choice(exits)] if rng.random() < 0.6 else exits, p["vpn_share"])
        self.clients = rng.sample(CLIENTS, rng.randint(1, 3))
        self.start = 0 if rng.random() > p["p_new_user"] else rng.randint(p["warmup"], days - 1)
        # Accounts exist from a little before their first login (admin-created or just registered).
        self.created = (self.start - rng.uniform(0, 3)) * 86400
        self.trips = []
        if rng.random() < p["p_travel"]:
            d = self.start
            while d < days:
                d += rng.expovariate(1 / p["trip_every_days"])
                dur = rng.uniform(2, 7)
                dest = pick(world.rng, [c for c in world.country_w if c[0] != self.country])
                self.trips.append((d * 86400, (d + dur) * 86400, dest, world.prefix(dest)))
                d += dur

    def trip_at(self, t):
        for s, e, dest, hotel in self.trips:
            if s <= t < e:
                return dest, hotel
        return None

    def context(self, t, device=None):
        """Where the user is and which network and device they use at time t."""
        rng, world = self.world_rng, self.world
        trip = self.trip_at(t)
        local_h = ((t / 3600) + self.tz) % 24
        weekday = int((t / 86400 + 3) % 7) < 5
        if trip is not None:
            dest, hotel = trip
            if rng.random() < 0.6:
                pre, kind = hotel, "hotel"
            else:
                roam = self.carrier if rng.random() < 0.5 else rng.choice(world.carriers[dest])
                pre, kind = rng.choice(roam), "mobile"
        elif self.office and weekday and 8 <= local_h < 18 and rng.random() < 0.8:
            pre, kind = rng.choice(self.office), "office"
        elif rng.random() < 0.7:
            pre, kind = self.home, "home"
        else:
            pre, kind = rng.choice(self.carrier), "mobile"
        if self.vpn is not None and rng.random() < self.vpn[1]:
            pre = rng.choice(self.vpn[0])
        if device is None:
            mobiles = [d for d in self.devices if d.kind == "mobile"]
            desks = [d for d in self.devices if d.kind == "desktop"]
            if kind == "mobile" and mobiles:
                device = mobiles[0]
            elif kind == "office" and desks:
                device = desks[-1]
            else:
                device = rng.choice(self.devices)
        host = rng.randint(1, 254) if kind in ("mobile", "hotel", "office") else self.host
        return pre, world.address(pre, host), device
