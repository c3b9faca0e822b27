import { z } from 'zod';
import { migrate } from '../../store/index.ts';
import { parseCommandArgs } from '../args.ts';
import type { Handler } from './index.ts';

export const migrateCommand: Handler = async (argv, ctx) => {
  parseCommandArgs(argv, {}, z.object({ json: z.boolean().optional() }), 'warden migrate');
  const result = await migrate(ctx.config);
  ctx.out.result(result, () =>
    result.applied.length === 0
      ? `${result.kind}: database is up to date`
      : `${result.kind}: applied ${result.applied.length} migration(s): ${result.applied.join(', ')}`,
  );
};
