/**
 * Realistic attribute values in the formats upstreams really send, each with the expression that
 * turns it into the claim. One canonical expression per (target, value format), so the model learns
 * a function of what it can see.
 */
export type Rng = () => number;
export type Json = string | number | boolean | null | Json[];

export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
export const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
const int = (r: Rng, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
const hexs = (r: Rng, n: number): string => Array.from({ length: n }, () => '0123456789abcdef'[int(r, 0, 15)]).join('');

const GIVEN = ['John', 'Maria', 'José', 'Anne-Marie', 'Li', 'Fatima', 'Olivier', 'Søren', 'Priya', 'Kenji', 'Chloé', 'Ahmed', 'Emma', 'Lukas', 'Zoë', 'Mateo', 'Aoife', 'Nguyen', 'Dmitri', 'Grace', 'Sean', 'Ingrid', 'Rafael', 'Yuki', 'Oluwaseun'];
const FAMILY = ['Doe', 'García', "O'Neil", 'Müller', 'Smith', 'Nakamura', 'Dubois', 'Kowalski', 'van der Berg', 'Okafor', 'Rossi', 'Johansson', 'Patel', 'Nguyễn', 'Martin', 'Schmidt', 'MacDonald', 'Lefèvre', 'Andersen', 'Silva', 'Chen', 'Ivanova', 'Brown', 'López-Díaz'];
const MIDDLE = ['Quentin', 'Louise', 'James', 'Marie', 'Alexander', 'Rose', 'Ali', 'Theodore'];
const DOMAINS = ['example.com', 'corp.example.org', 'uni-example.edu', 'contoso.com', 'fabrikam.io', 'mail.example.net', 'students.example.ac.uk'];
const CITIES = [['Springfield', 'IL', '62704', 'US'], ['Paris', 'Île-de-France', '75011', 'FR'], ['München', 'Bayern', '80331', 'DE'], ['London', 'England', 'SW1A 1AA', 'GB'], ['Amsterdam', 'Noord-Holland', '1012 JS', 'NL'], ['Toronto', 'ON', 'M5V 2T6', 'CA'], ['Madrid', 'Madrid', '28013', 'ES'], ['Zürich', 'ZH', '8001', 'CH'], ['Sydney', 'NSW', '2000', 'AU'], ['Osaka', 'Osaka', '530-0001', 'JP']] as const;
const STREETS = ['12 Main Street', '221B Baker Street', '5 rue de la Paix', 'Marienplatz 8', 'Keizersgracht 123', '1600 Amphitheatre Pkwy', 'Calle Mayor 10', '350 5th Ave, Suite 210'];
const COUNTRY_FORMS: Array<[string, string]> = [['US', 'US'], ['FR', 'FR'], ['DE', 'DE'], ['GB', 'GB'], ['NL', 'NL'], ['France', 'FR'], ['Germany', 'DE'], ['United States', 'US'], ['United Kingdom', 'GB'], ['Netherlands', 'NL'], ['USA', 'US'], ['FRA', 'FR'], ['DEU', 'DE'], ['GBR', 'GB'], ['276', 'DE'], ['840', 'US'], ['250', 'FR'], ['Spain', 'ES'], ['Japan', 'JP'], ['CHE', 'CH'], ['Canada', 'CA']];
const GROUP_NAMES = ['Sales', 'Engineering', 'VPN Users', 'Domain Admins', 'HR-Team', 'Finance, EMEA', 'staff', 'students', 'App-Owners', 'Research+Dev'];
const ROLE_NAMES = ['admin', 'editor', 'viewer', 'member', 'staff', 'faculty', 'student', 'employee', 'billing-admin', 'Support Agent'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const ZONES = ['Europe/Paris', 'America/New_York', 'Asia/Tokyo', 'Europe/Berlin', 'America/Los_Angeles', 'Australia/Sydney', 'UTC', 'W. Europe Standard Time', 'Pacific Standard Time', 'Eastern Standard Time'];
const LOCALES = ['en_US', 'en-US', 'fr-FR', 'de_DE', 'en-gb', 'fr', 'de', 'nl_NL', 'es-ES', 'EN', 'pt_BR.UTF-8', 'English', 'French', 'ja-JP', 'it'];

export interface Generated { value: Json; calls: string[] }

function personName(r: Rng): [string, string] { return [pick(r, GIVEN), pick(r, FAMILY)]; }

function cased(r: Rng, s: string): { text: string; calls: string[] } {
  const u = r();
  if (u < 0.12) return { text: s.toUpperCase(), calls: ['title'] };
  if (u < 0.22) return { text: s.toLowerCase(), calls: ['title'] };
  if (u < 0.32) return { text: `  ${s.replace(' ', '  ')} `, calls: ['collapse'] };
  return { text: s, calls: ['collapse'] };
}

function dateParts(r: Rng): [number, number, number] { return [int(r, 1950, 2005), int(r, 1, 12), int(r, 1, 28)]; }

function phoneValue(r: Rng): Generated {
  const cases: Array<() => Generated> = [
    () => ({ value: `+1${int(r, 201, 989)}555${pad(int(r, 100, 199), 4)}`, calls: ['phone'] }),
    () => ({ value: `+33 6 ${pad(int(r, 10, 99))} ${pad(int(r, 10, 99))} ${pad(int(r, 10, 99))} ${pad(int(r, 10, 99))}`, calls: ['phone'] }),
    () => ({ value: `+44 7700 900${pad(int(r, 100, 999), 3)}`, calls: ['phone'] }),
    () => ({ value: `+49 151 ${int(r, 1000, 9999)} ${int(r, 1000, 9999)}`, calls: ['phone'] }),
    () => ({ value: `+1 (${int(r, 201, 989)}) 555-${pad(int(r, 100, 199), 4)}`, calls: ['phone'] }),
    () => ({ value: `tel:+1-${int(r, 201, 989)}-555-${pad(int(r, 100, 199), 4)}`, calls: ['phone'] }),
    () => ({ value: `(${int(r, 201, 989)}) 555-${pad(int(r, 100, 199), 4)}`, calls: ['phone("US")'] }),
    () => ({ value: `${int(r, 201, 989)}-555-${pad(int(r, 100, 199), 4)}`, calls: ['phone("US")'] }),
    () => ({ value: `06 ${pad(int(r, 10, 99))} ${pad(int(r, 10, 99))} ${pad(int(r, 10, 99))} ${pad(int(r, 10, 99))}`, calls: ['phone("FR")'] }),
    () => ({ value: `07700 900${pad(int(r, 100, 999), 3)}`, calls: ['phone("GB")'] }),
    () => ({ value: `0151 ${int(r, 1000, 9999)}${int(r, 1000, 9999)}`, calls: ['phone("DE")'] }),
    () => ({ value: `+31 6 ${int(r, 1000, 9999)} ${int(r, 1000, 9999)}`, calls: ['phone'] }),
  ];
  return pick(r, cases)();
}

function dateValue(r: Rng): Generated {
  const [y, m, d] = dateParts(r);
  const day = int(r, 13, 28);
  const forms = [
    `${y}-${pad(m)}-${pad(d)}`, `${y}${pad(m)}${pad(d)}`, `${pad(d)}.${pad(m)}.${y}`, `${pad(day)}/${pad(m)}/${y}`,
    `${pad(m)}/${pad(day)}/${y}`, `${d} ${MONTHS[m - 1]} ${y}`, `${(MONTHS[m - 1] ?? '').slice(0, 3)} ${d}, ${y}`,
    `${y}${pad(m)}${pad(d)}000000Z`, `${y}-${pad(m)}-${pad(d)}T00:00:00Z`,
  ];
  return { value: pick(r, forms), calls: ['date'] };
}

export function timestampValue(r: Rng): Json {
  const s = int(r, 1500000000, 1760000000);
  const iso = new Date(s * 1000).toISOString();
  const forms: Json[] = [iso, iso.replace('.000Z', 'Z'), iso.replace(/[-:T]/g, '').replace('.000Z', 'Z').replace(/Z$/, 'Z'), String(s), s, String(s * 1000), String((BigInt(s) + 11644473600n) * 10000000n), iso.replace('T', ' ').replace('.000Z', '+00:00')];
  return pick(r, forms);
}

function groupDn(r: Rng, name: string): string {
  const esc = name.replace(/([,+"\\<>;=])/g, '\\$1');
  return pick(r, [`CN=${esc},OU=Groups,DC=corp,DC=example,DC=com`, `cn=${esc},ou=groups,dc=example,dc=org`, `CN=${esc},OU=Security Groups,OU=EMEA,DC=contoso,DC=com`]);
}

function sample<T>(r: Rng, xs: readonly T[], n: number): T[] {
  const c = [...xs];
  const out: T[] = [];
  while (out.length < n && c.length > 0) out.push(c.splice(Math.floor(r() * c.length), 1)[0] as T);
  return out;
}

/** A value for `target` and the expression that maps it (without the leading `v`). */
export function valueFor(target: string, r: Rng): Generated {
  const [g, f] = personName(r);
  const multi = r() < 0.15;
  const wrap = (x: Generated, extra: () => Json): Generated => multi && typeof x.value === 'string' ? { value: [x.value, extra()], calls: ['first', ...x.calls] } : x;
  switch (target) {
    case 'email': {
      const local = pick(r, [`${g}.${f}`, `${g[0]}${f}`, `${f}${int(r, 1, 99)}`]).normalize('NFD').replace(/[^\w.]/g, '').toLowerCase();
      const addr = `${local}@${pick(r, DOMAINS)}`;
      const v = pick(r, [addr, addr, addr, addr.toUpperCase(), `mailto:${addr}`, `SMTP:${addr}`, ` ${addr} `]);
      return wrap({ value: v, calls: ['email'] }, () => `${local}@${pick(r, DOMAINS)}`);
    }
    case 'email_verified': case 'phone_number_verified':
      return { value: pick<Json>(r, [true, false, 'true', 'false', 'TRUE', 'yes', 'no', '1', '0', 1, 0, 'Y', 'N', 'verified', 'unverified']), calls: ['bool'] };
    case 'phone_number': return wrap(phoneValue(r), () => phoneValue(r).value);
    case 'name': {
      const u = r();
      if (u < 0.2) return { value: `${f}, ${g}`, calls: ['last_first'] };
      const c = cased(r, u < 0.3 ? `${g} ${pick(r, MIDDLE)} ${f}` : `${g} ${f}`);
      return wrap({ value: c.text, calls: c.calls }, () => `${pick(r, GIVEN)} ${f}`);
    }
    case 'given_name': { const c = cased(r, g); return wrap({ value: c.text, calls: c.calls }, () => pick(r, MIDDLE)); }
    case 'family_name': { const c = cased(r, f); return wrap({ value: c.text, calls: c.calls }, () => pick(r, FAMILY)); }
    case 'middle_name': { const c = cased(r, pick(r, MIDDLE)); return { value: c.text, calls: c.calls }; }
    case 'nickname': return { value: pick(r, ['Johnny', 'Mimi', 'jd', 'Sunny', 'Kat', 'Bobby T', 'Ace']), calls: ['collapse'] };
    case 'preferred_username': {
      const u = r();
      const login = `${g[0]}${f}`.normalize('NFD').replace(/[^\w]/g, '').toLowerCase();
      if (u < 0.15) return { value: `CONTOSO\\${login}`, calls: ['split("\\\\")', 'last'] };
      if (u < 0.45) return { value: `${login}@${pick(r, DOMAINS)}`, calls: ['trim'] };
      return wrap({ value: pick(r, [login, `${login}${int(r, 1, 99)}`, `${g}.${f}`.toLowerCase().normalize('NFD').replace(/[^\w.]/g, '')]), calls: ['trim'] }, () => `${login}2`);
    }
    case 'profile': return wrap({ value: pick(r, [`https://github.com/${g.toLowerCase()}`, `https://www.example.com/people/${f.toLowerCase()}`, `https://social.example.org/@${g.toLowerCase()}`]).normalize('NFD').replace(/[^\x20-\x7e]/g, ''), calls: ['url'] }, () => 'https://example.com/u/2');
    case 'picture': return wrap({ value: `https://${pick(r, ['avatars.example.com/u/', 'lh3.googleusercontent.com/a/', 'cdn.example.org/photos/'])}${hexs(r, 12)}${pick(r, ['.jpg', '.png', '?s=96', ''])}`, calls: ['url'] }, () => 'https://cdn.example.org/p.png');
    case 'website': return wrap({ value: pick(r, ['https://jdoe.example.net', 'http://blog.example.com/', 'https://www.example.org/~jd', 'https://example.dev']), calls: ['url'] }, () => 'https://example.com');
    case 'gender': return { value: pick<Json>(r, ['M', 'F', 'male', 'female', 'Female', 'MALE', 'f', 'm', 'w', 'non-binary']), calls: ['gender'] };
    case 'birthdate': return dateValue(r);
    case 'zoneinfo': return { value: pick(r, ZONES), calls: ['zoneinfo'] };
    case 'locale': return wrap({ value: pick(r, LOCALES), calls: ['locale'] }, () => pick(r, LOCALES));
    case 'updated_at': return { value: timestampValue(r), calls: ['epoch'] };
    case 'address': {
      const [city, region, zip, cc] = pick(r, CITIES);
      const street = pick(r, STREETS);
      return pick(r, [
        { value: `${street}$${city}, ${region} ${zip}$${cc}`, calls: ['address'] },
        { value: `${street}\n${zip} ${city}\n${cc}`, calls: ['address'] },
        { value: `${street}, ${zip} ${city}, ${cc}`, calls: ['address'] },
      ]);
    }
    case 'address.formatted': {
      const [city, , zip] = pick(r, CITIES);
      const street = pick(r, STREETS);
      return r() < 0.3 ? { value: `${street}$${zip} ${city}`, calls: ['split("$")', 'join(", ")'] } : { value: pick(r, [`${street}, ${zip} ${city}`, city, `${city}, ${pick(r, ['France', 'USA', 'Germany'])}`]), calls: ['collapse'] };
    }
    case 'address.street_address': return { value: pick(r, STREETS), calls: ['collapse'] };
    case 'address.locality': return { value: pick(r, CITIES)[0], calls: ['collapse'] };
    case 'address.region': return { value: pick(r, CITIES)[1], calls: ['collapse'] };
    case 'address.postal_code': return { value: pick(r, CITIES)[2], calls: ['trim'] };
    case 'address.country': return { value: pick(r, COUNTRY_FORMS)[0], calls: ['country'] };
    case 'groups': {
      const names = sample(r, GROUP_NAMES, int(r, 1, 4));
      const u = r();
      if (u < 0.45) return { value: names.length === 1 && r() < 0.5 ? groupDn(r, names[0] ?? 'x') : names.map((n) => groupDn(r, n)), calls: ['each(dn_cn)', 'unique'] };
      if (u < 0.6) { const safe = names.filter((n) => !n.includes(',')); return { value: (safe.length ? safe : ['staff']).join(','), calls: ['split(",")', 'unique'] }; }
      if (u < 0.7) return { value: names.join(';'), calls: ['split(";")', 'unique'] };
      if (u < 0.8) return { value: Array.from({ length: int(r, 1, 3) }, () => `${hexs(r, 8)}-${hexs(r, 4)}-${hexs(r, 4)}-${hexs(r, 4)}-${hexs(r, 12)}`), calls: ['unique'] };
      return { value: names, calls: ['unique'] };
    }
    case 'roles': {
      const names = sample(r, ROLE_NAMES, int(r, 1, 3));
      const u = r();
      if (u < 0.15) return { value: names.map((n) => `ROLE_${n.toUpperCase().replace(/[- ]/g, '_')}`), calls: ['each(strip_prefix("ROLE_"))', 'unique'] };
      if (u < 0.3) return { value: names.join(','), calls: ['split(",")', 'unique'] };
      if (u < 0.4) return { value: names.map((n) => `${n}@${pick(r, DOMAINS)}`), calls: ['unique'] };
      if (u < 0.5) return { value: names.map((n) => groupDn(r, n)), calls: ['each(dn_cn)', 'unique'] };
      return { value: names.length === 1 ? (names[0] ?? 'member') : names, calls: ['unique'] };
    }
    default: throw new Error(`no values for ${target}`);
  }
}

/** Kinds of values carried by attributes that must be dropped. */
export const DROP_KINDS = ['uuid', 'hex', 'timestamp', 'int', 'bool', 'text', 'email', 'phone', 'dn', 'url', 'date', 'ip', 'base64', 'name'] as const;
export type DropKind = (typeof DROP_KINDS)[number];

export function dropValue(kind: DropKind, r: Rng): Json {
  switch (kind) {
    case 'uuid': return pick(r, [`${hexs(r, 8)}-${hexs(r, 4)}-4${hexs(r, 3)}-a${hexs(r, 3)}-${hexs(r, 12)}`, `{${hexs(r, 8).toUpperCase()}-${hexs(r, 4).toUpperCase()}-${hexs(r, 4).toUpperCase()}-${hexs(r, 4).toUpperCase()}-${hexs(r, 12).toUpperCase()}}`, `auth0|${hexs(r, 24)}`, `00u${hexs(r, 17)}`, `S-1-5-21-${int(r, 1e8, 4e9)}-${int(r, 1e8, 4e9)}-${int(r, 1000, 9999)}`]);
    case 'hex': return hexs(r, pick(r, [32, 40, 64]));
    case 'base64': return Buffer.from(hexs(r, 24), 'hex').toString('base64').replace(/=+$/, '') + 'Qx9';
    case 'timestamp': return timestampValue(r);
    case 'int': return pick<Json>(r, [int(r, 0, 500), String(int(r, 1000, 99999)), '512', '66048', int(r, 0, 5)]);
    case 'bool': return pick<Json>(r, [true, false, 'true', 'FALSE', '0', '1', 'yes']);
    case 'text': return pick(r, ['Senior Software Engineer', 'Engineering', 'Contoso Ltd', 'Building 4, Floor 2', 'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport', 'pwd mfa', 'Member', 'Guest', 'premium', 'Loves hiking and open source.', 'CC-4410', 'https://sts.windows.net/72f988bf/', 'openid profile email', '_8e8dc5f69a98cc4c1ff3427e5ce34606fd672f91e6', 'Mozilla/5.0 (X11; Linux x86_64)', 'Dr.', 'he/him', 'public', 'work', 'mobile', 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent']);
    case 'email': return `${pick(r, ['boss', 'assistant', 'recovery', 'old.address', 'billing'])}${int(r, 1, 99)}@${pick(r, DOMAINS)}`;
    case 'phone': return phoneValue(r).value;
    case 'dn': return pick(r, [`CN=${pick(r, FAMILY)}\\, ${pick(r, GIVEN)},OU=Users,DC=corp,DC=example,DC=com`, `uid=${pick(r, ['jsmith', 'mboss'])},ou=people,dc=example,dc=org`, 'OU=Sales,OU=EMEA,DC=contoso,DC=com']);
    case 'url': return pick(r, ['https://api.github.com/users/octocat/followers', 'https://graph.microsoft.com/v1.0/users/42', 'https://login.example.com/callback', 'https://www.contoso.com', 'https://example.okta.com/api/v1/users/00u1']);
    case 'date': return dateValue(r).value;
    case 'ip': return pick(r, ['203.0.113.7', '198.51.100.23', '2001:db8::1', '10.0.0.12']);
    case 'name': { const [g, f] = personName(r); return pick(r, [`${g} ${f}`, `${f}, ${g}`, g]); }
  }
}
