/**
 * The attribute catalogue: every attribute name the generator knows, with its protocol and the claim
 * it carries (or `drop`). Real names come from the extracted vocabularies; synthetic names compose
 * the same words the way upstreams do (modifiers, separators, namespaces).
 */
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pick, type Rng, type DropKind } from './values.ts';

const here = dirname(fileURLToPath(import.meta.url));
const readJson = <T>(p: string): T => JSON.parse(readFileSync(join(here, p), 'utf8')) as T;

export interface Entry { raw: string; protocol: string; target: string; source: string; kind?: DropKind }

interface Extracted {
  ldap: Array<{ oid: string; names: string[]; schema: string }>;
  simplesamlphp: Record<string, Array<[string, string]>>;
  shibboleth: Array<{ name: string; id: string }>;
  wordnet: Record<string, string[]>;
}

/** Value kind of an attribute that must be dropped, guessed from its words (only for generating values). */
export function dropKind(words: string[]): DropKind {
  const has = (...xs: string[]): boolean => xs.some((x) => words.includes(x));
  if (has('time', 'timestamp', 'created', 'changed', 'modified', 'instant', 'expires', 'expiry', 'expiration', 'logon', 'login', 'last', 'when', 'iat', 'exp', 'nbf', 'at')) return 'timestamp';
  if (has('date', 'day')) return 'date';
  if (has('guid', 'uuid', 'sid', 'anchor', 'identifier', 'id', 'oid', 'tid')) return 'uuid';
  if (has('hash', 'thumbprint', 'fingerprint', 'checksum', 'nonce', 'salt', 'stamp')) return 'hex';
  if (has('count', 'number', 'num', 'limit', 'control', 'version', 'age', 'level', 'size')) return 'int';
  if (has('enabled', 'is', 'has', 'flag', 'active', 'blocked', 'locked', 'admin', 'verified', 'disabled')) return 'bool';
  if (has('phone', 'telephone', 'fax', 'facsimile', 'pager', 'mobile', 'isdn', 'telex')) return 'phone';
  if (has('mail', 'email', 'mailbox')) return 'email';
  if (has('url', 'uri', 'link', 'href')) return 'url';
  if (has('dn', 'manager', 'owner', 'member', 'secretary', 'see', 'report', 'reports', 'assistant')) return 'dn';
  if (has('ip', 'ipaddr', 'address') && has('ip', 'ipaddr', 'client')) return 'ip';
  if (has('certificate', 'photo', 'key', 'password', 'picture', 'jpeg', 'thumbnail', 'blob')) return 'base64';
  return 'text';
}

