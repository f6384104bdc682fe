import { z } from 'zod';
import { RequirementSchema } from './requirement-schema.ts';

/**
 * Steps and plans as data. A plan is plain JSON (stored in Redis, hashed, approved): everything a step does is
 * spelled out here as exact commands per host, typed probes and references to registered evaluators, never as
 * functions.
 */

/** Step ids appear in job ids, Redis keys and chat buttons: keep them simple. */
export const StepIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'a step id is lower-case letters, digits and dashes');

const HostNameSchema = z.string().min(1);

/** Typed probes, compiled to exact commands by `compileProbe`; `hosts` defaults to the step's target hosts. */
export const ProbeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('path-exists'), path: z.string().min(1), hosts: z.array(HostNameSchema).optional() }),
  z.object({ kind: z.literal('path-absent'), path: z.string().min(1), hosts: z.array(HostNameSchema).optional() }),
  z.object({
    kind: z.literal('free-disk'),
    path: z.string().min(1),
    minBytes: z.number().int().nonnegative(),
    hosts: z.array(HostNameSchema).optional(),
  }),
  /**
   * Whether a service runs, decided by the software, never by an init script's exit code: running is a process
   * whose command line contains `process`, listening on `port` (when given) and giving `answer` (when given);
   * stopped is no such process and the port closed.
   */
  z.object({
    kind: z.literal('service'),
    name: z.string().regex(/^[A-Za-z0-9_.@-]+$/, 'a service name is letters, digits and _.@-'),
    state: z.enum(['running', 'stopped']),
    /** Text the process's command line contains: its executable's path, a config path or a Java main class. */
    process: z
      .string()
      .min(2)
      .regex(/^[^\n\0]+$/, 'a process text is one line'),
    port: z.number().int().min(1).max(65535).optional(),
    /** A protocol answer when running: the command's output must match `pattern` (e.g. PING → ^PONG$). */
    answer: z.object({ command: z.string().min(1), pattern: z.string().min(1) }).optional(),
    hosts: z.array(HostNameSchema).optional(),
  }),
  z.object({
    kind: z.literal('output-matches'),
    /** An exact command built by the runbook (values quoted with `shellQuote`), never text from chat. */
    command: z.string().min(1),
    /** A regular expression (source) the command's stdout must match. */
    pattern: z.string().min(1),
    hosts: z.array(HostNameSchema).optional(),
  }),
  z.object({ kind: z.literal('sql-matches'), sql: z.string().min(1), pattern: z.string().min(1) }),
]);
export type Probe = z.infer<typeof ProbeSchema>;

/** Hosts resolved at plan time (from names or a site group), with how a command spreads over them. */
export const HostTargetsSchema = z.object({
  kind: z.literal('hosts'),
  hosts: z.array(HostNameSchema).min(1),
  /** The site group the hosts came from, shown in the dry run. */
  group: z.string().optional(),
  /** At most this many hosts at once. */
  concurrency: z.number().int().positive().optional(),
  /** One host at a time in the order given, stopping at the first failure. */
  oneAtATime: z.boolean().optional(),
});
/** A named SQL endpoint of the site (e.g. OceanBase's sys tenant). */
export const SqlTargetSchema = z.object({ kind: z.literal('sql'), target: z.string().min(1) });
export const TargetsSchema = z.discriminatedUnion('kind', [HostTargetsSchema, SqlTargetSchema]);
export type Targets = z.infer<typeof TargetsSchema>;

/**
 * The name of a secret a command reads on its stdin: a path to a secret reference of the site file, with
 * list entries picked by their `name` or index (`middleware.redis[business-redis].password`, `ssh.password`).
 * The plan holds only this name; the worker resolves it when the step runs.
 */
export const SecretNameSchema = z
  .string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*|\[[^\][\s]+\])*$/,
    'a secret name is a path like middleware.redis[business-redis].password',
  );

/**
 * What the worker writes to a command's stdin: the value of each named secret followed by a newline, in order
 * (read them with `IFS= read -r VAR`), then end of input. The values never appear in the plan, the run record,
 * the audit trail, chat or logs, and the session redacts them from the command's output.
 */
export const StdinSchema = z.strictObject({ secrets: z.array(SecretNameSchema).min(1) });
export type StdinSpec = z.infer<typeof StdinSchema>;

/** The exact command for one host. */
export const HostCommandSchema = z.object({
  host: HostNameSchema,
  command: z.string().min(1),
  timeoutMs: z.number().int().positive().optional(),
  /** Secrets written to the command's stdin at run time (by name; never the values). */
  stdin: StdinSchema.optional(),
});
export type HostCommand = z.infer<typeof HostCommandSchema>;

/** A gate declaration: the engine stops before the step until a second person approves. */
export const GateDeclSchema = z.object({ prompt: z.string().min(1) });

const common = {
  id: StepIdSchema,
  title: z.string().min(1),
  targets: TargetsSchema,
  /** One entry per target host, in target order (host targets). */
  commands: z.array(HostCommandSchema).default([]),
  /** Statements run in order (SQL targets). */
  sql: z.array(z.string().min(1)).default([]),
  preconditions: z.array(ProbeSchema).default([]),
  verify: z.array(ProbeSchema).default([]),
  destructive: z.boolean().default(false),
  gate: GateDeclSchema.optional(),
  /**
   * A step program registered by the runbook (`<runbook>.<name>`), run instead of `commands`/`sql` for work
   * that is not one fixed statement list: waits that poll with progress, checks whose queries depend on what
   * earlier queries returned. Never on a destructive step, so a gate always shows exact commands.
   */
  program: z.object({ id: z.string().min(1), args: z.record(z.string(), z.unknown()).default({}) }).optional(),
};

