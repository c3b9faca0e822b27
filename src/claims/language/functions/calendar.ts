/**
 * Parsing of the date and time formats upstream directories actually send. Everything here is pure and
 * returns undefined rather than guessing: an ambiguous `03/04/1985` is no date at all.
 */
export interface CalendarDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

const FILETIME_EPOCH_OFFSET = 11_644_473_600n;
const FILETIME_NEVER = 9_223_372_036_854_775_807n;

export function isValidDate(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false;
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return day <= (lengths[month - 1] ?? 0);
}

function make(year: number, month: number, day: number): CalendarDate | undefined {
  return isValidDate(year, month, day) ? { year, month, day } : undefined;
}

export function formatDate(date: CalendarDate): string {
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  return `${pad(date.year, 4)}-${pad(date.month, 2)}-${pad(date.day, 2)}`;
}

let monthNames: Map<string, number> | undefined;

/** English month names and abbreviations, plus those of the languages common in European directories. */
function monthByName(name: string): number | undefined {
  if (monthNames === undefined) {
    monthNames = new Map();
    for (const locale of ['en', 'de', 'fr', 'es', 'it', 'nl', 'pt', 'sv', 'da', 'nb', 'pl']) {
      for (const style of ['long', 'short'] as const) {
        const format = new Intl.DateTimeFormat(locale, { month: style, timeZone: 'UTC' });
        for (let month = 1; month <= 12; month += 1) {
          const text = format.format(new Date(Date.UTC(2000, month - 1, 15))).toLowerCase().replace(/\.$/u, '');
          if (!monthNames.has(text)) monthNames.set(text, month);
        }
      }
    }
    monthNames.set('sept', 9);
  }
  return monthNames.get(name.toLowerCase().replace(/\.$/u, ''));
}

const NUMERIC_PATTERNS: readonly [RegExp, (m: RegExpExecArray) => CalendarDate | undefined][] = [
  [/^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*|Z|[+-]\d{2}:?\d{2})?$/u, (m) => make(+m[1]!, +m[2]!, +m[3]!)],
  [/^(\d{4})[/.](\d{1,2})[/.](\d{1,2})\.?$/u, (m) => make(+m[1]!, +m[2]!, +m[3]!)],
  [/^(\d{4})(\d{2})(\d{2})(?:\d{2,6}(?:[.,]\d+)?)?(?:Z|[+-]\d{2,4})?$/u, (m) => make(+m[1]!, +m[2]!, +m[3]!)],
  [/^(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})$/u, (m) => make(+m[3]!, +m[2]!, +m[1]!)],
  [/^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$/u, (m) => dayMonthOrMonthDay(+m[1]!, +m[2]!, +m[3]!)],
  [/^--(\d{2})-?(\d{2})$/u, (m) => (isValidDate(2000, +m[1]!, +m[2]!) ? { year: 0, month: +m[1]!, day: +m[2]! } : undefined)],
];

/** `a/b/yyyy` is read as day-first or month-first only when the other reading is impossible or identical. */
function dayMonthOrMonthDay(a: number, b: number, year: number): CalendarDate | undefined {
  const dayFirst = make(year, b, a);
  const monthFirst = make(year, a, b);
  if (dayFirst && monthFirst) return a === b ? dayFirst : undefined;
  return dayFirst ?? monthFirst;
}

function parseWordDate(text: string): CalendarDate | undefined {
  const cleaned = text.replace(/^(?:[A-Za-z]+,?\s+)(?=\d|[A-Za-z]+\s+\d)/u, (lead) => (monthByName(lead.replace(/[,\s]/gu, '')) ? lead : ''));
  const dayFirst = /^(\d{1,2})(?:st|nd|rd|th)?\.?\s+([\p{L}]+\.?),?\s+(\d{4})$/u.exec(cleaned);
  if (dayFirst) {
    const month = monthByName(dayFirst[2]!);
    return month ? make(+dayFirst[3]!, month, +dayFirst[1]!) : undefined;
  }
  const monthFirst = /^([\p{L}]+\.?)\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$/u.exec(cleaned);
  if (monthFirst) {
    const month = monthByName(monthFirst[1]!);
    return month ? make(+monthFirst[3]!, month, +monthFirst[2]!) : undefined;
  }
  const dashed = /^(\d{1,2})-([\p{L}]{3,})-(\d{4})$/u.exec(cleaned);
  if (dashed) {
    const month = monthByName(dashed[2]!);
    return month ? make(+dashed[3]!, month, +dashed[1]!) : undefined;
  }
  return undefined;
}