/** Phrases (space-separated words) per target. Sources: OIDC Core, provider docs, WordNet synonyms. */
export const POSITIVE: Record<string, string[]> = {
  email: ['email', 'mail', 'e mail', 'email address', 'mail address', 'electronic mail address', 'primary email', 'work email', 'business email', 'contact email', 'user email', 'personal email', 'main email', 'email id', 'smtp address', 'primary smtp address', 'internet address', 'login email', 'account email', 'corporate email', 'office email', 'default email', 'netmail', 'electronic mail', 'email addr', 'user mail', 'person email', 'profile email', 'mail primary'],
  email_verified: ['email verified', 'is email verified', 'email confirmed', 'verified email', 'email validated', 'mail verified', 'email address verified', 'has verified email', 'email is verified', 'primary email verified', 'user email verified', 'email confirmation status'],
  phone_number: ['phone', 'telephone', 'phone number', 'telephone number', 'mobile', 'mobile phone', 'mobile number', 'cell', 'cell phone', 'cellular phone', 'mobile telephone', 'work phone', 'business phone', 'office phone', 'primary phone', 'contact number', 'contact phone', 'phone no', 'tel number', 'home phone', 'personal phone', 'direct phone', 'landline', 'main phone', 'user phone', 'sms number', 'msisdn', 'phone mobile', 'mobile phone number', 'telephone set', 'voice number', 'primary phone number'],
  phone_number_verified: ['phone verified', 'phone number verified', 'mobile verified', 'is phone verified', 'telephone verified', 'phone confirmed', 'mobile number verified', 'sms verified', 'verified phone', 'phone is verified', 'mobile phone verified'],
  name: ['name', 'full name', 'display name', 'common name', 'complete name', 'formatted name', 'user full name', 'person name', 'legal name', 'real name', 'user display name', 'fullname', 'displayname', 'person full name', 'member name', 'name full', 'profile name', 'contact name'],
  given_name: ['first name', 'given name', 'forename', 'firstname', 'christian name', 'user first name', 'legal first name', 'person first name', 'givenname', 'name first', 'localized first name', 'first given name', 'fname', 'gn'],
  family_name: ['last name', 'family name', 'surname', 'lastname', 'user last name', 'legal last name', 'person surname', 'cognomen', 'name last', 'localized last name', 'family names', 'lname', 'sur name', 'paternal surname'],
  middle_name: ['middle name', 'second given name', 'middle names', 'name middle', 'middlename', 'additional name'],
  nickname: ['nickname', 'nick', 'short name', 'preferred name', 'known as', 'nick name', 'byname', 'moniker', 'sobriquet', 'call name', 'familiar name'],
  preferred_username: ['username', 'user name', 'login', 'login name', 'account name', 'userid', 'user principal name', 'principal name', 'handle', 'logon name', 'sign in name', 'uid', 'screen name', 'net id', 'user login', 'login id', 'sam account name', 'upn', 'account login', 'network id', 'windows account name', 'user logon name', 'preferred username', 'nt account'],
  profile: ['profile url', 'profile link', 'profile page', 'profile', 'html url', 'web profile', 'public profile url', 'profile uri', 'profile page url', 'social profile', 'user profile url', 'link', 'web url'],
  picture: ['picture', 'avatar', 'avatar url', 'photo url', 'picture url', 'profile picture', 'profile photo', 'image url', 'headshot url', 'user image', 'portrait url', 'gravatar url', 'profile image url', 'avatar image', 'photograph url', 'picture link', 'profile pic'],
  website: ['website', 'web site', 'homepage', 'home page', 'blog', 'web page', 'personal website', 'blog url', 'web address', 'site url', 'personal url', 'internet site', 'www home page', 'labeled uri', 'personal homepage', 'my site'],
  gender: ['gender', 'sex', 'gender identity', 'user gender', 'sex code', 'person gender', 'gender code'],
  birthdate: ['birthdate', 'birth date', 'date of birth', 'dob', 'birthday', 'born on', 'natal day', 'date birth', 'birth day', 'user birthday', 'person birth date', 'birth dt'],
  zoneinfo: ['timezone', 'time zone', 'tz', 'zone info', 'user timezone', 'preferred timezone', 'time zone name', 'zoneinfo', 'tz name', 'iana timezone', 'local time zone'],
  locale: ['locale', 'language', 'preferred language', 'lang', 'user locale', 'ui locale', 'display language', 'preferred locale', 'language code', 'culture', 'mother tongue', 'native language', 'language preference', 'preferred lang', 'ui language'],
  updated_at: ['updated at', 'last updated', 'modified at', 'last modified', 'update time', 'modification time', 'when changed', 'modify timestamp', 'profile updated at', 'date modified', 'updated', 'changed at', 'last update time', 'profile last modified', 'last changed'],
  address: ['address', 'postal address', 'mailing address', 'home address', 'home postal address', 'full address', 'physical address', 'residential address', 'postal addr', 'street and city address', 'user address', 'primary address'],
  'address.formatted': ['formatted address', 'address formatted', 'address text', 'location', 'address label', 'address display', 'address one line'],
  'address.street_address': ['street', 'street address', 'street line', 'address line 1', 'street addr', 'address street', 'street name', 'address line', 'street and number', 'home street'],
  'address.locality': ['city', 'town', 'locality', 'locality name', 'municipality', 'city name', 'home city', 'address city', 'metropolis', 'address locality', 'city or town'],
  'address.region': ['state', 'province', 'region', 'state or province', 'prefecture', 'address state', 'state code', 'region name', 'state province', 'address region', 'state name', 'home state'],
  'address.postal_code': ['postal code', 'zip', 'zip code', 'postcode', 'post code', 'address zip', 'zip postal code', 'postal zip', 'address postal code', 'home zip'],
  'address.country': ['country', 'country code', 'country name', 'nation', 'country of residence', 'home country', 'address country', 'country iso', 'residence country', 'country region', 'iso country'],
  groups: ['groups', 'group', 'member of', 'is member of', 'group membership', 'memberships', 'security groups', 'group names', 'teams', 'team memberships', 'ad groups', 'ldap groups', 'user groups', 'group list', 'member groups', 'groups display', 'directory groups', 'group claims'],
  roles: ['roles', 'role', 'app roles', 'user roles', 'entitlements', 'affiliation', 'access roles', 'assigned roles', 'role names', 'authorities', 'role list', 'application roles', 'realm roles', 'scoped affiliation', 'primary affiliation', 'person affiliation'],
};

