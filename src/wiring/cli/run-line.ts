import { renderEvent } from '../../adapters/console/render-event.ts';
import { CompactRunView } from '../../adapters/console/compact-run-view.ts';
import { fitWidth } from '../../adapters/console/fit-width.ts';
import { ProgressThrottle } from '../../adapters/console/progress-throttle.ts';
import { ProgressView, type ProgressSurface } from '../../adapters/console/progress-view.ts';
import { renderReply } from '../../adapters/console/render-reply.ts';
import type { Command } from '../../commands/command.ts';
import { dispatchCommand } from '../../commands/dispatch-command.ts';
import type { Runtime } from '../main.ts';
import { channelForCommand } from '../../commands/channel-for-command.ts';
import { saveAttachments } from '../../adapters/console/save-attachments.ts';
import { createChartRenderer } from '../../adapters/charts/create-chart-renderer.ts';
import { driveRun, type OnFailure } from './drive-run.ts';
import type { DriveNotice } from './drive-notice.ts';
import { DEFAULT_REDIS_WAIT_MS } from './next-run-events.ts';

/** How `runLine` answers and prints. */
export interface RunLineOptions {
  readonly as: string;
  readonly approveAs: readonly string[];
  readonly reject: boolean;
  /** Reject the approval gate of this step. */
  readonly rejectAt?: string;
  /** What to answer a failure or interruption gate (see `driveRun`). */
  readonly onFailure?: OnFailure;
  /** Where finding attachments are written (`<dir>/<run>/<name>`) and named in the thread. */
  readonly artefactsDir?: string;
  /**
   * One JSON object per line on `out`, each with a `type`: the command's reply (`reply`, with its `kind`:
   * `accepted`, `refused`, `plan` …), the run's engine events, a long wait's state (`progress`: a `step.progress`
   * event, its first, last and one per 15 s of the wait), and the notices of `driveRun` (`waiting`,
   * `decision-refused`, `redis-lost` …). Nothing else goes to `out`.
   */
  readonly json: boolean;
  /** Print every event in full (every check that held, every output tail) instead of the compact view. */
  readonly verbose?: boolean;
  /** How long a lost Redis is waited for before the command stops following the run (default 60 s). */
  readonly redisWaitMs?: number;
  /**
   * The terminal behind `out`, when there is one: long waits are then drawn as one line updated in place. Without
   * it (or when it is no terminal) they get a few plain lines; with `json`, `progress` objects, as few.
   */
  readonly terminal?: ProgressSurface;
  /** Standard output and error, one line each call. */
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/**
 * Runs one parsed command line to its end in a runtime: starts a worker for the site when the command starts a
 * run, dispatches the line through the shared handlers (in the site's channel), prints the reply, then follows
 * and drives the run (see `driveRun`). Returns the exit code: 0 success, 1 failed/rejected/refused, 2 bad usage.
 */
export async function runLine(rt: Runtime, cmd: Command, line: string, opts: RunLineOptions): Promise<0 | 1 | 2> {
  const sites = rt.sites.list();
  const redisWaitMs = opts.redisWaitMs ?? DEFAULT_REDIS_WAIT_MS;
  // Wrapped to a terminal's width; piped output keeps its lines whole.
  const width = opts.terminal?.isTTY === true ? opts.terminal.columns : undefined;
  const channel = await channelForCommand(cmd, sites, async (id) => (await rt.chat.getRun(id))?.site);
  if (!channel.ok) {
    if (opts.json) opts.out(JSON.stringify({ type: 'error', exitCode: 2, message: channel.error }));
    else opts.err(channel.error);
    return 2;
  }
  const site = sites.find((s) => s.channel === channel.value);
  const startsRun = cmd.name === 'precheck' || (cmd.name === 'upgrade' && !cmd.dryRun) || cmd.name === 'rollback';
  // BullMQ waits for Redis without a bound: a Redis gone at this moment must not keep the command waiting.
  if (startsRun && site !== undefined)
    await boundedBy(
      rt.startWorkers([site.name]).ready,
      redisWaitMs,
      `the step queue of ${site.name} on ${rt.redisWhere}`,
    );
  const fromId = site === undefined ? '0-0' : await rt.events.latestId(site.name);
  const reply = await dispatchCommand({ engine: rt.chat, sites }, { user: opts.as, channel: channel.value }, line);
  if (opts.json) opts.out(JSON.stringify({ type: 'reply', ...reply }));
  else if (reply.kind === 'refused') opts.err(renderReply(reply).join('\n'));
  else opts.out(fitWidth(renderReply(reply), width).join('\n'));
  if (reply.kind === 'refused') return 1;
  if (reply.kind !== 'accepted' || reply.runId === undefined || site === undefined) return 0;
  const view = new CompactRunView();
  const shown = (event: Parameters<typeof renderEvent>[0]): string[] =>
    opts.verbose === true
      ? fitWidth(renderEvent(event), width)
      : view.render(event, { viewer: opts.as, ...(width === undefined ? {} : { width }) });
  const progress = new ProgressView(opts.terminal ?? { write: () => {} }, { plain: (l) => opts.out(l) });
  const progressJson = new ProgressThrottle();
  const charts = createChartRenderer();
  const outcome = await driveRun(
    {
      chat: rt.chat,
      events: rt.events,
      onEvent: (event) => {
        if (event.type === 'step.progress') {
          if (!opts.json) progress.show(event);
          else if (progressJson.admit(event)) opts.out(JSON.stringify({ ...event, type: 'progress' }));
          return;
        }
        const files = opts.artefactsDir === undefined ? [] : saveAttachments(event, opts.artefactsDir, charts);
        // Most events show nothing in the compact view (a step's start waits for its end): no empty line for them.
        const lines = opts.json ? [JSON.stringify(event)] : [...shown(event), ...files];
        if (lines.length === 0) return;
        progress.interrupt();
        opts.out(lines.join('\n'));
      },
      notify: (n: DriveNotice) => {
        progress.interrupt();
        opts.out(opts.json ? JSON.stringify(n) : n.message);
      },
      redisWhere: rt.redisWhere,
      redisWaitMs,
    },
    {
      runId: reply.runId,
      site,
      fromId,
      approvers: opts.approveAs,
      requester: opts.as,
      rejectFirst: opts.reject,
      ...(opts.rejectAt === undefined ? {} : { rejectAt: opts.rejectAt }),
      ...(opts.onFailure === undefined ? {} : { onFailure: opts.onFailure }),
    },
  );
  return outcome.exitCode;
}

/** `p`, or an error naming `what` when it has not settled within `ms`. */
async function boundedBy<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>(
    (_, reject) =>
      (timer = setTimeout(() => reject(new Error(`${what} did not answer within ${Math.round(ms / 1000)} s`)), ms)),
  );
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}
