import { pino, type DestinationStream, type Logger } from 'pino';
import pinoPretty from 'pino-pretty';
import { currentLogFields } from './with-log-context.ts';
import { SecretValues } from './secret-values.ts';

/** Field paths whose values never reach a log line, at the top level and one level down. */
export const REDACT_PATHS: readonly string[] = [
  'password',
  'passphrase',
  'privateKey',
  'token',
  'secret',
  'signingSecret',
  'appToken',
  'authorization',
  'cookie',
  'REDIS_URL',
  'redisUrl',
].flatMap((k) => [k, `*.${k}`]);

export interface OpsLoggerOptions {
  readonly level: string;
  /** `json` for services (journald, shippers), `pretty` for a terminal in development. */
  readonly format: 'json' | 'pretty';
  /** Fields on every line, e.g. `{ proc: 'worker' }`. */
  readonly base?: Readonly<Record<string, unknown>>;
  /** Where lines go; stderr by default (stdout is for the CLI's own messages). */
  readonly destination?: DestinationStream;
}

const SECRETS = Symbol('opsgate.secretValues');

/**
 * The process logger: pino, JSON by default, secrets redacted by field path and by value (see `addLogSecrets`),
 * and the fields of the job running now (see `withLogContext`) on every line.
 */
export function createOpsLogger(opts: OpsLoggerOptions): Logger {
  const secrets = new SecretValues();
  const destination =
    opts.destination ??
    (opts.format === 'pretty'
      ? pinoPretty({ destination: 2, colorize: process.stderr.isTTY, sync: true })
      : pino.destination(2));
  const log = pino(
    {
      level: opts.level,
      base: { pid: process.pid, ...opts.base },
      redact: { paths: [...REDACT_PATHS], censor: '***' },
      mixin: () => ({ ...currentLogFields() }),
      hooks: {
        logMethod(args, method) {
          if (secrets.size === 0) return method.apply(this, args);
          return method.apply(this, args.map((a) => secrets.scrub(a)) as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
  Object.defineProperty(log, SECRETS, { value: secrets });
  return log;
}

/**
 * Tells a logger made by `createOpsLogger` (or a child of it) the secret values to scrub from its lines from now
 * on; a no-op for any other logger.
 */
export function addLogSecrets(log: object, values: Iterable<string>): void {
  const secrets = (log as { [SECRETS]?: SecretValues })[SECRETS];
  secrets?.add(values);
}
