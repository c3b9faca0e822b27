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

test('placeholders are absent, in scalars and inside lists', (t) => {
  for (const placeholder of ['', '  ', '-', 'N/A', 'none', 'NULL', 'unknown', 'Not Set', 'TBD', 'changeme', '0000-00-00', '${user.email}', '{{mail}}', '%EMAIL%', null, [], ['n/a', '']]) {
    const result = reasonOf('name := v', placeholder);
    t.truthy(result, JSON.stringify(placeholder));
  }
  t.deepEqual(valueOf('groups := v', ['staff', 'n/a', '', 'students']), ['staff', 'students']);
  t.deepEqual(valueOf('groups := v', 'staff'), ['staff'], 'a scalar becomes a one-element array');
  t.is(valueOf('email := v | email', [{ value: 'a@example.com', primary: true }]), 'a@example.com', 'SCIM multi-valued entries');
});
