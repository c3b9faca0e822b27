import { parseDateText } from './functions/calendar.ts';
import { lookupCountry } from './functions/country.ts';
import { toLocaleTag, toZone } from './functions/locale-and-zone.ts';

/**
 * Builds the name tables that functions otherwise build on first use (country, language and month names
 * from ICU, about 100 ms in all), so that the first login after a start does not pay for them.
 */
export function warmUpLanguage(): void {
  lookupCountry('Deutschland');
  toLocaleTag('English');
  toZone('Europe/Paris');
  parseDateText('15 April 1985');
}
