import { loadConfig, ConfigError } from './config.ts';
import { openStore } from './store/index.ts';
import { createLogger } from './ops/logger.ts';
import { createMetrics } from './ops/metrics.ts';
import { wardenMetrics } from './ops/warden-metrics.ts';
import { createWarden } from './warden.ts';

/** How long in-flight requests get to finish after SIGTERM before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  const store = await openStore(config);
  const metrics = createMetrics();
  const warden = await createWarden({
    config,
    store,
    logger,
    // Risk scoring in the login, refresh and token-exchange paths, as WARDEN_RISK_MODE says.
    risk: true,
    metrics: wardenMetrics(metrics),
  });
  const server = await warden.listen(config.port);
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  // Never the secret key or database credentials: only where Warden runs and on what.
  logger.info({ issuer: config.issuer, port, store: store.kind }, 'warden listening');

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.warn('requests still running after the grace period; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    warden
      .close()
      .then(() => store.close())
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  // Configuration errors are for humans; anything else is logged as JSON without the environment.
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    createLogger('error').fatal({ err: error }, 'warden failed to start');
  }
  process.exit(1);
});
