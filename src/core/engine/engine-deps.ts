import type { OutputArtefacts } from '../ports/artefacts.ts';
import type { AuditLog } from '../ports/audit.ts';
import type { Clock } from '../ports/clock.ts';
import type { EventSink } from '../ports/events.ts';
import type { GateStore } from '../ports/gates.ts';
import type { IdSource } from '../ports/ids.ts';
import type { RemoteSession } from '../ports/remote.ts';
import type { RunQueue, RunStore } from '../ports/run-store.ts';
import type { SecretSource } from '../ports/secrets.ts';
import type { SiteLock } from '../ports/site-lock.ts';
import type { SqlSession } from '../ports/sql.ts';
import type { RunbookRegistry } from './runbook-registry.ts';
import type { Site, SiteDirectory } from '../sites/site.ts';
import type { PackageFiles } from '../ports/package-files.ts';
import type { WorkerRegistry } from '../ports/worker-registry.ts';

/** The slice of pino the engine uses (constant messages, data in fields). */
export interface EngineLog {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

/** A log that drops everything, for tests and benchmarks. */
export const silentLog: EngineLog = { info: () => {}, warn: () => {}, error: () => {} };

/** Everything the engine touches, injected. */
export interface EngineDeps {
  readonly runs: RunStore;
  readonly queue: RunQueue;
  readonly gates: GateStore;
  readonly audit: AuditLog;
  readonly lock: SiteLock;
  readonly events: EventSink;
  readonly sites: SiteDirectory;
  readonly runbooks: RunbookRegistry;
  /**
   * The run's connections to a site's hosts, for one step; the engine closes what it gets after the step. The
   * runtime hands out one session per run (see src/runners/ssh/run-sessions.ts), so `close()` may only release it.
   */
  openRemote(site: Site, runId: string): Promise<RemoteSession>;
  /** A connection to one of the site's SQL targets; absent until the SQL runner lands. */
  openSql?(site: Site, target: string): Promise<SqlSession>;
  /** The local package directories runbooks read (OceanBase packages); absent: a runbook that needs them refuses. */
  readonly files?: PackageFiles;
  /** Values of the secrets a step's commands read on stdin, resolved when the step runs; absent: such a step fails. */
  readonly secrets?: SecretSource;
  readonly clock: Clock;
  /** Pauses a step program between polls (the system's timer in production, the tests' own in tests). */
  readonly sleep: (ms: number) => Promise<void>;
  readonly ids: IdSource;
  readonly log: EngineLog;
  /** Where a host's long output is kept for the chat (which may run elsewhere); absent: tails only. */
  readonly artefacts?: OutputArtefacts;
  /**
   * The workers' heartbeats: a step still running on a worker that stopped beating is taken over by whoever
   * notices (`noticeLostWorkers`). Absent: only the queue handing the job out again finds it.
   */
  readonly workers?: WorkerRegistry;
}