/** Phrases that must be dropped, with the kind of value they carry. */
export const DROP: Array<[DropKind, string[]]> = [
  ['uuid', ['object id', 'tenant id', 'directory id', 'user guid', 'object guid', 'immutable id', 'external id', 'account id', 'subject id', 'pairwise id', 'persistent id', 'targeted id', 'correlation id', 'device id', 'application id', 'client id', 'session id', 'tracking id', 'source anchor', 'unique id', 'internal id', 'record id', 'entry uuid', 'consistency guid', 'person id', 'customer id', 'org id', 'team id', 'workspace id', 'realm id', 'partner id', 'name identifier', 'security identifier', 'node id', 'okta id', 'federation link', 'object sid', 'primary sid', 'home realm id']],
  ['hex', ['password hash', 'email hash', 'gravatar id', 'at hash', 'c hash', 'key thumbprint', 'cert fingerprint', 'etag', 'checksum', 'nonce', 'salt', 'security stamp', 'concurrency stamp', 'token hash', 'session key', 'email md5']],
  ['timestamp', ['created at', 'creation time', 'last login', 'last login time', 'last sign in', 'password last set', 'password changed at', 'expires at', 'expiry', 'valid until', 'account expires', 'auth time', 'authentication instant', 'issued at', 'not before', 'lockout time', 'last logon timestamp', 'when created', 'last password change', 'email verified at', 'phone verified at', 'last activity', 'deleted at', 'created timestamp', 'confirmed at', 'current sign in at', 'last seen', 'session expiry', 'token expiry', 'terms accepted at']],
  ['int', ['login count', 'logins count', 'bad password count', 'failed login attempts', 'uid number', 'gid number', 'employee number', 'badge number', 'user account control', 'primary group id', 'public repos', 'followers', 'following', 'age', 'version', 'seniority', 'credit limit', 'room number', 'phone extension', 'projects limit', 'public gists', 'logon count', 'group count', 'age group', 'theme id']],
  ['bool', ['account enabled', 'enabled', 'active', 'is admin', 'site admin', 'mfa enabled', 'two factor enabled', 'blocked', 'locked', 'is guest', 'password never expires', 'is social', 'hireable', 'is bot', 'must change password', 'is private email', 'is deleted', 'account verified', 'marketing opt in', 'newsletter subscribed', 'terms accepted', 'private profile', 'is persistent', 'can create group', 'email opt out', 'phone opt out']],
  ['text', ['job title', 'title', 'department', 'company', 'company name', 'organization', 'org unit', 'division', 'cost center', 'office location', 'office', 'building', 'floor', 'employee type', 'user type', 'account type', 'plan', 'tier', 'bio', 'about me', 'headline', 'industry', 'description', 'notes', 'comment', 'status', 'user status', 'honorific prefix', 'honorific suffix', 'personal title', 'pronouns', 'nationality', 'citizenship', 'place of birth', 'home organization', 'home organization type', 'twitter username', 'company domain', 'hosted domain', 'identity provider', 'idp', 'connection', 'provider', 'authentication method', 'authn context class ref', 'auth method', 'amr', 'acr', 'scope', 'audience', 'issuer', 'session index', 'name id format', 'grant type', 'token type', 'user agent', 'device name', 'email type', 'phone type', 'email visibility', 'name format', 'email domain', 'name pronunciation', 'phonetic name', 'name suffix', 'name prefix', 'locale source', 'country of citizenship', 'address type', 'language proficiency', 'time zone offset', 'employee status', 'assurance level', 'login provider', 'email provider', 'display name pronunciation', 'phone country prefix']],
  ['email', ['manager email', 'secretary email', 'assistant email', 'recovery email', 'backup email', 'secondary email', 'alternate email', 'other mails', 'former email', 'parent email', 'emergency contact email', 'billing email', 'commit email', 'previous email', 'other email', 'old email', 'sponsor email', 'guardian email']],
  ['phone', ['fax', 'fax number', 'facsimile telephone number', 'pager', 'assistant phone', 'emergency contact phone', 'secretary phone', 'manager phone', 'alternate phone', 'backup phone', 'recovery phone', 'ip phone', 'home fax', 'telex number', 'isdn number', 'company phone', 'office fax', 'other phone', 'other mobile', 'secondary phone', 'emergency phone', 'sponsor phone', 'reception phone']],
  ['dn', ['manager', 'manager dn', 'secretary', 'owner', 'distinguished name', 'dn', 'entry dn', 'assistant', 'direct reports', 'see also', 'org unit dn', 'parent dn', 'manager distinguished name', 'sponsor dn']],
  ['url', ['followers url', 'repos url', 'api url', 'events url', 'resource url', 'callback url', 'redirect uri', 'jwks uri', 'meta location', 'self link', 'company url', 'organization url', 'organizations url', 'gists url', 'subscriptions url', 'company website', 'employer website']],
  ['date', ['hire date', 'start date', 'end date', 'termination date', 'expiry date', 'contract end date', 'password expiry date', 'account expiry date', 'valid from', 'valid to', 'employment start date', 'graduation date']],
  ['ip', ['ip address', 'client ip', 'last ip', 'ipaddr', 'login ip', 'source ip']],
  ['name', ['manager name', 'assistant name', 'spouse name', 'emergency contact name', 'sponsor name', 'parent name', 'guardian name', 'created by', 'modified by', 'approver name', 'mother maiden name', 'maiden name', 'previous name', 'birth name']],
];

