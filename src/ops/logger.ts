import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

// Fields that may carry credentials are censored wherever they appear, so a careless
// `log.info({ body })` can never put a password, client secret or token into the logs.
const REDACTED_PATHS = [
  'password',
  'client_secret',
  'clientSecret',
  'code_verifier',
  'refresh_token',
  'access_token',
  'id_token',
  'subject_token',
  'actor_token',
  'privateJwk',
  'secret',
  'totp',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.client_secret',
  '*.refresh_token',
  '*.access_token',
  '*.subject_token',
  '*.actor_token',
  '*.secret',
];

/** JSON lines to stdout, or to `destination` (a test's collector, say). */
export function createLogger(level: string, name = 'warden', destination?: DestinationStream): Logger {
  const options = {
    name,
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  return destination ? pino(options, destination) : pino(options);
}
