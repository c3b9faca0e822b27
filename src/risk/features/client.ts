// Where a client's traffic usually comes from: did a trusted event of this client (from every account,
// of every kind) come from this network prefix in the history window? A backend that exchanges tokens
// calls from its own servers; a stolen client secret or token used elsewhere shows up here.
// The lookup is one branch of features/combined.ts (the (ipPrefix, at) index).
import type { FeatureValues } from '../spec.ts';

export function clientFeatures(seen: boolean | null): FeatureValues {
  return { client_prefix_new: seen === false ? 1 : 0 };
}
