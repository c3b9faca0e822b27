import { ADDRESS_FUNCTIONS } from './address.ts';
import { BOOLEAN_AND_NUMBER_FUNCTIONS } from './booleans-and-numbers.ts';
import { CONTACT_FUNCTIONS } from './contact.ts';
import { COUNTRY_FUNCTIONS } from './country.ts';
import { DATE_AND_TIME_FUNCTIONS } from './dates-and-times.ts';
import { LDAP_DN_FUNCTIONS } from './ldap-dn.ts';
import { LOCALE_AND_ZONE_FUNCTIONS } from './locale-and-zone.ts';
import { MULTI_VALUED_FUNCTIONS } from './multi-valued.ts';
import { NAME_FUNCTIONS } from './names.ts';
import { PHONE_FUNCTIONS } from './phone.ts';
import { TEXT_FUNCTIONS } from './text.ts';
import type { FunctionSpec } from './types.ts';

/** Every function of the language, in the order the grammar description lists them. */
export const FUNCTION_SPECS: readonly FunctionSpec[] = [
  ...TEXT_FUNCTIONS,
  ...MULTI_VALUED_FUNCTIONS,
  ...LDAP_DN_FUNCTIONS,
  ...CONTACT_FUNCTIONS,
  ...PHONE_FUNCTIONS,
  ...DATE_AND_TIME_FUNCTIONS,
  ...BOOLEAN_AND_NUMBER_FUNCTIONS,
  ...LOCALE_AND_ZONE_FUNCTIONS,
  ...COUNTRY_FUNCTIONS,
  ...NAME_FUNCTIONS,
  ...ADDRESS_FUNCTIONS,
];

export const FUNCTIONS_BY_NAME: ReadonlyMap<string, FunctionSpec> = new Map(FUNCTION_SPECS.map((spec) => [spec.name, spec]));

export type { ArgValue, FunctionSpec, ItemFunction, ListFunction, ParamKind, ParamSpec, ResultKind } from './types.ts';
