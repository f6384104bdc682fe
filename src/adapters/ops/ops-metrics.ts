import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { EngineEvent } from '../../core/ports/events.ts';

/** The metrics of one opsgate process (bot or worker), on their own registry. */
export interface OpsMetrics {
  readonly registry: Registry;
  /** Updates the counters from one engine event this process emitted. */
  observe(event: EngineEvent, openedAt?: number): void;
  /** Sets the number of live workers serving each site (the bot, from the heartbeats). */
  setWorkersLive(counts: ReadonlyMap<string, number>): void;
}

const DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900];
const WAIT_BUCKETS = [1, 5, 15, 60, 300, 900, 3600, 4 * 3600, 24 * 3600];

/**
 * Creates the metrics: `opsgate_runs_requested_total`, `opsgate_runs_finished_total{outcome}`,
 * `opsgate_step_duration_seconds{status}`, `opsgate_gate_wait_seconds{choice}`,
 * `opsgate_remote_command_duration_seconds` and `opsgate_remote_command_failures_total{reason}` (SSH and SQL
 * commands, per host record), `opsgate_workers_live`, all per `site`, plus Node's process metrics
 * (`process_resident_memory_bytes` …) with `role` as a default label.
 */
export function createOpsMetrics(role: 'bot' | 'worker'): OpsMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ role });
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const requested = new Counter({
    name: 'opsgate_runs_requested_total',
    help: 'Runs requested (dry runs included)',
    labelNames: ['site'],
    registers,
  });
  const finished = new Counter({
    name: 'opsgate_runs_finished_total',
    help: 'Runs that stopped, by outcome (completed, rejected, aborted, rolled-back, dry-run)',
    labelNames: ['site', 'outcome'],
    registers,
  });
  const stepDuration = new Histogram({
    name: 'opsgate_step_duration_seconds',
    help: 'Duration of executed steps, by status',
    labelNames: ['site', 'status'],
    buckets: DURATION_BUCKETS,
    registers,
  });
  const interrupted = new Counter({
    name: 'opsgate_steps_interrupted_total',
    help: 'Steps found started but never recorded finished',
    labelNames: ['site'],
    registers,
  });
  const gateWait = new Histogram({
    name: 'opsgate_gate_wait_seconds',
    help: 'Time from a gate opening to its decision or expiry',
    labelNames: ['site', 'choice'],
    buckets: WAIT_BUCKETS,
    registers,
  });
  const commandDuration = new Histogram({
    name: 'opsgate_remote_command_duration_seconds',
    help: 'Duration of one step command on one host (SSH) or SQL target',
    labelNames: ['site'],
    buckets: DURATION_BUCKETS,
    registers,
  });
  const commandFailures = new Counter({
    name: 'opsgate_remote_command_failures_total',
    help: 'Step commands that failed on a host: a non-zero exit or a transport error',
    labelNames: ['site', 'reason'],
    registers,
  });
  const workersLive = new Gauge({
    name: 'opsgate_workers_live',
    help: 'Live workers serving the site (from their heartbeats)',
    labelNames: ['site'],
    registers,
  });
  const started = new Map<string, number>();

  return {
    registry,
    observe(e, openedAt) {
      const site = e.site;
      switch (e.type) {
        case 'run.requested':
          requested.inc({ site });
          return;
        case 'run.finished':
          finished.inc({ site, outcome: e.outcome });
          return;
        case 'run.stopped':
          finished.inc({ site, outcome: 'rejected' });
          return;
        case 'step.started':
          started.set(`${e.runId}/${e.stepId}`, e.at);
          return;
        case 'step.finished': {
          const key = `${e.runId}/${e.stepId}`;
          const from = started.get(key);
          started.delete(key);
          const longest = Math.max(0, ...e.hosts.map((h) => h.durationMs));
          stepDuration.observe({ site, status: e.status }, (from === undefined ? longest : e.at - from) / 1000);
          for (const h of e.hosts) {
            if (h.error === undefined) commandDuration.observe({ site }, h.durationMs / 1000);
            if (h.error !== undefined) commandFailures.inc({ site, reason: 'transport' });
            else if (h.exitCode !== 0) commandFailures.inc({ site, reason: 'exit' });
          }
          return;
        }
        case 'step.interrupted':
          started.delete(`${e.runId}/${e.stepId}`);
          interrupted.inc({ site });
          return;
        case 'gate.decided':
          if (openedAt !== undefined) gateWait.observe({ site, choice: e.choice }, Math.max(0, e.at - openedAt) / 1000);
          return;
        case 'gate.expired':
          if (openedAt !== undefined)
            gateWait.observe({ site, choice: 'expired' }, Math.max(0, e.at - openedAt) / 1000);
          return;
        default:
          return;
      }
    },
    setWorkersLive(counts) {
      workersLive.reset();
      for (const [site, n] of counts) workersLive.set({ site }, n);
    },
  };
}