const camel = (w: string[]): string => w.map((x, i) => (i === 0 ? x : x.charAt(0).toUpperCase() + x.slice(1))).join('');
const pascal = (w: string[]): string => w.map((x) => x.charAt(0).toUpperCase() + x.slice(1)).join('');

/** Writes a phrase the way a given protocol's upstreams spell attribute names. */
export function spell(r: Rng, phrase: string, protocol: string): string {
  const w = phrase.split(' ');
  const styles = [camel(w), pascal(w), w.join('_'), w.join('-'), w.join('.'), w.join(''), w.join('_').toUpperCase(), camel(w)];
  const base = pick(r, styles);
  switch (protocol) {
    case 'saml': return pick(r, [base, `urn:example:attribute:${camel(w)}`, `http://schemas.example.org/claims/${w.join('')}`, `urn:mace:example.edu:attribute-def:${camel(w)}`]);
    case 'wsfed': return pick(r, [`http://schemas.contoso.com/identity/claims/${w.join('')}`, `http://schemas.example.com/ws/2010/claims/${w.join('').toLowerCase()}`, `http://identity.example.net/claims/${pascal(w)}`]);
    case 'scim': return pick(r, [camel(w), `urn:ietf:params:scim:schemas:extension:acme:2.0:User:${camel(w)}`, `${camel(w)}.value`]);
    case 'oidc': return pick(r, [w.join('_'), camel(w), `https://example.com/claims/${w.join('_')}`, `custom:${camel(w)}`, `ext.${w.join('_')}`]);
    case 'ldap': return pick(r, [camel(w), w.join('-'), `ext${pascal(w)}`]);
    default: return base;
  }
}

