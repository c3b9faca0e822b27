import test from 'ava';
import { reasonOf, valueOf } from './helpers.ts';

test('AD memberOf DNs: escaped commas, hex escapes, multi-valued RDNs, OIDs', (t) => {
  const memberOf = [
    'CN=Smith\\, John,OU=Users,DC=corp,DC=example,DC=com',
    'CN=Domain Admins,CN=Users,DC=corp,DC=example,DC=com',
    'cn=VPN Users , ou=Groups, dc=example, dc=org',
    'CN=\\4Aohn\\20Doe,OU=People',
    'CN=Ren\\C3\\A9 Dupont,OU=Paris',
    'UID=jdoe+CN=Jane Doe,OU=People,DC=x',
    '2.5.4.3=Research\\+Dev,O=Example',
    'OID.2.5.4.3=Sales\\;EMEA,O=Example',
    'CN=#0C0548656C6C6F,O=Example',
    'CN=\\23hashtag\\ ,O=x',
    'CN="Quoted, Group",O=x',
  ];
  t.deepEqual(valueOf('groups := v | each(dn_cn)', memberOf), [
    'Smith, John',
    'Domain Admins',
    'VPN Users',
    'John Doe',
    'René Dupont',
    'Jane Doe',
    'Research+Dev',
    'Sales;EMEA',
    'Hello',
    '#hashtag ',
    'Quoted, Group',
  ]);
  t.deepEqual(valueOf('groups := v | first | dn_rdn', ['OU=Sales,DC=example,DC=com']), ['Sales']);
  t.is(valueOf('address.locality := v | dn_attr("L")', 'CN=x,L=Zürich,C=CH'), 'Zürich');
  t.deepEqual(valueOf('groups := v | dn_attr("DC")', 'CN=x,DC=corp,DC=com'), ['corp']);
});

test('DN functions refuse what is not a DN, never returning half of it', (t) => {
  for (const bad of ['Domain Admins', 'CN=#0C0548656C6C6F x,O=y', 'CN="quoted" x,O=y', 'CN=bad\\escape', 'CN=a,,OU=b', 'CN=a,', '=x', 'CN=\\C3,O=x', 'C N=x', 'CN=a=b']) {
    t.regex(reasonOf('groups := v | dn_cn', bad) ?? '', /dn_cn/u, bad);
  }
  t.regex(reasonOf('groups := v | dn_cn', 'OU=Sales,DC=example') ?? '', /no CN component/u);
  t.deepEqual(valueOf('groups := v | each(dn_cn) | unique', ['Domain Admins', 'CN=Staff,O=x', 'CN=Staff,O=y']), ['Staff'], 'each drops the elements it yields nothing for');
  t.regex(reasonOf('groups := v | each(dn_cn)', ['Domain Admins', 'Staff']) ?? '', /^each: no element produced a value \(dn_cn: the value is not an LDAP distinguished name\)$/u);
});

test('eduPerson affiliations and entitlements', (t) => {
  t.deepEqual(valueOf('roles := v | unique', ['member', 'staff', 'member', 'employee']), ['member', 'staff', 'employee']);
  t.deepEqual(valueOf('roles := v | each(strip_scope) | unique', ['member@example.edu', 'faculty@example.edu', 'member@med.example.edu']), ['member', 'faculty']);
  t.deepEqual(
    valueOf('roles := v | each(strip_known_prefix)', ['urn:mace:dir:entitlement:common-lib-terms', 'urn:mace:example.edu:role:admin']),
    ['common-lib-terms', 'admin'],
  );
  t.deepEqual(valueOf('roles := v | each(strip_prefix("urn:mace:dir:entitlement:"))', ['urn:mace:dir:entitlement:common-lib-terms']), ['common-lib-terms']);
  t.deepEqual(valueOf('groups := v | split(";")', 'staff; students;;alumni '), ['staff', 'students', 'alumni']);
  t.deepEqual(valueOf('groups := v | each(split(","))', ['a,b', 'c']), ['a', 'b', 'c']);
  t.is(valueOf('preferred_username := v | strip_known_prefix', 'CONTOSO\\jdoe'), 'jdoe');
  t.is(valueOf('email := v | strip_known_prefix | email', 'SMTP:John.Doe@Contoso.com'), 'john.doe@contoso.com');
});

