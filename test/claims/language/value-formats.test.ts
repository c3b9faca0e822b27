import test from 'ava';
import { reasonOf, valueOf } from './helpers.ts';

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
