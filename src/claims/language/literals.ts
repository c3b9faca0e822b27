import { canonicalAttributeType } from './functions/dn.ts';
import { isPhoneRegion } from './functions/phone.ts';
import type { ParamSpec } from './functions/types.ts';
import { didYouMean } from './suggest.ts';

const MAX_STRING_LITERAL = 256;
const ATTRIBUTE_TYPE = /^(?:[A-Za-z][A-Za-z0-9-]*|(?:OID\.)?[0-9]+(?:\.[0-9]+)*)$/u;

/** Why a literal is not acceptable for a parameter, or undefined when it is. */
export function checkLiteral(param: ParamSpec, value: string | number): string | undefined {
  if (param.kind === 'int') {
    if (typeof value !== 'number') return `${param.name} must be an integer`;
    if (param.min !== undefined && value < param.min) return `${param.name} must be at least ${param.min}`;
    if (param.max !== undefined && value > param.max) return `${param.name} must be at most ${param.max}`;
    return undefined;
  }
  if (typeof value !== 'string') return `${param.name} must be a string`;
  if (value.length > MAX_STRING_LITERAL) return `${param.name} is longer than ${MAX_STRING_LITERAL} characters`;
  if (param.kind === 'region' && !isPhoneRegion(value)) {
    const regions = (param.literals ?? []).map(String);
    return `unknown region "${value}": expected an ISO 3166 alpha-2 code such as "US"${didYouMean(value, regions)}`;
  }
  if (param.kind === 'attribute_type' && (!ATTRIBUTE_TYPE.test(value) || canonicalAttributeType(value) === '')) {
    return `"${value}" is not an LDAP attribute type`;
  }
  if (!param.free && param.literals && !param.literals.includes(value)) return `"${value}" is not an allowed ${param.name}`;
  return undefined;
}
