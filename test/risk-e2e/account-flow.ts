// The account page walked over HTTP by a signed-in browser: enrol an authenticator app (reading the
// key from the page as a person would from the QR code) and collect the recovery codes shown once.
import { totpCode } from '../../src/accounts/totp.ts';
import { formToken, type BrowserSession, type PageResponse } from '../interactions/browser-session.ts';

export interface Enrolment {
  secret: string;
  recoveryCodes: string[];
  /** The page that showed the codes. */
  codesPage: PageResponse;
}

export function secretOnPage(html: string): string {
  const match = /Key: <code>([A-Z2-7 ]+)<\/code>/.exec(html);
  if (!match?.[1]) throw new Error('no key on the enrolment page');
  return match[1].replace(/ /g, '');
}

export function codesOnPage(html: string): string[] {
  return [...html.matchAll(/<li><code>([0-9a-z-]+)<\/code><\/li>/g)].map((m) => m[1] ?? '');
}

export async function enrolTotp(browser: BrowserSession, origin: string): Promise<Enrolment> {
  const enrolPage = await browser.get(`${origin}/account/totp`);
  if (enrolPage.status !== 200) throw new Error(`enrolment page answered ${enrolPage.status}`);
  const secret = secretOnPage(enrolPage.body);
  const confirmed = await browser.post(`${origin}/account/totp`, { csrf: formToken(enrolPage.body), code: totpCode(secret) });
  if (confirmed.status !== 303) throw new Error(`confirming answered ${confirmed.status}`);
  const codesPage = await browser.follow(confirmed);
  return { secret, recoveryCodes: codesOnPage(codesPage.body), codesPage };
}