test('dates: GeneralizedTime, national orders, written months, epochs', (t) => {
  const date = (value: unknown) => valueOf('birthdate := v | date', value);
  t.is(date('19850415000000Z'), '1985-04-15');
  t.is(date('19850415000000.0Z'), '1985-04-15');
  t.is(date('198504150000+0200'), '1985-04-15');
  t.is(date('1985-04-15'), '1985-04-15');
  t.is(date('1985-04-15T00:00:00Z'), '1985-04-15');
  t.is(date('1985-04-15T23:30:00-05:00'), '1985-04-15', 'a birthdate is the day as written, not shifted to UTC');
  t.is(date('1985-04-15Z'), '1985-04-15', 'xs:date with a zone, as SAML sends it');
  t.is(date('April 15th, 1985'), '1985-04-15');
  t.is(date('19850415'), '1985-04-15');
  t.is(date(19850415), '1985-04-15');
  t.is(date('15.04.1985'), '1985-04-15');
  t.is(date('5.4.1985'), '1985-04-05');
  t.is(date('15/04/1985'), '1985-04-15');
  t.is(date('04/15/1985'), '1985-04-15');
  t.is(date('04/04/1985'), '1985-04-04');
  t.is(date('03/04/1985'), undefined, 'ambiguous day/month order');
  t.is(date('15 April 1985'), '1985-04-15');
  t.is(date('Apr 15, 1985'), '1985-04-15');
  t.is(date('Monday, April 15, 1985'), '1985-04-15');
  t.is(date('15. März 1985'), '1985-03-15');
  t.is(date('15-Apr-1985'), '1985-04-15');
  t.is(date('1985/04/15'), '1985-04-15');
  t.is(date('1985.04.15.'), '1985-04-15');
  t.is(date('--04-15'), '0000-04-15');
  t.is(date('1985'), '1985');
  t.is(date(482371200), '1985-04-15');
  t.is(date('482371200000'), '1985-04-15');
  t.is(date('1985-02-30'), undefined);
  t.is(date('2000-02-29'), '2000-02-29');
  t.is(date('1900-02-29'), undefined);
  t.is(date('0000-00-00'), undefined);
  t.is(date(true), undefined);
});

test('timestamps: FILETIME, GeneralizedTime, ISO 8601, epoch seconds and milliseconds', (t) => {
  const epoch = (value: unknown) => valueOf('updated_at := v | epoch', value);
  t.is(epoch('133485408000000000'), 1_704_067_200);
  t.is(epoch(133485408000000000), 1_704_067_200);
  t.is(epoch('9223372036854775807'), undefined, 'AD "never"');
  t.is(epoch('20240101000000Z'), 1_704_067_200);
  t.is(epoch('20240101010000+0100'), 1_704_067_200);
  t.is(epoch('2024-01-01T00:00:00Z'), 1_704_067_200);
  t.is(epoch('2024-01-01T01:00:00+01:00'), 1_704_067_200);
  t.is(epoch('2024-01-01T00:00:00.123Z'), 1_704_067_200);
  t.is(epoch('2024-01-01'), 1_704_067_200);
  t.is(epoch('Mon, 01 Jan 2024 00:00:00 GMT'), 1_704_067_200);
  t.is(epoch(1_704_067_200), 1_704_067_200);
  t.is(epoch('1704067200'), 1_704_067_200);
  t.is(epoch(1_704_067_200_123), 1_704_067_200);
  t.is(epoch('1704067200.5'), 1_704_067_200);
  t.is(epoch('/Date(1704067200000)/'), 1_704_067_200);
  t.is(epoch('/Date(1704067200000+0100)/'), 1_704_067_200);
  t.is(epoch('yesterday'), undefined);
  t.is(epoch(-5), undefined, 'updated_at is never negative');
});

test('phone numbers to E.164', (t) => {
  t.is(valueOf('phone_number := v | phone', '+44 20 7946 0958'), '+442079460958');
  t.is(valueOf('phone_number := v | phone("US")', '(415) 555-0132'), '+14155550132');
  t.is(valueOf('phone_number := v | phone', '(415) 555-0132'), undefined);
  t.regex(reasonOf('phone_number := v | phone', '(415) 555-0132') ?? '', /default region/u);
  t.is(valueOf('phone_number := v | phone', '0044 20 7946 0958'), '+442079460958');
  t.is(valueOf('phone_number := v | phone', 'tel:+33-1-23-45-67-89'), '+33123456789');
  t.is(valueOf('phone_number := v | phone("DE")', '030 1234567'), '+49301234567');
  t.is(valueOf('phone_number := v | phone', '+1 415 555 0132 ext. 12'), '+14155550132;ext=12');
  t.is(valueOf('phone_number := v | first | phone("GB")', ['020 7946 0958', '+1 415 555 0132']), '+442079460958');
  t.is(valueOf('phone_number := v | phone("US")', '555-0132'), undefined);
  t.is(valueOf('phone_number := v | phone', 'call me maybe'), undefined);
  t.is(valueOf('phone_number := v', '+44 20 7946 0958'), undefined, 'the validator wants E.164, never a reformatted half value');
});