/** A calendar date written as text, in any of the accepted forms. */
export function parseDateText(text: string): CalendarDate | undefined {
  const trimmed = text.trim();
  if (trimmed.length > 64) return undefined;
  for (const [pattern, build] of NUMERIC_PATTERNS) {
    const match = pattern.exec(trimmed);
    if (match) return build(match);
  }
  return parseWordDate(trimmed.replace(/\s+/gu, ' '));
}

export function dateFromEpochSeconds(seconds: number): CalendarDate | undefined {
  const date = new Date(seconds * 1000);
  if (Number.isNaN(date.getTime())) return undefined;
  return make(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
}

/**
 * An integer timestamp by magnitude: Windows FILETIME (100 ns ticks since 1601) from 10^16, milliseconds
 * from 10^11 (seconds that large would be past the year 5000), seconds below.
 */
export function secondsFromInteger(value: bigint): number | undefined {
  const magnitude = value < 0n ? -value : value;
  if (magnitude >= 10n ** 16n) {
    if (value <= 0n || value >= FILETIME_NEVER) return undefined;
    return Number(value / 10_000_000n - FILETIME_EPOCH_OFFSET);
  }
  if (magnitude >= 10n ** 11n) return Number(value / 1000n);
  return Number(value);
}

const ISO_TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|z|UTC|[+-]\d{2}(?::?\d{2})?)?$/u;
const GENERALIZED_TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(?:(\d{2})(?:(\d{2}))?)?(?:[.,](\d+))?(Z|[+-]\d{2}(?:\d{2})?)?$/u;

function offsetMinutes(zone: string | undefined): number | undefined {
  if (zone === undefined || /^(?:z|utc)$/iu.test(zone)) return 0;
  const match = /^([+-])(\d{2}):?(\d{2})?$/u.exec(zone);
  if (!match) return undefined;
  const minutes = Number(match[2]) * 60 + Number(match[3] ?? '0');
  if (minutes > 18 * 60) return undefined;
  return match[1] === '-' ? -minutes : minutes;
}

function toSeconds(parts: (string | undefined)[], zone: string | undefined): number | undefined {
  const [year, month, day, hour, minute, second] = parts.map((p) => Number(p ?? '0'));
  if (!isValidDate(year!, month!, day!) || hour! > 23 || minute! > 59 || second! > 60) return undefined;
  const offset = offsetMinutes(zone);
  if (offset === undefined) return undefined;
  return Math.floor(utcMillis(year!, month!, day!, hour!, minute!, second!) / 1000) - offset * 60;
}

/**
 * Seconds since 1970 from the textual forms: ISO 8601, GeneralizedTime, epoch integers, RFC 2822, or a
 * written date. Bare digit strings are GeneralizedTime only at 12 or 14 digits and a date at 8, since
 * epoch seconds of those lengths would fall in 1970-73 or past the year 5000.
 */
export function parseTimestampText(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed.length > 64) return undefined;
  const iso = ISO_TIMESTAMP.exec(trimmed);
  if (iso) return toSeconds(iso.slice(1, 7), iso[8]);
  // ASP.NET's JSON dates, still sent by SharePoint and older Microsoft services: milliseconds, offset ignored.
  const microsoft = /^\/Date\((-?\d{1,16})(?:[+-]\d{4})?\)\/$/u.exec(trimmed);
  if (microsoft?.[1]) return Math.floor(Number(microsoft[1]) / 1000);
  const generalized = GENERALIZED_TIME.exec(trimmed);
  const clockDigits = trimmed.replace(/[.,]\d+/u, '').replace(/(?:Z|[+-]\d{2,4})$/u, '').length;
  if (generalized && (generalized[8] !== undefined || clockDigits === 12 || clockDigits === 14)) {
    return toSeconds(generalized.slice(1, 7), generalized[8]);
  }
  if (/^\d{8}$/u.test(trimmed)) {
    const date = parseDateText(trimmed);
    if (date) return Math.floor(utcMillis(date.year, date.month, date.day) / 1000);
  }
  if (/^-?\d+(?:\.\d+)?$/u.test(trimmed)) {
    const integer = trimmed.split('.')[0] ?? '';
    if (integer.replace('-', '').length > 20) return undefined;
    return secondsFromInteger(BigInt(integer));
  }
  if (/^(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{2}:\d{2}(?::\d{2})?\s+(?:GMT|UTC|UT|[+-]\d{4})$/u.test(trimmed)) {
    const ms = Date.parse(trimmed);
    return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
  }
  const date = parseDateText(trimmed);
  if (date === undefined || date.year === 0) return undefined;
  return Math.floor(utcMillis(date.year, date.month, date.day) / 1000);
}

/** Date.UTC reads years below 100 as 19xx; setting the full year afterwards keeps them literal. */
function utcMillis(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  const date = new Date(Date.UTC(2000, 0, 1, hour, minute, second));
  date.setUTCFullYear(year, month - 1, day);
  return date.getTime();
}
