import type { Logger } from 'pino';
import type { RedisOptions } from 'ioredis';
import type { CommandRunbooks } from '../core/engine/command-runbooks.ts';
import type { EventSource } from '../core/ports/event-source.ts';
import type { PendingGate } from '../core/engine/pending-gates.ts';
import type { EventCursors } from '../core/ports/event-cursors.ts';
import type { RunThreadStore } from '../core/ports/run-thread-store.ts';
import type { ReplayGuard } from '../core/ports/replay-guard.ts';
import type { ChatEngine } from '../core/ports/chat-engine.ts';
import type { Config } from './config.ts';
import type { Env } from '../core/sites/secret-ref.ts';
import type { Engine } from '../core/engine/create-engine.ts';
import type { EngineDeps } from '../core/engine/engine-deps.ts';
import type { OpsMetrics } from '../adapters/ops/ops-metrics.ts';
import type { WorkerRegistry } from '../core/ports/worker-registry.ts';
import type { OutputArtefacts } from '../core/ports/artefacts.ts';
import type { StepJob } from '../core/ports/run-store.ts';
import type { SiteWorkers } from '../adapters/bullmq/start-site-workers.ts';
import type { SiteDirectory } from '../core/sites/site.ts';

/** What `openRuntime` (src/wiring/main.ts, the composition root) takes and gives. */

export interface RuntimeOptions {
  readonly env: Env;
  readonly config: Config;
  readonly sites: SiteDirectory;
  readonly log: Logger;
  readonly runbooks: CommandRunbooks;
  /** Counts what this process's engine emits (runs, steps, gates, remote commands). */
  readonly metrics?: OpsMetrics;
}

/** Everything an entry point needs, connected. */
export interface Runtime {
  readonly sites: SiteDirectory;
  readonly engine: Engine;
  readonly chat: ChatEngine;
  /** Follows the engine events of a site (a dedicated connection, so blocking reads never stall commands). */
  readonly events: EventSource;
  /** Where Redis is, for messages. */
  readonly redisWhere: string;
  /** Long step outputs stored by the workers (the chat uploads them into the run's thread). */
  readonly artefacts: OutputArtefacts;
  /** Where the Slack app keeps each run's thread and gate messages across restarts. */
  readonly slackThreads: RunThreadStore;
  /** Where the Slack app remembers the requests it handled, so that a replay is not acted on after a restart. */
  readonly slackReplays: ReplayGuard;
  /** Where a chat consumer (`slack`) keeps its read position in each site's event stream across restarts. */
  eventCursors(consumer: string): EventCursors;
  /** The gates still waiting for a decision in the active runs of these sites, oldest run first. */
  pendingGates(sites: readonly string[]): Promise<readonly PendingGate[]>;
  /** Serves the given sites' queues in this process (and resumes their active runs), with a heartbeat. */
  startWorkers(sites: readonly string[], tuning?: WorkerTuning): ServedSites;
  /** Records steps still running at shutdown as interrupted (their end was never seen); returns their ids. */
  interruptOverdue(jobs: readonly StepJob[]): Promise<readonly string[]>;
  /** What the engine runs on (stores, lock, audit), for workers and tests. */
  readonly deps: EngineDeps;
  /** Where the BullMQ queues are: connection options and key prefix. */
  readonly bull: { readonly connection: RedisOptions; readonly prefix: string };
  /** For health checks: a Redis PING, and the worker heartbeats. */
  readonly ops: { readonly registry: WorkerRegistry; ping(): Promise<unknown> };
  /** Closes workers, queues and connections, and stops the embedded Redis if this process started it. */
  close(): Promise<void>;
}

/** How a worker's BullMQ jobs are locked and looked after (see `opsgate worker --help`). */
export interface WorkerTuning {
  readonly lockDurationMs?: number;
  readonly stalledIntervalMs?: number;
}

/** The queues this process serves, with its heartbeat: `drain` first marks the worker draining. */
export interface ServedSites extends SiteWorkers {
  readonly workerId: string;
}