test('locales to BCP 47 and zones to IANA', (t) => {
  const locale = (value: unknown) => valueOf('locale := v | locale', value);
  t.is(locale('en_GB.UTF-8'), 'en-GB');
  t.is(locale('en_US'), 'en-US');
  t.is(locale('en-us'), 'en-US');
  t.is(locale('EN'), 'en');
  t.is(locale('de_DE@euro'), 'de-DE');
  t.is(locale('zh-hans-cn'), 'zh-Hans-CN');
  t.is(locale('English'), 'en');
  t.is(locale('Deutsch'), 'de');
  t.is(locale('français'), 'fr');
  t.is(locale('English (United Kingdom)'), 'en-GB');
  t.is(locale('ger'), 'de');
  t.is(locale('fr-CH, fr;q=0.9, en;q=0.8'), 'fr-CH');
  t.is(locale('de,en'), 'de');
  t.is(locale('C.UTF-8'), undefined);
  t.is(locale('POSIX'), undefined);
  t.is(locale('xx'), undefined);
  t.is(locale('Klingonese'), undefined);
  const zone = (value: unknown) => valueOf('zoneinfo := v | zoneinfo', value);
  t.is(zone('Europe/Paris'), 'Europe/Paris');
  t.is(zone('europe/paris'), 'Europe/Paris');
  t.is(zone('America/Argentina/Buenos_Aires'), 'America/Argentina/Buenos_Aires');
  t.is(zone('W. Europe Standard Time'), 'Europe/Berlin');
  t.is(zone('Pacific Standard Time'), 'America/Los_Angeles');
  t.is(zone('UTC'), 'UTC');
  t.is(zone('GMT'), 'UTC');
  t.is(zone('+01:00'), undefined, 'an offset is not a zone');
  t.is(zone('EST'), undefined);
  t.is(zone('Mars/Olympus_Mons'), undefined);
  t.is(valueOf('zoneinfo := v', 'Europe/Paris'), 'Europe/Paris');
  t.is(valueOf('zoneinfo := v', 'Mars/Olympus_Mons'), undefined);
});

test('countries: names in several languages, alpha-3 and numeric codes to alpha-2', (t) => {
  const country = (value: unknown) => valueOf('address.country := v | country', value);
  t.is(country('Deutschland'), 'DE');
  t.is(country('DEU'), 'DE');
  t.is(country('276'), 'DE');
  t.is(country(276), 'DE');
  t.is(country('de'), 'DE');
  t.is(country('Germany'), 'DE');
  t.is(country('Allemagne'), 'DE');
  t.is(country('United States of America'), 'US');
  t.is(country('USA'), 'US');
  t.is(country('840'), 'US');
  t.is(country('UK'), 'GB');
  t.is(country('United Kingdom of Great Britain and Northern Ireland'), 'GB');
  t.is(country('the Netherlands'), 'NL');
  t.is(country('Côte d’Ivoire'), 'CI');
  t.is(country("Cote d'Ivoire"), 'CI');
  t.is(country('4'), 'AF');
  t.is(country('Schweiz'), 'CH');
  t.is(country('Atlantis'), undefined);
  t.is(country('999'), undefined);
  t.is(country('ZZ'), undefined);
});

