import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  defaultBodyLimit,
  HTTPModuleFunctions,
  type HTTPReceiver,
  HTTPReceiverDeferredRequestError,
  HTTPResponseAck,
  type Logger,
  LogLevel,
  type ReceiverEvent,
} from '@slack/bolt';
import { describeError } from '../../core/opsgate-error.ts';
import type { AppLog } from './app-log.ts';
import { parseRequestBody, type AcceptedRequests } from './parse-request-body.ts';
import { verifySignature } from './verify-signature.ts';

/** What `guardReceiver` needs. */
export interface ReceiverGuardOptions {
  readonly signingSecret: string;
  /** The receiver's events endpoint (`/slack/events`). */
  readonly path: string;
  readonly accepts: AcceptedRequests;
  /** Hands a verified, validated request to the app: Bolt's `App.processEvent`. */
  readonly processEvent: (event: ReceiverEvent) => Promise<void>;
  readonly now: () => number;
  readonly log: AppLog;
  /** Largest body read, in bytes (default Bolt's, 4 MiB); a larger one gets 413. */
  readonly bodyLimit?: number;
}

/**
 * Puts a guard in front of Bolt's `HTTPReceiver`: every POST to the events endpoint is read, its signature
 * checked (timestamp within five minutes either way), its body parsed and validated here, and only a slash
 * command, a button click (in a message or on the Home tab) or an `app_home_opened` event this app handles
 * reaches `App.processEvent`, with the fields Bolt reads. Refusals are
 * answered with a status and a one-line reason (401, 400, 413, 415); nothing is thrown at Bolt.
 *
 * Each request is also an error boundary: whatever escapes it is logged once and answered 500 (or the response
 * is ended if it had begun), and the receiver keeps serving. Other paths go to Bolt's own routing, inside the
 * same boundary. Bolt's handler of the endpoint reads `body.ssl_check` of whatever the body parsed to, in a promise
 * nobody awaits: a signed `payload=null` there is an unhandled rejection, which ends a Node process.
 */
export function guardReceiver(receiver: HTTPReceiver, opts: ReceiverGuardOptions): void {
  const boltListener = receiver.requestListener;
  const logger = boltLogger(opts.log);
  const fail = (res: ServerResponse) => (e: unknown) => {
    try {
      opts.log.error({ err: describeError(e) }, 'slack request failed');
      if (!res.headersSent) answer(res, 500, 'opsgate could not handle this request; the error was logged');
      else if (!res.writableEnded) res.end();
    } catch {
      res.destroy();
    }
  };
  receiver.requestListener = (req, res) => {
    let path: string;
    try {
      path = new URL(req.url ?? '/', 'http://localhost').pathname;
    } catch {
      return answer(res, 400, 'malformed request target');
    }
    if (path !== opts.path || req.method !== 'POST') {
      try {
        boltListener(req, res);
      } catch (e) {
        // Bolt throws this for a path it does not serve.
        if (e instanceof HTTPReceiverDeferredRequestError) answer(res, 404, 'not found');
        else fail(res)(e);
      }
      return;
    }
    handleEvent(req, res, opts, logger).catch(fail(res));
  };
}

async function handleEvent(
  req: IncomingMessage,
  res: ServerResponse,
  opts: ReceiverGuardOptions,
  logger: Logger,
): Promise<void> {
  const limit = opts.bodyLimit ?? defaultBodyLimit;
  const raw = await readBody(req, limit);
  if (raw === 'aborted') return;
  if (raw === 'too-large') return refuse(res, opts.log, 413, `the body is larger than ${limit} bytes`);
  const contentType = req.headers['content-type'];
  // Slack checks the certificate with an unsigned `ssl_check=1`: answered, nothing else in it is read.
  if (isForm(contentType) && new URLSearchParams(raw.toString('utf8')).get('ssl_check') === '1')
    return HTTPModuleFunctions.buildSSLCheckResponse(res);
  const signature = verifySignature(
    opts.signingSecret,
    {
      timestamp: req.headers['x-slack-request-timestamp'],
      signature: req.headers['x-slack-signature'],
      body: raw,
    },
    opts.now(),
  );
  if (!signature.ok) return refuse(res, opts.log, 401, signature.error);
  const parsed = parseRequestBody(contentType, raw, opts.accepts);
  if (!parsed.ok) return refuse(res, opts.log, parsed.error.status, parsed.error.reason);
  if (parsed.value.kind === 'url-verification')
    return HTTPModuleFunctions.buildUrlVerificationResponse(res, { challenge: parsed.value.challenge });
  const body = parsed.value.body;
  const ack = new HTTPResponseAck({
    logger,
    processBeforeResponse: false,
    httpRequest: Object.assign(req, { rawBody: raw }),
    httpRequestBody: body,
    httpResponse: res,
  });
  await opts.processEvent({
    body,
    ack: ack.bind(),
    ...optional('retryNum', HTTPModuleFunctions.extractRetryNumFromHTTPRequest(req)),
    ...optional('retryReason', HTTPModuleFunctions.extractRetryReasonFromHTTPRequest(req)),
    customProperties: {},
  });
}

const optional = <K extends string, V>(key: K, v: V | undefined): Partial<Record<K, V>> =>
  v === undefined ? {} : ({ [key]: v } as Record<K, V>);

const isForm = (contentType: string | undefined): boolean =>
  (contentType ?? '').split(';', 1)[0]?.trim().toLowerCase() === 'application/x-www-form-urlencoded';

function refuse(res: ServerResponse, log: AppLog, status: number, reason: string): void {
  log.warn({ status, reason }, 'slack request refused');
  answer(res, status, reason);
}

function answer(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(text);
}

/**
 * The whole body, or why not: `too-large` past `limit` (the rest is read and dropped, so the answer reaches the
 * sender), `aborted` when the sender went away.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large' | 'aborted'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (v: Buffer | 'too-large' | 'aborted') => {
      if (done) return;
      done = true;
      chunks.length = 0;
      resolve(v);
    };
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) finish('too-large');
      else chunks.push(chunk);
    });
    req.on('end', () => finish(Buffer.concat(chunks)));
    req.on('error', () => finish('aborted'));
    req.on('close', () => finish('aborted'));
  });
}

/** Bolt's logger interface over ours: warnings and errors only, as one constant message with Bolt's text. */
function boltLogger(log: AppLog): Logger {
  const text = (msg: unknown[]) => ({ detail: msg.map((m) => (m instanceof Error ? m.message : String(m))).join(' ') });
  return {
    debug: () => undefined,
    info: () => undefined,
    warn: (...msg: unknown[]) => log.warn(text(msg), 'slack receiver warning'),
    error: (...msg: unknown[]) => log.error(text(msg), 'slack receiver error'),
    setLevel: () => undefined,
    getLevel: () => LogLevel.WARN,
    setName: () => undefined,
  };
}
