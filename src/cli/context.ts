import { loadConfig, type Config } from '../config.ts';
import { openStore, type Store } from '../store/index.ts';
import { createOutput, type Output } from './output.ts';

/**
 * What every command gets: the validated configuration (same env as the server), output in the
 * requested format, and the store opened on first use (so `warden --help` needs no database).
 */
export interface CliContext {
  config: Config;
  out: Output;
  store(): Promise<Store>;
  close(): Promise<void>;
}

export function createCliContext(json: boolean): CliContext {
  const config = loadConfig(process.env);
  let opened: Promise<Store> | undefined;
  return {
    config,
    out: createOutput(json),
    store() {
      opened ??= openStore(config);
      return opened;
    },
    async close() {
      if (opened) await (await opened).close();
    },
  };
}