test('names: Last, First; given / middle / family; title case', (t) => {
  t.is(valueOf('name := v | last_first', 'Smith, John'), 'John Smith');
  t.is(valueOf('name := v | last_first', 'Smith,  John   Quincy'), 'John Quincy Smith');
  t.is(valueOf('name := v | last_first', 'King, Martin Luther, Jr.'), 'Martin Luther King Jr.');
  t.is(valueOf('name := v | last_first', 'John Smith'), 'John Smith');
  t.is(valueOf('given_name := v | given', 'Smith, John A.'), 'John');
  t.is(valueOf('family_name := v | family', 'Smith, John A.'), 'Smith');
  t.is(valueOf('middle_name := v | middle', 'Smith, John A.'), 'A.');
  t.is(valueOf('family_name := v | family', 'Dr. Ludwig van Beethoven'), 'van Beethoven');
  t.is(valueOf('given_name := v | given', 'Dr. Ludwig van Beethoven'), 'Ludwig');
  t.is(valueOf('family_name := v | family', 'Juan de la Cruz'), 'de la Cruz');
  t.is(valueOf('family_name := v | family', 'John Smith PhD'), 'Smith');
  t.is(valueOf('family_name := v | family', 'Madonna'), undefined);
  t.is(valueOf('name := v | title', "jOHN o'neil-smith"), "John O'Neil-Smith");
  t.is(valueOf('name := v | title', 'LUDWIG VAN BEETHOVEN'), 'Ludwig van Beethoven');
  t.is(valueOf('family_name := v | title', 'MCDONALD'), 'McDonald');
  t.is(valueOf('gender := v | gender', 'M'), 'male');
  t.is(valueOf('gender := v | gender', 'weiblich'), 'female');
  t.is(valueOf('gender := v | gender', 2), 'female');
  t.is(valueOf('gender := v | gender', '9'), undefined);
  t.is(valueOf('gender := v | gender', 'Non-Binary'), 'non-binary');
});

test('postal addresses: SAML/LDAP $ form, multi-line, comma form, objects', (t) => {
  t.deepEqual(valueOf('address := v | address', '1 Main St$Springfield, IL 62701$USA'), {
    formatted: '1 Main St\nSpringfield, IL 62701\nUSA',
    street_address: '1 Main St',
    locality: 'Springfield',
    region: 'IL',
    postal_code: '62701',
    country: 'USA',
  });
  t.deepEqual(valueOf('address := v | address', 'Flat 2\\24 3$221B Baker Street$London NW1 6XE$United Kingdom'), {
    formatted: 'Flat 2$ 3\n221B Baker Street\nLondon NW1 6XE\nUnited Kingdom',
    street_address: 'Flat 2$ 3\n221B Baker Street',
    locality: 'London',
    postal_code: 'NW1 6XE',
    country: 'United Kingdom',
  });
  t.deepEqual(valueOf('address := v | address', 'Marienplatz 8\r\nD-80331 München\r\nDeutschland'), {
    formatted: 'Marienplatz 8\nD-80331 München\nDeutschland',
    street_address: 'Marienplatz 8',
    locality: 'München',
    postal_code: '80331',
    country: 'Deutschland',
  });
  t.deepEqual(valueOf('address := v | address', '350 5th Ave, New York, NY 10118'), {
    formatted: '350 5th Ave, New York, NY 10118',
    street_address: '350 5th Ave',
    locality: 'New York',
    region: 'NY',
    postal_code: '10118',
  });
  t.deepEqual(valueOf('address := v | address', 'Keizersgracht 123, 1015 CJ Amsterdam, Netherlands'), {
    formatted: 'Keizersgracht 123, 1015 CJ Amsterdam, Netherlands',
    street_address: 'Keizersgracht 123',
    locality: 'Amsterdam',
    postal_code: '1015 CJ',
    country: 'Netherlands',
  });
  t.deepEqual(valueOf('address := v | address', '10 Downing Street, London, SW1A 2AA, UK'), {
    formatted: '10 Downing Street, London, SW1A 2AA, UK',
    street_address: '10 Downing Street',
    locality: 'London',
    postal_code: 'SW1A 2AA',
    country: 'UK',
  });
  t.deepEqual(valueOf('address := v | address', 'Level 5, 1 Martin Place$Sydney NSW 2000$Australia'), {
    formatted: 'Level 5, 1 Martin Place\nSydney NSW 2000\nAustralia',
    street_address: 'Level 5, 1 Martin Place',
    locality: 'Sydney',
    region: 'NSW',
    postal_code: '2000',
    country: 'Australia',
  });
  t.deepEqual(valueOf('address := v | address', '1600 Pennsylvania Ave NW\nWashington, DC 20500-0003'), {
    formatted: '1600 Pennsylvania Ave NW\nWashington, DC 20500-0003',
    street_address: '1600 Pennsylvania Ave NW',
    locality: 'Washington',
    region: 'DC',
    postal_code: '20500-0003',
  });
  t.deepEqual(valueOf('address := v | address', 'Av. Paulista, 1578\n01310-200 São Paulo\nBrasil'), {
    formatted: 'Av. Paulista, 1578\n01310-200 São Paulo\nBrasil',
    street_address: 'Av. Paulista, 1578',
    locality: 'São Paulo',
    postal_code: '01310-200',
    country: 'Brasil',
  });
  t.deepEqual(valueOf('address := v | address', 'Somewhere over the rainbow'), { formatted: 'Somewhere over the rainbow' }, 'unknown layout: formatted only');
  t.deepEqual(valueOf('address := v | address', { street_address: '1 Main St', locality: 'Springfield', country: 'US' }), {
    street_address: '1 Main St',
    locality: 'Springfield',
    country: 'US',
    formatted: '1 Main St\nSpringfield\nUS',
  });
  t.is(valueOf('address.postal_code := v', 75001), '75001');
  t.is(valueOf('address.street_address := v | address', '1 Main St$Springfield, IL 62701'), undefined, 'an object is not a street');
});

