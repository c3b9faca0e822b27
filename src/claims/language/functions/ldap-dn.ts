import { absent, itemText, present } from '../values.ts';
import { canonicalAttributeType, parseDistinguishedName } from './dn.ts';
import { stringArg, type ItemFunction } from './types.ts';

function findAttribute(text: string, type: string, name: string) {
  const rdns = parseDistinguishedName(text);
  if (rdns === undefined) return absent(`${name}: the value is not an LDAP distinguished name`);
  const wanted = canonicalAttributeType(type);
  for (const rdn of rdns) {
    for (const ava of rdn) {
      if (canonicalAttributeType(ava.type) === wanted) {
        return ava.value.trim() === '' ? absent(`${name}: the ${type} value is empty`) : present(ava.value);
      }
    }
  }
  return absent(`${name}: the distinguished name has no ${type.toUpperCase()} component`);
}

export const LDAP_DN_FUNCTIONS: readonly ItemFunction[] = [
  {
    name: 'dn_cn',
    family: 'ldap-dn',
    summary: 'common name (first CN= RDN) of an LDAP distinguished name, RFC 4514 escapes decoded',
    params: [],
    result: 'text',
    shape: 'item',
    apply: (item) => findAttribute(itemText(item), 'cn', 'dn_cn'),
  },
  {
    name: 'dn_rdn',
    family: 'ldap-dn',
    summary: 'value of the first RDN whatever its type (OU=Sales,DC=x -> Sales)',
    params: [],
    result: 'text',
    shape: 'item',
    apply: (item) => {
      const rdns = parseDistinguishedName(itemText(item));
      const value = rdns?.[0]?.[0]?.value;
      if (value === undefined) return absent('dn_rdn: the value is not an LDAP distinguished name');
      return value.trim() === '' ? absent('dn_rdn: the first RDN is empty') : present(value);
    },
  },
  {
    name: 'dn_attr',
    family: 'ldap-dn',
    summary: 'value of the first RDN of the given attribute type (dn_attr("OU"))',
    params: [{ name: 'type', kind: 'attribute_type', literals: ['CN', 'OU', 'O', 'DC', 'UID', 'L', 'ST', 'C'], free: true }],
    result: 'text',
    shape: 'item',
    apply: (item, args) => findAttribute(itemText(item), stringArg(args, 0), 'dn_attr'),
  },
];
