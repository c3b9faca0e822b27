import type { Item, Outcome, Value } from '../values.ts';

/**
 * What a parameter accepts. `region` is an ISO 3166 alpha-2 code known to libphonenumber; `call` is a
 * function applied to each element (only `each` has one).
 */
export type ParamKind = 'string' | 'int' | 'region' | 'attribute_type' | 'call';

export interface ParamSpec {
  readonly name: string;
  readonly kind: ParamKind;
  readonly optional?: boolean;
  /** Values a model may emit. An admin may write any literal of the kind when `free` is true. */
  readonly literals?: readonly (string | number)[];
  readonly free: boolean;
  readonly min?: number;
  readonly max?: number;
}

/** What a function yields, so a decoder can tell which pipelines can satisfy which targets. */
export type ResultKind = 'text' | 'boolean' | 'integer' | 'list' | 'address' | 'same';

export type ItemRunner = (item: Item) => Outcome;
export type ArgValue = string | number | ItemRunner;

interface BaseSpec {
  readonly name: string;
  readonly family: string;
  readonly summary: string;
  readonly params: readonly ParamSpec[];
  readonly result: ResultKind;
}

/** Works on one element: given a list it sees the first element, and `each` can map it over a list. */
export interface ItemFunction extends BaseSpec {
  readonly shape: 'item';
  apply(item: Item, args: readonly ArgValue[]): Outcome;
}

/** Works on the whole value (a list or a single item). Never allowed inside `each`. */
export interface ListFunction extends BaseSpec {
  readonly shape: 'list';
  apply(value: Value, args: readonly ArgValue[]): Outcome;
}

export type FunctionSpec = ItemFunction | ListFunction;

export function stringArg(args: readonly ArgValue[], index: number): string {
  const arg = args[index];
  return typeof arg === 'string' ? arg : '';
}

export function intArg(args: readonly ArgValue[], index: number): number {
  const arg = args[index];
  return typeof arg === 'number' ? arg : 0;
}
