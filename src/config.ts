import { z } from 'zod';

/**
 * The process configuration, read once from the environment. The only module that reads `process.env`;
 * everything else receives the values it needs through its `deps`.
 */
export const ConfigSchema = z
  .object({
    OPSGATE_SITES: z.string().min(1).default('sites'),
    OPSGATE_STATE_DIR: z.string().min(1).default('.opsgate'),
    REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
    /** Prefix of every opsgate key in Redis, so that several deployments (or tests) can share one server. */
    OPSGATE_REDIS_PREFIX: z.string().min(1).default('opsgate:'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Rebinds chat commands to runbooks, as `upgrade redis=lab-move-dir, precheck=…` (see src/app/command-runbooks.ts). */
    OPSGATE_COMMAND_RUNBOOKS: z.string().optional(),
    /** Both set: `opsgate start` runs the Slack app; otherwise the console chat. */
    SLACK_BOT_TOKEN: z.string().min(1).optional(),
    SLACK_SIGNING_SECRET: z.string().min(1).optional(),
    /** App-level token (`xapp-…`, scope `connections:write`): when set, the Slack app uses Socket Mode. */
    SLACK_APP_TOKEN: z.string().min(1).optional(),
    /** Points Slack's Web API client elsewhere (a proxy, or a fake in tests); default https://slack.com/api/. */
    SLACK_API_URL: z.string().url().optional(),
    /** Port of the Slack HTTP receiver (HTTP mode). */
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  })
  .loose();

export type Config = z.infer<typeof ConfigSchema>;

/** Raw environment, injectable for tests. */
export type Env = Readonly<Record<string, string | undefined>>;

export function readEnv(env: Env = process.env): Env {
  return env;
}
