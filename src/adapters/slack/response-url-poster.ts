import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { OpsgateError } from '../../core/opsgate-error.ts';

/** Slack did not take a private answer posted to an interaction's `response_url` (the URL itself is never shown). */
export class SlackRespondError extends OpsgateError {
  readonly code = 'SLACK_RESPOND_FAILED';
  constructor(reason: string, status: number | undefined, cause?: unknown) {
    super(`Slack did not take the private answer (response_url): ${reason}`, { fields: { status }, cause });
  }
}

/**
 * Posts private answers (JSON) to interactions' `response_url`s over kept-alive connections: a fraction of the
 * CPU of a `fetch` per answer, which matters when hundreds of acks share two cores. Resolves on a 2xx answer;
 * anything else rejects with a `SlackRespondError` that does not include the URL (it is a capability).
 */
export class ResponseUrlPoster {
  private readonly http = new HttpAgent({ keepAlive: true, maxSockets: 32 });
  private readonly https = new HttpsAgent({ keepAlive: true, maxSockets: 32 });

  constructor(private readonly timeoutMs = 10_000) {}

  post(responseUrl: string, message: object): Promise<void> {
    let url: URL;
    try {
      url = new URL(responseUrl);
    } catch (e) {
      return Promise.reject(new SlackRespondError('the response_url is not a URL', undefined, e));
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      return Promise.reject(new SlackRespondError(`the response_url is ${url.protocol}, not https`, undefined));
    const data = Buffer.from(JSON.stringify(message));
    const secure = url.protocol === 'https:';
    return new Promise<void>((resolve, reject) => {
      const req = (secure ? httpsRequest : httpRequest)(
        url,
        {
          method: 'POST',
          agent: secure ? this.https : this.http,
          timeout: this.timeoutMs,
          headers: { 'content-type': 'application/json', 'content-length': data.length },
        },
        (res) => {
          const status = res.statusCode ?? 0;
          res.on('error', (e) => reject(new SlackRespondError(e.message, status, e)));
          res.on('end', () =>
            status >= 200 && status < 300 ? resolve() : reject(new SlackRespondError(`HTTP ${status}`, status)),
          );
          res.resume();
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.on('error', (e) => reject(new SlackRespondError(e.message, undefined, e)));
      req.end(data);
    });
  }

  /** Closes the kept-alive connections. */
  close(): void {
    this.http.destroy();
    this.https.destroy();
  }
}
