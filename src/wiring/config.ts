import { z } from 'zod';
import { err, ok, type Result } from '../core/result.ts';
import type { RedisConnectionConfig } from '../adapters/redis/redis-options-of.ts';
import type { Env } from '../core/sites/secret-ref.ts';

/**
 * The process configuration, read once from the environment. The only module that reads `process.env`;
 * everything else receives the values it needs through its `deps`. `parseConfig` validates every variable at
 * once and lists every problem, so that an operator fixes a bad environment file in one go.
 */

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** `host:port` of one Redis Sentinel. */
const SENTINEL = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

const port = (what: string) =>
  z.coerce
    .number({ message: `${what} must be a port number` })
    .int(`${what} must be a whole number`)
    .min(0, `${what} must be between 0 and 65535`)
    .max(65535, `${what} must be between 0 and 65535`);

const redisUrl = z
  .string()
  .url('REDIS_URL must be a URL like redis://[:password@]host:6379[/db] or rediss://… (TLS)')
  .refine((u) => /^rediss?:\/\//.test(u), 'REDIS_URL must start with redis:// or rediss:// (TLS)');

export const ConfigSchema = z
  .object({
    OPSGATE_SITES: z.string().min(1).default('sites'),
    OPSGATE_STATE_DIR: z.string().min(1).default('.opsgate'),
    /** Unset: `opsgate start` and `opsgate run` use an embedded Redis; workers need a shared server. */
    REDIS_URL: redisUrl.default('redis://127.0.0.1:6379'),
    /** Redis Sentinel for high availability: `host:port,host:port…`; the master is `REDIS_SENTINEL_NAME`. */
    REDIS_SENTINELS: z.string().optional(),
    REDIS_SENTINEL_NAME: z.string().min(1).optional(),
    /** Password of the sentinels themselves (the master's password comes from REDIS_URL). */
    REDIS_SENTINEL_PASSWORD: z.string().min(1).optional(),
    /**
     * PEM file of the CA that signed the Redis (and sentinels') TLS certificates, for `rediss://` with a private CA.
     */
    REDIS_TLS_CA_FILE: z.string().min(1).optional(),
    /** Prefix of every opsgate key in Redis, so that several deployments (or tests) can share one server. */
    OPSGATE_REDIS_PREFIX: z.string().min(1).default('opsgate:'),
    LOG_LEVEL: z.enum(LOG_LEVELS, { message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
    /** `json` (one object per line, for journald and log shippers) or `pretty` (a terminal in development). */
    LOG_FORMAT: z.enum(['json', 'pretty'], { message: 'LOG_FORMAT must be json or pretty' }).default('json'),
    /** Port of `/healthz` and `/metrics`; unset: no ops server. 0 picks a free port (printed at start). */
    METRICS_PORT: port('METRICS_PORT').optional(),
    /** Address the ops server listens on. */
    METRICS_HOST: z.string().min(1).default('127.0.0.1'),
    /** How often a worker publishes its heartbeat; it counts as gone after three missed beats. */
    OPSGATE_HEARTBEAT_MS: z.coerce
      .number({ message: 'OPSGATE_HEARTBEAT_MS must be a number' })
      .int()
      .min(100, 'OPSGATE_HEARTBEAT_MS must be at least 100')
      .default(5000),
    /** At worker start, spool files (long step outputs) older than this many days are deleted. */
    OPSGATE_SPOOL_RETENTION_DAYS: z.coerce
      .number({ message: 'OPSGATE_SPOOL_RETENTION_DAYS must be a number' })
      .positive('OPSGATE_SPOOL_RETENTION_DAYS must be more than 0')
      .default(7),
    /** On SIGTERM, how long a running step may take to finish before it is recorded as interrupted. */
    OPSGATE_SHUTDOWN_GRACE_MS: z.coerce
      .number({ message: 'OPSGATE_SHUTDOWN_GRACE_MS must be a number' })
      .int()
      .min(0)
      .default(25_000),
    /**
     * Rebinds chat commands to runbooks, as `upgrade redis=lab-move-dir, precheck=…` (see
     * src/core/engine/command-runbooks.ts).
     */
    OPSGATE_COMMAND_RUNBOOKS: z.string().optional(),
    /** Both set: `opsgate start` runs the Slack app; otherwise the console chat. */
    SLACK_BOT_TOKEN: z.string().startsWith('xoxb-', 'SLACK_BOT_TOKEN must be a bot token (xoxb-…)').optional(),
    SLACK_SIGNING_SECRET: z.string().min(1).optional(),
    /** App-level token (`xapp-…`, scope `connections:write`): when set, the Slack app uses Socket Mode. */
    SLACK_APP_TOKEN: z.string().startsWith('xapp-', 'SLACK_APP_TOKEN must be an app-level token (xapp-…)').optional(),
    /** Points Slack's Web API client elsewhere (a proxy, or a fake in tests); default https://slack.com/api/. */
    SLACK_API_URL: z.string().url('SLACK_API_URL must be a URL').optional(),
    /** Port of the Slack HTTP receiver (HTTP mode). */
    PORT: port('PORT').default(3000),
  })
  .loose();

/** The checks between variables (zod's `pick`, used by some commands, refuses a refined object). */
function crossProblems(c: Env): ConfigProblem[] {
  const found: ConfigProblem[] = [];
  const problem = (variable: string, message: string) => found.push({ variable, message });
  if ((c.SLACK_BOT_TOKEN === undefined) !== (c.SLACK_SIGNING_SECRET === undefined)) {
    problem(
      c.SLACK_BOT_TOKEN === undefined ? 'SLACK_BOT_TOKEN' : 'SLACK_SIGNING_SECRET',
      'SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET go together: set both for Slack, neither for the console',
    );
  }
  if (c.SLACK_APP_TOKEN !== undefined && c.SLACK_BOT_TOKEN === undefined)
    problem('SLACK_APP_TOKEN', 'SLACK_APP_TOKEN (Socket Mode) needs SLACK_BOT_TOKEN too');
  if (c.REDIS_SENTINELS !== undefined) {
    const bad = sentinelList(c.REDIS_SENTINELS).filter((s) => !SENTINEL.test(s));
    if (bad.length > 0 || sentinelList(c.REDIS_SENTINELS).length === 0)
      problem('REDIS_SENTINELS', `REDIS_SENTINELS must be host:port,host:port…; bad: ${bad.join(', ') || '(empty)'}`);
    if (c.REDIS_SENTINEL_NAME === undefined)
      problem(
        'REDIS_SENTINEL_NAME',
        'REDIS_SENTINELS needs REDIS_SENTINEL_NAME (the monitored master name, e.g. mymaster)',
      );
  } else if (c.REDIS_SENTINEL_NAME !== undefined)
    problem('REDIS_SENTINELS', 'REDIS_SENTINEL_NAME is set but REDIS_SENTINELS (host:port,…) is not');
  if (c.REDIS_TLS_CA_FILE !== undefined && !/^rediss:\/\//.test(c.REDIS_URL ?? ''))
    problem('REDIS_TLS_CA_FILE', 'REDIS_TLS_CA_FILE is set but REDIS_URL is not rediss:// (TLS)');
  return found;
}

export type Config = z.infer<typeof ConfigSchema>;

export function readEnv(env: Env = process.env): Env {
  return env;
}

/** One problem of the configuration: the variable and what is wrong with it (never its value). */
export interface ConfigProblem {
  readonly variable: string;
  readonly message: string;
}

/**
 * Parses the environment; every problem at once (each variable's, then those between variables), each naming its
 * variable.
 */
export function parseConfig(env: Env = readEnv()): Result<Config, readonly ConfigProblem[]> {
  const parsed = ConfigSchema.safeParse(env);
  const fields = parsed.success
    ? []
    : parsed.error.issues.map((i) => ({ variable: i.path.join('.') || '(environment)', message: i.message }));
  const problems = [...fields, ...crossProblems(env)];
  return parsed.success && problems.length === 0 ? ok(parsed.data) : err(problems);
}

/** `bad configuration (2 problems):` then one indented line per problem, for stderr. */
export function formatConfigProblems(problems: readonly ConfigProblem[]): string {
  const lines = problems.map((p) => `  ${p.variable}: ${p.message}`);
  return `bad configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${lines.join('\n')}`;
}

/** The sentinels of `REDIS_SENTINELS` as `{ host, port }`. */
/** The settings that say where Redis is. */
export type RedisSettings =
  'REDIS_URL' | 'REDIS_SENTINELS' | 'REDIS_SENTINEL_NAME' | 'REDIS_SENTINEL_PASSWORD' | 'REDIS_TLS_CA_FILE';

/** The Redis adapter's options out of the configuration. */
export function redisConfigOf(config: Pick<Config, RedisSettings>): RedisConnectionConfig {
  return {
    url: config.REDIS_URL,
    sentinels: sentinelsOf(config),
    sentinelName: config.REDIS_SENTINEL_NAME,
    sentinelPassword: config.REDIS_SENTINEL_PASSWORD,
    tlsCaFile: config.REDIS_TLS_CA_FILE,
  };
}

export function sentinelsOf(config: Pick<Config, 'REDIS_SENTINELS'>): { host: string; port: number }[] {
  return sentinelList(config.REDIS_SENTINELS ?? '').flatMap((s) => {
    const m = SENTINEL.exec(s);
    return m?.[1] === undefined || m[2] === undefined
      ? []
      : [{ host: m[1].replace(/^\[|\]$/g, ''), port: Number(m[2]) }];
  });
}

function sentinelList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
