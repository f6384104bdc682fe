import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { OpsgateError } from '../errors/opsgate-error.ts';
import type { Runtime } from '../main.ts';

/** `opsgate start` found Slack tokens but the Slack layer is not wired into the composition root yet. */
export class SlackNotWiredError extends OpsgateError {
  readonly code = 'SLACK_NOT_WIRED';
  constructor() {
    super(
      'SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are set, but this build does not wire the Slack app yet (src/app/start-slack.ts); unset them to use the console chat',
    );
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
 * and posts the engine events of every site into their channels. The Slack layer fills this in; until it
 * does, starting with Slack tokens is refused with `SlackNotWiredError`.
 */
export async function startSlack(deps: SlackDeps): Promise<StartedSlack> {
  void deps;
  throw new SlackNotWiredError();
}
