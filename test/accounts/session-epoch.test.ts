import test from 'ava';
import { isSessionCurrent, loginTimestamp, nextSessionEpoch, toUnixSeconds } from '../../src/accounts/session-epoch.ts';

test('a bump invalidates sessions that signed in before it, even in the same second', (t) => {
  const now = new Date('2026-05-01T12:00:00.400Z');
  const loggedInAt = Math.floor(now.getTime() / 1000);
  t.true(isSessionCurrent(loggedInAt, 0));
  const epoch = nextSessionEpoch(0, now);
  t.false(isSessionCurrent(loggedInAt, epoch));
});

test('a login right after a bump yields a current session', (t) => {
  const now = new Date('2026-05-01T12:00:00.400Z');
  const epoch = nextSessionEpoch(0, now);
  const ts = loginTimestamp(epoch, now);
  t.true(isSessionCurrent(ts, epoch));
  t.true(ts - Math.floor(now.getTime() / 1000) <= 1);
});

test('the epoch only grows, and fits a 32-bit column for decades', (t) => {
  const now = new Date('2090-01-01T00:00:00Z');
  const epoch = nextSessionEpoch(0, now);
  t.true(epoch < 2 ** 31);
  t.true(nextSessionEpoch(epoch, new Date('2030-01-01T00:00:00Z')) > epoch);
  t.is(toUnixSeconds(0), Date.UTC(2025, 0, 1) / 1000);
});

test('a session without a login time is never current', (t) => {
  t.false(isSessionCurrent(undefined, 0));
});