test('OIDC upstream profiles: Cognito strings, Auth0 timestamps, Okta locales, AD proxyAddresses', (t) => {
  t.is(valueOf('email_verified := v | bool', 'true'), true);
  t.is(valueOf('updated_at := v | epoch', '2024-01-01T00:00:00.000Z'), 1_704_067_200);
  t.is(valueOf('locale := v | locale', 'en_US'), 'en-US');
  t.is(valueOf('zoneinfo := v | zoneinfo', 'America/Los_Angeles'), 'America/Los_Angeles');
  const proxyAddresses = ['smtp:jd@contoso.com', 'SMTP:John.Doe@contoso.com', 'X500:/o=Contoso/ou=Exchange/cn=Recipients/cn=jdoe'];
  t.is(valueOf('email := v | nth(1) | strip_known_prefix | email', proxyAddresses), 'john.doe@contoso.com');
  t.deepEqual(valueOf('groups := v | each(email)', proxyAddresses), ['jd@contoso.com', 'john.doe@contoso.com']);
});

test('booleans from strings and numbers', (t) => {
  const bool = (value: unknown) => valueOf('email_verified := v | bool', value);
  for (const yes of ['true', 'TRUE', 'yes', 'Y', '1', 1, 'on', 'verified', true, -1]) t.is(bool(yes), true, String(yes));
  for (const no of ['false', 'no', 'N', '0', 0, 'off', 'unverified', 'Not Verified', false]) t.is(bool(no), false, String(no));
  t.is(bool('maybe'), undefined);
  t.is(valueOf('email_verified := v | not', 'false'), true);
  t.is(valueOf('email_verified := v', 'true'), undefined, 'a string is not a boolean claim');
});

test('email, url and int', (t) => {
  t.is(valueOf('email := v | email', 'mailto:John.Doe@Example.COM'), 'john.doe@example.com');
  t.is(valueOf('email := v | email', 'John Doe <jdoe@example.com>'), 'jdoe@example.com');
  t.is(valueOf('email := v | first | email', ['', 'n/a', 'a@b.example']), 'a@b.example');
  t.is(valueOf('email := v | email', 'jdoe@localhost'), undefined);
  t.is(valueOf('email := v | email', 'jdoe@@example.com'), undefined);
  t.is(valueOf('email := v | email', 'j..doe@example.com'), undefined);
  t.is(valueOf('email := v', 'jdoe'), undefined);
  t.is(valueOf('picture := v | url', 'https://cdn.example.com/a.png'), 'https://cdn.example.com/a.png');
  t.is(valueOf('picture := v | url', 'javascript:alert(1)'), undefined);
  t.is(valueOf('website := v | url', 'https://user:pw@example.com/'), undefined);
  t.is(valueOf('website := v', 'example.com'), undefined);
  t.is(valueOf('updated_at := v | int', ' 42 '), 42);
  t.is(valueOf('updated_at := v | int', '4.5'), undefined);
});

test('placeholders are absent, in scalars and inside lists', (t) => {
  for (const placeholder of ['', '  ', '-', 'N/A', 'none', 'NULL', 'unknown', 'Not Set', 'TBD', 'changeme', '0000-00-00', '${user.email}', '{{mail}}', '%EMAIL%', null, [], ['n/a', '']]) {
    const result = reasonOf('name := v', placeholder);
    t.truthy(result, JSON.stringify(placeholder));
  }
  t.deepEqual(valueOf('groups := v', ['staff', 'n/a', '', 'students']), ['staff', 'students']);
  t.deepEqual(valueOf('groups := v', 'staff'), ['staff'], 'a scalar becomes a one-element array');
  t.is(valueOf('email := v | email', [{ value: 'a@example.com', primary: true }]), 'a@example.com', 'SCIM multi-valued entries');
});
