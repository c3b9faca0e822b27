import test from 'ava';
import { addressOf, clientAddress } from '../../src/ops/client-address.ts';

test('an address is kept without the port, brackets or IPv4-mapped form a proxy or socket gives it', (t) => {
  t.is(addressOf('192.0.2.1'), '192.0.2.1');
  t.is(addressOf(' 192.0.2.1 '), '192.0.2.1');
  t.is(addressOf('192.0.2.1:51234'), '192.0.2.1');
  t.is(addressOf('2001:DB8::1'), '2001:db8::1');
  t.is(addressOf('[2001:db8::1]'), '2001:db8::1');
  t.is(addressOf('[2001:db8::1]:443'), '2001:db8::1');
  t.is(addressOf('::ffff:192.0.2.1'), '192.0.2.1');
  t.is(clientAddress({ ip: '::ffff:127.0.0.1' }), '127.0.0.1');
});

test('anything that is not an address is none', (t) => {
  for (const value of ['', 'unknown', 'not-an-address', '192.0.2', '192.0.2.1:', '192.0.2.1:99999999', '[192.0.2.1', 'x'.repeat(3000), '192.0.2.1, 198.51.100.2']) {
    t.is(addressOf(value), null, value.slice(0, 40));
  }
});
