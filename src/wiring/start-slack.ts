import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { OpsgateError } from '../core/opsgate-error.ts';
import type { Runtime } from './main.ts';
import { startSlackChat } from '../adapters/slack/start-slack-chat.ts';
import { createChartRenderer } from '../adapters/charts/create-chart-renderer.ts';

/** `startSlack` was called without both Slack tokens (the caller checks; this guards the invariant). */
export class SlackNotWiredError extends OpsgateError {
  readonly code = 'SLACK_NOT_WIRED';
  constructor() {
    super('the Slack app needs SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET; unset both to use the console chat');
  }
}

/** What the Slack layer gets from the composition root. */
export interface SlackDeps {
  readonly runtime: Runtime;
  readonly config: Config;
  readonly log: Logger;
}

/** The running Slack app, as `opsgate start` needs it. */
export interface StartedSlack {
  /** Resolves when the app has stopped (after `stop`). */
  stop(): Promise<void>;
}

/**
 * The seam between `opsgate start` and the Slack layer: starts the Bolt app over the runtime's `ChatEngine`
 * (Socket Mode when `SLACK_APP_TOKEN` is set, else the HTTP receiver on `PORT`) and posts the engine events
 * of every site into their channels (`src/adapters/slack/start-slack-chat.ts`).
 */
export async function startSlack(deps: SlackDeps): Promise<StartedSlack> {
  const { config, runtime } = deps;
  if (config.SLACK_BOT_TOKEN === undefined || config.SLACK_SIGNING_SECRET === undefined) throw new SlackNotWiredError();
  return startSlackChat({
    signingSecret: config.SLACK_SIGNING_SECRET,
    token: config.SLACK_BOT_TOKEN,
    ...(config.SLACK_APP_TOKEN === undefined ? {} : { appToken: config.SLACK_APP_TOKEN }),
    ...(config.SLACK_API_URL === undefined ? {} : { slackApiUrl: config.SLACK_API_URL }),
    port: config.PORT,
    chat: runtime.chat,
    sites: runtime.sites.list(),
    events: runtime.events,
    threads: runtime.slackThreads,
    cursors: runtime.eventCursors('slack'),
    artefacts: runtime.artefacts,
    replays: runtime.slackReplays,
    charts: createChartRenderer(),
    log: deps.log,
  });
}
