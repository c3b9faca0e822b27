// The feature definition shared with the Python simulator and trainer (models/risk/features.json):
// one list, one order, so the runtime feeds the model exactly what it was trained on.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const featureSchema = z.object({
  name: z.string(),
  group: z.enum(['kind', 'history', 'velocity', 'geo', 'refresh', 'exchange']),
  transform: z.enum(['raw', 'log1p']),
  baseline: z.number().nullable(),
  description: z.string(),
  reason: z.string().optional(),
});

const specSchema = z.object({
  version: z.number(),
  kinds: z.array(z.string()),
  loginKinds: z.array(z.string()),
  windows: z.object({ historyDays: z.number(), historyTake: z.number(), addressTake: z.number() }),
  features: z.array(featureSchema),
});

export type FeatureDef = z.infer<typeof featureSchema>;

export const spec = specSchema.parse(
  JSON.parse(readFileSync(new URL('../../models/risk/features.json', import.meta.url), 'utf8')),
);

export const featureNames: readonly string[] = spec.features.map((f) => f.name);
export const featureIndex: ReadonlyMap<string, number> = new Map(featureNames.map((n, i) => [n, i]));

/** Feature values by name; every name of the spec is present once computed. */
export type FeatureValues = Record<string, number>;

export function toVector(values: FeatureValues): Float32Array {
  const v = new Float32Array(featureNames.length);
  featureNames.forEach((n, i) => {
    v[i] = values[n] ?? 0;
  });
  return v;
}
