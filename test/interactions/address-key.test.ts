import test from 'ava';
import { throttleAddress } from '../../src/interactions/address-key.ts';

test('IPv4 addresses count as themselves', (t) => {
  t.is(throttleAddress('203.0.113.9'), '203.0.113.9');
  t.is(throttleAddress('::ffff:203.0.113.9'), '203.0.113.9');
});

test('IPv6 addresses count by their /64', (t) => {
  t.is(throttleAddress('2001:db8:1:2:aaaa:bbbb:cccc:dddd'), '2001:db8:1:2::/64');
  t.is(throttleAddress('2001:db8:1:2::1'), '2001:db8:1:2::/64');
  t.is(throttleAddress('2001:0db8:0001:0002:0:0:0:ffff'), '2001:db8:1:2::/64');
  t.is(throttleAddress('2001:db8::1'), '2001:db8:0:0::/64');
  t.is(throttleAddress('::1'), '0:0:0:0::/64');
  t.is(throttleAddress('fe80::1%eth0'), 'fe80:0:0:0::/64');
});

test('anything else is left as it is', (t) => {
  t.is(throttleAddress('unknown'), 'unknown');
});
