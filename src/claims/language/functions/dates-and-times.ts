import { absent, itemText, present } from '../values.ts';
import type { Item, Outcome } from '../values.ts';
import { dateFromEpochSeconds, formatDate, parseDateText, parseTimestampText, secondsFromInteger } from './calendar.ts';
import type { ItemFunction } from './types.ts';

const INTEGER = /^-?\d{1,20}$/u;

function toDate(item: Item): Outcome {
  const text = itemText(item).trim();
  if (typeof item === 'boolean') return absent('date: a boolean is not a date');
  const written = parseDateText(text);
  if (written) return present(formatDate(written));
  if (/^\d{4}$/u.test(text)) {
    const year = Number(text);
    return year >= 1800 && year < 2200 ? present(text) : absent('date: a four-digit number that is not a plausible year');
  }
  if (INTEGER.test(text)) {
    const seconds = secondsFromInteger(BigInt(text));
    const date = seconds === undefined ? undefined : dateFromEpochSeconds(seconds);
    if (date) return present(formatDate(date));
  }
  return absent('date: not a recognised date, or an ambiguous day/month order');
}

function toEpoch(item: Item): Outcome {
  if (typeof item === 'boolean') return absent('epoch: a boolean is not a time');
  if (typeof item === 'number' && !Number.isFinite(item)) return absent('epoch: not a finite number');
  const text = typeof item === 'number' ? BigInt(Math.trunc(item)).toString() : itemText(item);
  const seconds = parseTimestampText(text);
  if (seconds === undefined || !Number.isSafeInteger(seconds)) return absent('epoch: not a recognised timestamp');
  return present(seconds);
}

export const DATE_AND_TIME_FUNCTIONS: readonly ItemFunction[] = [
  {
    name: 'date',
    family: 'dates-and-times',
    summary: 'a calendar date (ISO, YYYYMMDD, DD.MM.YYYY, unambiguous D/M/Y or M/D/Y, written months, GeneralizedTime, epoch) -> YYYY-MM-DD',
    params: [],
    result: 'text',
    shape: 'item',
    apply: toDate,
  },
  {
    name: 'epoch',
    family: 'dates-and-times',
    summary: 'a timestamp (ISO 8601, GeneralizedTime, RFC 2822, epoch s or ms, Windows FILETIME) -> seconds since 1970',
    params: [],
    result: 'integer',
    shape: 'item',
    apply: toEpoch,
  },
];
