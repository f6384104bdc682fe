import { OpsgateError } from '../../core/opsgate-error.ts';

/** Slack kept answering HTTP 429 beyond the poster's retry budget; the message was not delivered. */
export class SlackRateLimitedError extends OpsgateError {
  readonly code = 'SLACK_RATE_LIMITED';
  constructor(method: string, channel: string, attempts: number, cause: unknown) {
    super(`Slack rate-limited ${method} in ${channel} ${attempts} times in a row; the message was not posted`, {
      retryable: true,
      fields: { method, channel, attempts },
      cause,
    });
  }
}

/** Slack refused a call (`ok: false`, e.g. `not_in_channel`, `invalid_blocks`) or could not be reached. */
export class SlackApiError extends OpsgateError {
  readonly code = 'SLACK_API_ERROR';
  constructor(method: string, channel: string, slackError: string, cause: unknown) {
    super(
      `Slack refused ${method} in ${channel}: ${slackError}${slackError === 'not_in_channel' ? ' (invite the bot to the channel)' : ''}`,
      {
        fields: { method, channel, slackError },
        cause,
      },
    );
  }
}