const PROTOCOLS = ['oidc', 'saml', 'ldap', 'scim', 'wsfed'];

export function buildCatalogue(r: Rng): { entries: Entry[]; oidNames: Record<string, string> } {
  const ex = readJson<Extracted>('vocab/extracted.json');
  const ldapLabels = readJson<{ labels: Record<string, string> }>('vocab/data/ldap-labels.json').labels;
  const edu = readJson<{ attributes: Array<{ name: string; oid: string; target: string }> }>('vocab/data/eduperson.json').attributes;
  const schac = readJson<{ attributes: Array<{ name: string; oid: string; target: string }> }>('vocab/data/schac.json').attributes;
  const uris = readJson<{ claims: Array<{ uri: string; target: string }> }>('vocab/data/claim-uris.json').claims;
  const scim = readJson<{ prefix: string; attributes: Array<{ path: string; target: string }> }>('vocab/data/scim.json');
  const providers = readJson<{ providers: Record<string, Record<string, string>> }>('vocab/data/providers.json').providers;

  const entries: Entry[] = [];
  const oidNames: Record<string, string> = {};
  const labelOf = (name: string): string => ldapLabels[name] ?? 'drop';
  // LDAP schemas: Active Directory's 900+ internal attributes would swamp the data, so sample them.
  for (const a of ex.ldap) {
    const main = a.names[0] ?? '';
    oidNames[a.oid] ??= main;
    if (a.schema === 'msuser' && !(main in ldapLabels) && r() > 0.3) continue;
    for (const n of a.names) entries.push({ raw: n, protocol: pick(r, ['ldap', 'ldap', 'saml']), target: labelOf(n), source: `ldap:${a.schema}` });
    entries.push({ raw: `urn:oid:${a.oid}`, protocol: 'saml', target: labelOf(main), source: `ldap-oid:${a.schema}` });
  }
  for (const a of [...edu, ...schac]) {
    oidNames[a.oid] = a.name;
    entries.push({ raw: a.name, protocol: 'saml', target: a.target, source: 'eduperson-schac' });
    entries.push({ raw: `urn:oid:${a.oid}`, protocol: 'saml', target: a.target, source: 'eduperson-schac' });
    entries.push({ raw: `urn:mace:dir:attribute-def:${a.name}`, protocol: 'saml', target: a.target, source: 'eduperson-schac' });
  }
  const eduTarget = new Map([...edu, ...schac].map((a) => [a.name, a.target]));
  const targetOfName = (n: string): string => eduTarget.get(n) ?? labelOf(n);
  // SimpleSAMLphp maps: vendor keys -> LDAP names, and URN forms; the label follows the LDAP name.
  for (const [map, pairs] of Object.entries(ex.simplesamlphp)) {
    for (const [k, v] of pairs) {
      if (map === 'oid2name') { const oid = k.replace('urn:oid:', ''); oidNames[oid] ??= v; }
      if (/2name$/.test(map) && !k.startsWith('urn:oid') && !k.endsWith('profile_url')) entries.push({ raw: k, protocol: map.startsWith('urn') ? 'saml' : 'oidc', target: targetOfName(v), source: `simplesamlphp:${map}` });
      if (map === 'name2claim') entries.push({ raw: v, protocol: 'wsfed', target: uris.find((u) => u.uri === v)?.target ?? targetOfName(k), source: 'simplesamlphp:name2claim' });
    }
  }
  for (const s of ex.shibboleth) {
    const friendly = s.name.replace(/^urn:mace:dir:attribute-def:/, '');
    const oid = s.name.replace(/^urn:oid:/, '');
    const t = eduTarget.get(friendly) ?? eduTarget.get(oidNames[oid] ?? '') ?? 'drop';
    entries.push({ raw: s.id, protocol: 'saml', target: t, source: 'shibboleth' });
  }
  for (const u of uris) entries.push({ raw: u.uri, protocol: pick(r, ['wsfed', 'wsfed', 'saml']), target: u.target, source: 'claim-uris' });
  for (const a of scim.attributes) {
    entries.push({ raw: a.path, protocol: 'scim', target: a.target, source: 'scim' });
    if (!a.path.startsWith('urn:')) entries.push({ raw: `${scim.prefix}:${a.path}`, protocol: 'scim', target: a.target, source: 'scim' });
  }
  for (const [p, keys] of Object.entries(providers)) for (const [k, t] of Object.entries(keys)) entries.push({ raw: k, protocol: 'oidc', target: t, source: `provider:${p}` });
  // Synthetic spellings of the phrase lists, several protocols each.
  for (const [target, phrases] of Object.entries(POSITIVE)) {
    for (const ph of phrases) for (let i = 0; i < 2; i++) { const p = pick(r, PROTOCOLS); entries.push({ raw: spell(r, ph, p), protocol: p, target, source: 'synthetic' }); }
  }
  for (const [kind, phrases] of DROP) {
    for (const ph of phrases) for (let i = 0; i < 2; i++) { const p = pick(r, PROTOCOLS); entries.push({ raw: spell(r, ph, p), protocol: p, target: 'drop', kind, source: 'synthetic' }); }
  }
  // Compositions: neutral modifiers keep the claim, third-party modifiers make it someone else's value.
  const keep = ['user', 'primary', 'default', 'person', 'profile', 'main', 'my', 'account', 'member', 'customer'];
  const other: Array<[string, DropKind | undefined]> = [['manager', undefined], ['secretary', undefined], ['assistant', undefined], ['emergency contact', undefined], ['spouse', undefined], ['parent', undefined], ['backup', undefined], ['secondary', undefined], ['alternate', undefined], ['other', undefined], ['former', undefined], ['previous', undefined], ['sponsor', undefined], ['guardian', undefined]];
  const suffixDrop: Array<[string, DropKind]> = [['hash', 'hex'], ['domain', 'text'], ['type', 'text'], ['visibility', 'text'], ['format', 'text'], ['verified at', 'timestamp'], ['updated at', 'timestamp'], ['source', 'text'], ['count', 'int'], ['id', 'uuid'], ['status', 'text']];
  const heads: Array<[string, string]> = [['email', 'email'], ['mail', 'email'], ['email address', 'email'], ['phone', 'phone_number'], ['mobile', 'phone_number'], ['phone number', 'phone_number'], ['telephone', 'phone_number'], ['name', 'name'], ['full name', 'name'], ['first name', 'given_name'], ['given name', 'given_name'], ['last name', 'family_name'], ['surname', 'family_name'], ['display name', 'name'], ['cell phone', 'phone_number'], ['mobile number', 'phone_number']];
  const kindOf = (t: string): DropKind => (t === 'email' ? 'email' : t === 'phone_number' ? 'phone' : 'name');
  for (const [head, t] of heads) {
    for (const m of keep) if (r() < 0.45) { const p = pick(r, PROTOCOLS); entries.push({ raw: spell(r, `${m} ${head}`, p), protocol: p, target: t, source: 'composed' }); }
    for (const [m] of other) if (r() < 0.55) { const p = pick(r, PROTOCOLS); entries.push({ raw: spell(r, `${m} ${head}`, p), protocol: p, target: 'drop', kind: kindOf(t), source: 'composed' }); }
    for (const [s, k] of suffixDrop) if (r() < 0.35) { const p = pick(r, PROTOCOLS); entries.push({ raw: spell(r, `${head} ${s}`, p), protocol: p, target: 'drop', kind: k, source: 'composed' }); }
    if (t === 'email' || t === 'phone_number') {
      for (const v of ['verified', 'is verified', 'confirmed', 'validated']) if (r() < 0.6) { const p = pick(r, PROTOCOLS); entries.push({ raw: spell(r, `${head} ${v}`, p), protocol: p, target: `${t === 'email' ? 'email' : 'phone_number'}_verified`, source: 'composed' }); }
    }
  }
  for (const e of entries) if (e.target === 'drop' && e.kind === undefined) e.kind = undefined;
  return { entries, oidNames };
}
