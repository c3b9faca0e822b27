import test from 'ava';
import { newRiskEventId } from '../../src/risk/event-id.ts';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const millisOf = (id: string) => parseInt(id.replace(/-/g, '').slice(0, 12), 16);

test('ids are RFC 9562 version 7 UUIDs carrying the event time in milliseconds', (t) => {
  const at = Date.UTC(2026, 11, 2, 19, 30, 0, 123);
  const id = newRiskEventId(at);
  t.regex(id, UUID_V7);
  t.is(millisOf(id), at);
  t.is(millisOf(newRiskEventId(0)), 0);
  t.regex(newRiskEventId(2 ** 48 - 1), /^ffffffff-ffff-7/);
});

test('ids sort by time across milliseconds and stay distinct within one', (t) => {
  const start = Date.UTC(2026, 0, 1);
  const ids = Array.from({ length: 2000 }, (_, i) => newRiskEventId(start + i));
  t.deepEqual([...ids].sort(), ids);
  const sameMillisecond = new Set(Array.from({ length: 20_000 }, () => newRiskEventId(start)));
  t.is(sameMillisecond.size, 20_000);
});

test('a time a UUIDv7 cannot hold is refused, not wrapped', (t) => {
  for (const at of [-1, 2 ** 48, 1.5, Number.NaN]) t.throws(() => newRiskEventId(at), { instanceOf: RangeError });
});
