import { describeError } from '../../core/opsgate-error.ts';
import type { ChatEngine } from '../../core/ports/chat-engine.ts';
import type { Site } from '../../core/sites/site.ts';
import type { OutputArtefacts } from '../../core/ports/artefacts.ts';
import type { StoredEvent } from '../../core/ports/events.ts';
import type { EventCursors } from '../../core/ports/event-cursors.ts';
import type { RunSummary } from '../../core/ports/views.ts';
import { createSlackApp } from './create-slack-app.ts';
import type { AppLog } from './app-log.ts';
import { RunThreadPublisher } from './run-thread-publisher.ts';
import type { RunThreadStore } from '../../core/ports/run-thread-store.ts';
import type { ReplayGuard } from '../../core/ports/replay-guard.ts';
import type { ChartRenderer } from '../../core/ports/chart-renderer.ts';

/** The engine events after which the Home tabs of the people concerned are refreshed. */
const HOME_EVENTS: ReadonlySet<string> = new Set([
  'gate.opened',
  'gate.decided',
  'gate.expired',
  'run.planned',
  'run.finished',
  'run.stopped',
]);

/** How the Slack chat follows the engine's events of each site (the runtime's event source). */
export interface SiteEventFollower {
  /** Where a site's stream ends now; following starts after it when no position was saved. */
  latestId(site: string): Promise<string>;
  read(
    site: string,
    afterId: string,
    opts?: { readonly count?: number; readonly blockMs?: number },
  ): Promise<readonly StoredEvent[]>;
}

/** What `startSlackChat` needs: credentials and mode, the `ChatEngine`, the sites and their event streams. */
export interface SlackChatOptions {
  readonly signingSecret: string;
  readonly token: string;
  /** With an app-level token the app uses Socket Mode; without, the HTTP receiver on `port`. */
  readonly appToken?: string;
  readonly slackApiUrl?: string;
  readonly port: number;
  readonly chat: ChatEngine;
  readonly sites: readonly Site[];
  readonly events: SiteEventFollower;
  readonly log: AppLog;
  readonly now?: () => number;
  /** Keeps each run's thread and gate messages across restarts (reloaded before the app starts). */
  readonly threads?: RunThreadStore;
  /**
   * Where each site's read position is kept (after an event is handled): a restarted bot renders what was
   * emitted while it was down. Without it (or the first time ever) following starts at the stream's end.
   */
  readonly cursors?: EventCursors;
  /** Where workers store long step outputs, uploaded as files into the thread. */
  readonly artefacts?: Pick<OutputArtefacts, 'get'>;
  /** Where handled requests are remembered across restarts and replicas (default: this process's memory). */
  readonly replays?: ReplayGuard;
  /** Draws the charts steps attach data for (posted as PNG pictures into the thread). */
  readonly charts?: ChartRenderer;
  /** Test hooks: skip auth.test, no posting pace, no delay of parent edits. */
  readonly botId?: string;
  readonly botUserId?: string;
  readonly minPostIntervalMs?: number;
  readonly parentEditDelayMs?: number;
}

/** The running Slack chat. */
export interface StartedSlackChat {
  /** HTTP mode: the receiver's port. */
  readonly port?: number;
  stop(): Promise<void>;
}

/**
 * Everything `opsgate start` needs for Slack: the Bolt app over the `ChatEngine`, and a follower per site that
 * turns the engine's events into the run's parent message and thread. `/runs` and `/audit` learn the thread
 * of each run from the publisher.
 */
