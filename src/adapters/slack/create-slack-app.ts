import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  App,
  type BlockAction,
  type ButtonAction,
  HTTPReceiver,
  LogLevel,
  type SlackActionMiddlewareArgs,
  type SlackCommandMiddlewareArgs,
} from '@slack/bolt';
import { describeError } from '../../core/opsgate-error.ts';
import { ACTION_ID_PATTERN } from '../../commands/action-ref.ts';
import { SLASH_COMMANDS } from '../../commands/command.ts';
import type { GateActionDeps } from '../../commands/gate-action-handler.ts';
import { AckFirstQueue } from './ack-first-queue.ts';
import { guardReceiver } from './guard-receiver.ts';
import { actionLane, commandLane, interactionWork } from './interaction-work.ts';
import type { HomeTab } from './home-tab.ts';
import { slackHomeTab } from './slack-home-tab.ts';
import { HOME_PAGE_ACTION_PATTERN } from './render-home.ts';
import { HomeOpenedSchema } from './parse-request-body.ts';
import { SlackPoster } from './slack-poster.ts';
import { MemoryReplayGuard } from './memory-replay-guard.ts';
import type { ReplayGuard } from '../../core/ports/replay-guard.ts';
import { ResponseUrlPoster } from './response-url-poster.ts';
import { createUserGroupResolver } from './create-user-group-resolver.ts';
import { createUserVetter } from './create-user-vetter.ts';
import { vettedEngine } from './vetted-engine.ts';
import { fromWebClient } from './web-client-port.ts';
import type { AppLog } from './app-log.ts';

/** What `createSlackApp` needs: Slack credentials and mode, where the handlers' dependencies are, a logger. */
export interface SlackAppOptions {
  readonly signingSecret: string;
  readonly token: string;
  /** `xapp-…` token with `connections:write`, for Socket Mode. */
  readonly appToken?: string;
  readonly socketMode: boolean;
  /** Points the Web API client elsewhere (a proxy, or the fake in tests). */
  readonly slackApiUrl?: string;
  /** HTTP mode: port of the receiver (0 for a random one). */
  readonly port: number;
  /** When known, clicks from another app or workspace are refused. */
  readonly appId?: string;
  /** Skip the `auth.test` call at start-up when both are given. */
  readonly botId?: string;
  readonly botUserId?: string;
  /**
   * The handlers' dependencies: the engine, the sites; `groupsOf` and `vetUser` default to cached
   * usergroups.users.list and users.info calls.
   */
  readonly deps: Omit<GateActionDeps, 'groupsOf'> & Partial<Pick<GateActionDeps, 'groupsOf'>>;
  readonly now?: () => number;
  readonly log: AppLog;
  /**
   * Where handled requests are remembered, so that a replay is not acted on: shared by the bot's replicas and
   * kept across restarts in production (Redis); this process's memory by default.
   */
  readonly replays?: ReplayGuard;
  /** Poster pacing (tests set 0). */
  readonly minPostIntervalMs?: number;
  /** How long the work after an ack waits for the receiver to be idle at most (default 1000 ms). */
  readonly maxWorkDelayMs?: number;
  /**
   * How many jobs of work after acks run at once at most (default 4; more finish the work sooner and delay acks more).
   */
  readonly maxWorkConcurrent?: number;
}

/** A created Slack app: its ordered poster (shared with the event publisher), the Home tabs, start and stop. */
export interface SlackApp {
  readonly poster: SlackPoster;
  /** The people's Home tabs, refreshed by the event follower when a gate opens or closes. */
  readonly home: Pick<HomeTab, 'refreshSite' | 'show'>;
  /** The workspace's base URL (`https://acme.slack.com/`) from auth.test, to build permalinks; undefined if unknown. */
  workspaceUrl(): Promise<string | undefined>;
  /** Starts the receiver; in HTTP mode resolves with the port it listens on. */
  start(): Promise<{ readonly port?: number }>;
  stop(): Promise<void>;
}

/** Where Slack sends slash commands and clicks (HTTP mode). */
const EVENTS_PATH = '/slack/events';

/** Every button of ours: the gate buttons (in a thread or on Home) and the Home tab's page buttons. */
const BUTTON_PATTERN = new RegExp(`(${ACTION_ID_PATTERN.source})|(${HOME_PAGE_ACTION_PATTERN.source})`);

/** Every slash command in one listener: Bolt runs each listener's matching for every request. */
const COMMAND_PATTERN = new RegExp(`^/(${SLASH_COMMANDS.join('|')})$`);

/**
 * The Slack face of opsgate: Bolt with its HTTP receiver behind a guard (signature always verified, timestamp
 * within 5 minutes either way, body validated before Bolt sees it, an error boundary per request) or Socket Mode,
 * one listener for every slash command and one for every gate button. Every request is acknowledged first; the
 * work is queued (in order per run or gate) and runs when no other request is waiting for its ack
 * (`AckFirstQueue`), or after `maxWorkDelayMs` at the latest. Refusals are answered privately with the reason.
 */
