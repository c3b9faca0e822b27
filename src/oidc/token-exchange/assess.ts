import type { AssessExchange, ExchangeAssessmentContext } from './types.ts';
import { invalidGrant } from './errors.ts';

/**
 * Step 8: the risk engine's seam. Without an assessor every exchange that passed the checks is
 * allowed; `deny` and `step_up` both refuse (a token endpoint cannot ask for interaction), with the
 * engine's reasons in the description.
 */
export async function assessOrAllow(assess: AssessExchange | undefined, context: ExchangeAssessmentContext): Promise<void> {
  if (!assess) return;
  const { decision, reasons } = await assess(context);
  if (decision === 'allow') return;
  const why = reasons.length > 0 ? `: ${reasons.join(', ')}` : '';
  throw invalidGrant(
    decision === 'step_up' ? `token exchange requires step-up authentication${why}` : `token exchange denied by policy${why}`,
  );
}