export async function startSlackChat(opts: SlackChatOptions): Promise<StartedSlackChat> {
  const now = opts.now ?? Date.now;
  // Called only once requests flow, after `pub` and `slack` below exist.
  const withThread = async (r: RunSummary): Promise<RunSummary> => {
    const thread = r.thread ?? pub.threadOf(r.id);
    if (thread === undefined) return r;
    const base = r.permalink === undefined ? await slack.workspaceUrl() : undefined;
    const permalink =
      base === undefined ? r.permalink : `${base}archives/${thread.channel}/p${thread.ts.replace('.', '')}`;
    return { ...r, thread, ...(permalink === undefined ? {} : { permalink }) };
  };
  const chat: ChatEngine = {
    requestRun: (req) => opts.chat.requestRun(req),
    dryRunPlan: (req) => opts.chat.dryRunPlan(req),
    requestRollback: (req) => opts.chat.requestRollback(req),
    exportAudit: (runId) => opts.chat.exportAudit(runId),
    decide: async (req) => {
      // A click must come from the gate's own message (when this process posted it), or from a Home tab that
      // offered this gate to this person (checked by the app before it asks).
      const posted = pub.gateMessage(req.gateId);
      if (
        req.via !== 'home' &&
        posted !== undefined &&
        (req.messageTs !== posted.ts || req.channel !== posted.channel)
      ) {
        return {
          ok: false,
          error: {
            code: 'WRONG_MESSAGE',
            message: "This button is not on the gate's message; use the buttons in the run's thread.",
          },
        };
      }
      return opts.chat.decide(req);
    },
    listRuns: async (filter) => Promise.all((await opts.chat.listRuns(filter)).map(withThread)),
    pendingGates: (filter) => opts.chat.pendingGates(filter),
    getRun: async (runId) => {
      const r = await opts.chat.getRun(runId);
      return r === undefined ? undefined : withThread(r);
    },
  };
  const slack = createSlackApp({
    signingSecret: opts.signingSecret,
    token: opts.token,
    socketMode: opts.appToken !== undefined,
    ...(opts.appToken === undefined ? {} : { appToken: opts.appToken }),
    ...(opts.slackApiUrl === undefined ? {} : { slackApiUrl: opts.slackApiUrl }),
    ...(opts.botId === undefined ? {} : { botId: opts.botId }),
    ...(opts.botUserId === undefined ? {} : { botUserId: opts.botUserId }),
    ...(opts.minPostIntervalMs === undefined ? {} : { minPostIntervalMs: opts.minPostIntervalMs }),
    port: opts.port,
    deps: { engine: chat, sites: opts.sites },
    log: opts.log,
    now,
    ...(opts.replays === undefined ? {} : { replays: opts.replays }),
  });
  const channels = new Map(opts.sites.map((s) => [s.name, s.channel]));
  const pub = new RunThreadPublisher({
    poster: slack.poster,
    channelOf: (site) => channels.get(site),
    now,
    log: opts.log,
    ...(opts.parentEditDelayMs === undefined ? {} : { parentEditDelayMs: opts.parentEditDelayMs }),
    ...(opts.threads === undefined ? {} : { threads: opts.threads }),
    ...(opts.artefacts === undefined ? {} : { artefacts: opts.artefacts }),
    ...(opts.charts === undefined ? {} : { charts: opts.charts }),
  });

  /** A gate opened or closed, or a run began or ended: the Home tabs it concerns are published again. */
  const refreshHome = (site: string, event: StoredEvent['event']): void => {
    const also = event.type === 'gate.opened' ? [event.gate.requester] : [];
    if (HOME_EVENTS.has(event.type)) void slack.home.refreshSite(site, also);
  };
  let stopped = false;
  const pause = (): Promise<void> => new Promise((r) => setTimeout(r, 1000));
  /** Where the follower of a site starts: its saved position, else the stream's end (saved at once). */
  const startOf = async (site: string): Promise<string> => {
    const saved = await opts.cursors?.get(site);
    if (saved !== undefined) return saved;
    const end = await opts.events.latestId(site);
    await opts.cursors?.set(site, end);
    return end;
  };
  const follow = async (site: string, from: string | undefined): Promise<void> => {
    let after = from;
    while (!stopped) {
      try {
        after ??= await startOf(site);
        for (const { id, event } of await opts.events.read(site, after, { blockMs: 500, count: 100 })) {
          // The publisher skips an event it has already applied, so saving the position after it is enough.
          await pub.handle(event, opts.cursors === undefined ? undefined : id);
          refreshHome(site, event);
          after = id;
          await opts.cursors
            ?.set(site, id)
            .catch((e: unknown) => opts.log.warn({ site, err: describeError(e) }, 'event position not saved'));
        }
      } catch (e) {
        if (stopped) return;
        opts.log.warn({ site, err: describeError(e) }, 'cannot read site events, retrying');
        await pause();
      }
    }
  };
  // Before the app takes clicks: a click on a gate message of an earlier process is checked against it.
  const restored = await pub.restore().catch((e: unknown) => {
    opts.log.warn({ err: describeError(e) }, 'slack threads not reloaded: runs in progress get a new parent message');
    return 0;
  });
  // Positions are fixed before `startSlackChat` returns: an event emitted after it is never skipped. One that
  // cannot be read now is looked up again by its follower.
  const starts = await Promise.all(opts.sites.map((s) => startOf(s.name).catch(() => undefined)));
  const started = await slack.start();
  const followers = Promise.all(opts.sites.map((s, i) => follow(s.name, starts[i])));
  opts.log.info(
    {
      mode: opts.appToken === undefined ? 'http' : 'socket',
      port: started.port,
      sites: opts.sites.map((s) => s.name),
      restoredThreads: restored,
    },
    'slack app started',
  );
  return {
    ...(started.port === undefined ? {} : { port: started.port }),
    async stop() {
      stopped = true;
      await followers;
      pub.flush();
      await slack.stop();
    },
  };
}