export function createSlackApp(opts: SlackAppOptions): SlackApp {
  const now = opts.now ?? Date.now;
  const clientOptions = {
    ...(opts.slackApiUrl === undefined ? {} : { slackApiUrl: opts.slackApiUrl }),
    // The poster waits out 429s itself, in order, per channel.
    rejectRateLimitedCalls: true,
  };
  const ids =
    opts.botId !== undefined && opts.botUserId !== undefined ? { botId: opts.botId, botUserId: opts.botUserId } : {};
  const logLevel = LogLevel.ERROR;
  // Global middleware every request passes before its ack, turned off as useless here: the conversation store
  // (nothing reads `context.conversation`) and ignoreSelf (it filters Events API events; we listen to none).
  const common = { token: opts.token, clientOptions, logLevel, convoStore: false as const, ignoreSelf: false, ...ids };
  const receiver = opts.socketMode
    ? undefined
    : new HTTPReceiver({ signingSecret: opts.signingSecret, endpoints: EVENTS_PATH, logLevel });
  const app =
    receiver === undefined
      ? // The Socket Mode client opens its connection with its own Web API client: same API URL.
        new App({ ...common, appToken: opts.appToken ?? '', socketMode: true, installerOptions: { clientOptions } })
      : new App({ ...common, receiver });
  // Bolt's receiver reads properties of whatever a signed body parses to; the guard lets through only valid ones.
  if (receiver !== undefined)
    guardReceiver(receiver, {
      signingSecret: opts.signingSecret,
      path: EVENTS_PATH,
      accepts: { commands: SLASH_COMMANDS, actionId: BUTTON_PATTERN },
      processEvent: (event) => app.processEvent(event),
      now,
      log: opts.log,
    });
  const work = new AckFirstQueue({
    now,
    ...(opts.maxWorkDelayMs === undefined ? {} : { maxDelayMs: opts.maxWorkDelayMs }),
    ...(opts.maxWorkConcurrent === undefined ? {} : { maxConcurrent: opts.maxWorkConcurrent }),
    onError: (lane, e) => opts.log.error({ err: describeError(e), lane }, 'work after ack failed'),
  });
  const poster = new SlackPoster({
    client: fromWebClient(app.client),
    now,
    ...(opts.minPostIntervalMs === undefined ? {} : { minPostIntervalMs: opts.minPostIntervalMs }),
    log: opts.log,
  });
  const groupsOf =
    opts.deps.groupsOf ??
    createUserGroupResolver(
      { listUsers: async (usergroup) => (await app.client.usergroups.users.list({ usergroup })).users ?? [] },
      { now },
    );
  const vetUser =
    opts.deps.vetUser ??
    createUserVetter(
      {
        userInfo: async (user) => {
          try {
            return (await app.client.users.info({ user })).user;
          } catch (e) {
            if ((e as { data?: { error?: string } }).data?.error === 'user_not_found') return undefined;
            throw e;
          }
        },
      },
      { now },
    );
  // The handlers vet the account before deciding; the engine they get vets it again, so a decision path that
  // forgot would still be refused.
  const deps: GateActionDeps = { ...opts.deps, engine: vettedEngine(opts.deps.engine, vetUser), groupsOf, vetUser };
  const responses = new ResponseUrlPoster();
  const home = slackHomeTab(app.client, deps, { now, log: opts.log });
  const { runCommand, runAction, runHomePage, runHomeOpened } = interactionWork({
    deps,
    poster,
    responses,
    replays: opts.replays ?? new MemoryReplayGuard(now),
    now,
    log: opts.log,
    home,
    ...(opts.appId === undefined ? {} : { appId: opts.appId }),
  });

  // The ack path: ack, queue the work in its lane, nothing else.
  const onCommand = async ({ ack, body, respond }: SlackCommandMiddlewareArgs): Promise<void> => {
    await ack();
    work.push(commandLane(body), () => runCommand({ body, respond }));
  };
  const onAction = async ({
    ack,
    body,
    action,
    respond,
  }: SlackActionMiddlewareArgs<BlockAction<ButtonAction>>): Promise<void> => {
    await ack();
    work.push(actionLane(action.value, body.trigger_id), () => runAction({ body, action, respond }));
  };

  const onHomePage = async ({
    ack,
    body,
    action,
  }: SlackActionMiddlewareArgs<BlockAction<ButtonAction>>): Promise<void> => {
    await ack();
    work.push(`home:${body.user.id}`, () => runHomePage({ body, action }));
  };
  // Bolt acks events itself. Socket Mode bodies do not pass the HTTP guard: the event is validated here as well.
  const onHomeOpened = async ({ body }: { body: unknown }): Promise<void> => {
    const e = HomeOpenedSchema.safeParse(body);
    if (!e.success) return void opts.log.warn({ reason: e.error.issues[0]?.message }, 'app_home_opened ignored');
    if (e.data.event.tab !== 'home' || (opts.appId !== undefined && e.data.api_app_id !== opts.appId)) return;
    const user = e.data.event.user;
    work.push(`home:${user}`, () => runHomeOpened(user));
  };

  app.command(COMMAND_PATTERN, onCommand);
  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: ACTION_ID_PATTERN }, onAction);
  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: HOME_PAGE_ACTION_PATTERN }, onHomePage);
  app.event('app_home_opened', onHomeOpened);
  app.error(async (e) => opts.log.error({ err: describeError(e) }, 'slack app error'));

  let workspace: Promise<string | undefined> | undefined;
  return {
    poster,
    home,
    workspaceUrl() {
      workspace ??= app.client.auth.test().then(
        (r) => (typeof r.url === 'string' && /^https:\/\/[^\s<>|]+\/$/.test(r.url) ? r.url : undefined),
        (e: unknown) => {
          opts.log.warn({ err: describeError(e) }, 'auth.test failed, /runs without links');
          workspace = undefined;
          return undefined;
        },
      );
      return workspace;
    },
    async start() {
      if (opts.socketMode) {
        await app.start();
        return {};
      }
      const server = (await app.start(opts.port)) as Server;
      work.track(server);
      return { port: (server.address() as AddressInfo).port };
    },
    async stop() {
      await app.stop();
      // Nothing acknowledged is dropped: the queued work runs before the poster is waited for.
      await work.drain();
      await poster.idle();
      responses.close();
    },
  };
}