const manualFields = {
  /** What the person has to do, shown with `parameters`. */
  instructions: z.string().min(1),
  parameters: z.record(z.string(), z.string()).default({}),
  /** Commands standing in for the person where the site scripts the manual tool (the lab's ADM stand-in). */
  standIn: z.array(HostCommandSchema).optional(),
};

/**
 * A rollback step: an action, or a manual step (e.g. uninstalling through ADM's web UI), whose own rollback is
 * not asked for (it is the compensation).
 */
export const RollbackStepSchema = z.discriminatedUnion('kind', [
  z.object({ ...common, kind: z.literal('action') }),
  z.object({ ...common, ...manualFields, kind: z.literal('manual') }),
]);
export type RollbackStep = z.infer<typeof RollbackStepSchema>;

const rollbackDecision = {
  rollback: z.object({ steps: z.array(RollbackStepSchema).min(1) }).optional(),
  irreversible: z.object({ reason: z.string().min(1) }).optional(),
};

const { gate: _gate, destructive: _destructive, program: _program, ...cleanupCommon } = common;
const notInCleanup = (why: string) => z.undefined({ error: why }).optional();

/**
 * A cleanup step: run when the run is aborted after its owning step started something in the background that
 * is not part of the change (a probe, a temp file). Runs unattended, so it is an action with exact commands,
 * never destructive, never gated, never undone; it must be idempotent (it is run again when a worker died
 * inside it). Strict: a field it may not have is refused, not dropped.
 */
export const CleanupStepSchema = z.strictObject({
  ...cleanupCommon,
  kind: z.literal('action', { error: 'a cleanup step is an action (kind: action)' }),
  destructive: z.literal(false, { error: 'a cleanup step may not be destructive' }).default(false),
  gate: notInCleanup('a cleanup step runs without a gate (it runs unattended when the run is aborted)'),
  program: notInCleanup('a cleanup step runs exact commands or SQL, not a program'),
  rollback: notInCleanup('a cleanup step is not rolled back'),
  irreversible: notInCleanup('a cleanup step is not rolled back, so it needs no irreversible reason'),
});
export type CleanupStep = z.infer<typeof CleanupStepSchema>;

/**
 * What to run if the run is aborted after this step started (succeeded, marked done, interrupted, or failed
 * past its preconditions): `steps` in order. `endedBy` names later forward steps that end the same thing (the
 * probe's own stop step): once one of them succeeded or was marked done, the cleanup is moot.
 */
export const CleanupSchema = z.strictObject({
  steps: z.array(CleanupStepSchema).min(1),
  endedBy: z.array(StepIdSchema).default([]),
});

export const CheckStepSchema = z.object({
  ...common,
  kind: z.literal('check'),
  /** Id of an evaluator registered by a runbook; without one, exit 0 on every host passes. */
  evaluator: z.string().min(1).optional(),
  /** JSON arguments given to the evaluator. */
  evaluatorArgs: z.record(z.string(), z.unknown()).optional(),
  /**
   * Report-only: its findings (pass/fail/warn/manual) are the result and a `fail` finding does not stop the run
   * (a precheck lists every item). A command that cannot run still fails the step.
   */
  advisory: z.boolean().optional(),
});

export const ActionStepSchema = z.object({
  ...common,
  ...rollbackDecision,
  kind: z.literal('action'),
  /** Steps that end what this step started in the background, run if the run is aborted (see `CleanupSchema`). */
  cleanup: CleanupSchema.optional(),
});

export const ManualStepSchema = z.object({
  ...common,
  ...rollbackDecision,
  ...manualFields,
  kind: z.literal('manual'),
});

export const StepSchema = z.discriminatedUnion('kind', [CheckStepSchema, ActionStepSchema, ManualStepSchema]);
export type Step = z.infer<typeof StepSchema>;
/**
 * A step as a runbook writes it, before defaults are applied: the element type of `PlanInput['steps']`. Runbooks
 * build their steps as this type.
 */
export type StepInput = z.input<typeof StepSchema>;
export type CheckStep = z.infer<typeof CheckStepSchema>;
export type ActionStep = z.infer<typeof ActionStepSchema>;
export type ManualStep = z.infer<typeof ManualStepSchema>;
/** Anything the engine can execute: a plan step, a rollback step or a cleanup step. */
export type ExecutableStep = Step | RollbackStep | CleanupStep;

export { RequirementSchema, type Requirement } from './requirement-schema.ts';

export const PlanSchema = z.object({
  runbook: z.string().min(1),
  site: z.string().min(1),
  title: z.string().min(1),
  args: z.record(z.string(), z.unknown()).default({}),
  /** Admission requirements, checked before the site lock is taken; not part of the plan hash. */
  requires: z.array(RequirementSchema).optional(),
  steps: z.array(StepSchema).min(1),
});
export type Plan = z.infer<typeof PlanSchema>;
/** What a runbook's builder returns, before defaults are applied. */
export type PlanInput = z.input<typeof PlanSchema>;
