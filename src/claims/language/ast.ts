/**
 * The typed syntax tree of a mapping program. Positions are deliberately not part of the tree, so that
 * `parse(print(x))` is structurally equal to `x` and programs can be compared with a deep equality.
 */
import type { TargetName } from './target-names.ts';

export type Literal = { readonly kind: 'string'; readonly value: string } | { readonly kind: 'int'; readonly value: number };

export type Argument = Literal | { readonly kind: 'call'; readonly call: Call };

export interface Call {
  readonly name: string;
  readonly args: readonly Argument[];
}

export type Program =
  | { readonly kind: 'drop' }
  | { readonly kind: 'map'; readonly target: TargetName; readonly pipeline: readonly Call[] };
