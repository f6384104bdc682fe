import { z } from 'zod';
import { err, ok, type Result } from '../../core/result.ts';
import { USER_ID_PATTERN } from '../../commands/identifiers.ts';

/** What the app listens to: its slash commands and the action ids of its buttons. */
export interface AcceptedRequests {
  /** Slash commands without the slash (`precheck`). */
  readonly commands: readonly string[];
  readonly actionId: RegExp;
}

/** A signed request body this app acts on, reduced to the fields Bolt and the handlers read. */
export type SlackRequestBody =
  | { readonly kind: 'url-verification'; readonly challenge: string }
  | { readonly kind: 'command'; readonly body: Readonly<Record<string, unknown>> }
  | { readonly kind: 'interaction'; readonly body: Readonly<Record<string, unknown>> }
  /** An Events API delivery: only `app_home_opened` (see `HomeOpenedSchema`). */
  | { readonly kind: 'event'; readonly body: Readonly<Record<string, unknown>> };

/** Why a body was refused, and the HTTP status that says so (400, or 415 for a media type Slack never sends). */
export interface BodyRefusal {
  readonly status: 400 | 415;
  readonly reason: string;
}

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';
const TRIGGER_ID = /^[\x21-\x7e]{1,128}$/;
const CHANNEL_ID = /^[CGD][A-Z0-9]{1,31}$/;
const SLACK_ID = /^[A-Z0-9]{1,32}$/;
const URL = /^https?:\/\/[\x21-\x7e]{1,2000}$/;
const VIEW_ID = /^V[A-Z0-9]{1,31}$/;

const short = z.string().max(255);
const pattern = (re: RegExp, what: string) => z.string().regex(re, `is not ${what}`);
const ref = z.looseObject({ id: pattern(SLACK_ID, 'a Slack id') });

/** A slash command's form fields (Slack's documented ones; any other field is dropped). */
const CommandSchema = z.object({
  command: pattern(/^\/[a-z0-9_-]{1,32}$/, 'a slash command'),
  text: z.string().max(4000),
  user_id: pattern(USER_ID_PATTERN, 'a Slack user id'),
  channel_id: pattern(CHANNEL_ID, 'a Slack channel id'),
  trigger_id: pattern(TRIGGER_ID, 'a trigger id'),
  response_url: pattern(URL, 'an http(s) URL').optional(),
  team_id: pattern(SLACK_ID, 'a Slack id').optional(),
  enterprise_id: pattern(SLACK_ID, 'a Slack id').optional(),
  api_app_id: pattern(SLACK_ID, 'a Slack id').optional(),
  is_enterprise_install: z.enum(['true', 'false']).optional(),
  token: short.optional(),
  team_domain: short.optional(),
  enterprise_name: short.optional(),
  channel_name: short.optional(),
  user_name: short.optional(),
});

/**
 * A `block_actions` payload: the fields Bolt and the click handler read. Anything else at the top level is
 * dropped, so a stray `event`, `command` or `name` cannot make Bolt take the click for another kind of request.
 */
const BlockActionsSchema = z.object({
  type: z.literal('block_actions'),
  user: z.looseObject({ id: pattern(USER_ID_PATTERN, 'a Slack user id'), team_id: short.optional() }),
  trigger_id: pattern(TRIGGER_ID, 'a trigger id'),
  actions: z
    .array(
      z.looseObject({
        action_id: short,
        action_ts: short,
        type: short,
        value: z.string().max(2000).optional(),
        block_id: short.optional(),
      }),
    )
    .min(1)
    .max(25),
  api_app_id: pattern(SLACK_ID, 'a Slack id').optional(),
  token: short.optional(),
  team: ref.nullable().optional(),
  enterprise: ref.nullable().optional(),
  is_enterprise_install: z.boolean().optional(),
  container: z
    .looseObject({
      type: short.optional(),
      channel_id: pattern(CHANNEL_ID, 'a Slack channel id').optional(),
      message_ts: short.optional(),
      view_id: pattern(VIEW_ID, 'a Slack view id').optional(),
    })
    .optional(),
  channel: z.looseObject({ id: pattern(CHANNEL_ID, 'a Slack channel id') }).optional(),
  message: z.looseObject({ ts: short }).optional(),
  // A click on the Home tab: the view it was on (only the fields the handler reads are kept).
  view: z
    .object({
      id: pattern(VIEW_ID, 'a Slack view id'),
      type: short,
      app_id: pattern(SLACK_ID, 'a Slack id').optional(),
      team_id: pattern(SLACK_ID, 'a Slack id').optional(),
      private_metadata: z.string().max(3000).optional(),
    })
    .optional(),
  response_url: pattern(URL, 'an http(s) URL').optional(),
  state: z.looseObject({}).optional(),
});

/** Why a click on a view is refused: only the Home tab's own buttons are handled, with no channel or message. */
function viewClickProblem(b: z.infer<typeof BlockActionsSchema>): string | undefined {
  if (b.container?.type !== 'view' && b.view === undefined) return undefined;
  if (b.container?.type !== 'view' || b.view?.type !== 'home')
    return 'only clicks in messages and on the Home tab are handled';
  if (b.container.view_id !== undefined && b.container.view_id !== b.view.id) return 'container.view_id is not view.id';
  if (b.channel !== undefined || b.message !== undefined || b.container.channel_id !== undefined)
    return 'a click on the Home tab has no channel or message';
  return undefined;
}

/**
 * `app_home_opened`, the one Events API event opsgate subscribes to: someone opened the app's Home (or Messages)
 * tab. Only the fields the app reads are kept; any other event type is refused before Bolt sees it.
 */
export const HomeOpenedSchema = z.object({
  type: z.literal('event_callback'),
  token: short.optional(),
  team_id: pattern(SLACK_ID, 'a Slack id'),
  api_app_id: pattern(SLACK_ID, 'a Slack id'),
  enterprise_id: pattern(SLACK_ID, 'a Slack id').nullable().optional(),
  is_enterprise_install: z.boolean().optional(),
  event_id: pattern(/^Ev[A-Z0-9]{1,40}$/, 'an event id'),
  event_time: z.number().int().nonnegative(),
  event: z.object({
    type: z.literal('app_home_opened'),
    user: pattern(USER_ID_PATTERN, 'a Slack user id'),
    channel: pattern(/^D[A-Z0-9]{1,31}$/, 'a direct message channel id').optional(),
    tab: z.enum(['home', 'messages']),
    event_ts: short,
  }),
});

const UrlVerificationSchema = z.object({ type: z.literal('url_verification'), challenge: z.string().min(1).max(500) });

const bad = (reason: string): Result<never, BodyRefusal> => err({ status: 400, reason });

/** The first problem zod found, as `what: field problem` (`slash command: user_id is missing`). */
function reasonOf(what: string, e: z.ZodError): string {
  const issue = e.issues[0];
  if (issue === undefined) return `${what} is malformed`;
  const path = issue.path.map(String).join('.');
  const problem =
    issue.code !== 'invalid_type'
      ? issue.message
      : issue.message.endsWith('received undefined')
        ? 'is missing'
        : `must be ${issue.expected === 'object' ? 'an object' : `a ${issue.expected}`}`;
  return `${what}: ${path === '' ? '' : `${path} `}${problem}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Parses and validates a verified request body before Bolt sees it: a slash command (form fields), an
 * interaction (`payload=<JSON object>`), an `app_home_opened` event or a URL verification (JSON), of the kinds this
 * app handles. Anything else
 * is refused with a reason, never thrown: Bolt reads properties of whatever the body parses to, and a `null`
 * there ends the process.
 */
export function parseRequestBody(
  contentType: string | undefined,
  raw: Buffer,
  accepts: AcceptedRequests,
): Result<SlackRequestBody, BodyRefusal> {
  const media = (contentType ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
  const text = raw.toString('utf8');
  if (media === JSON_TYPE) {
    const json = parseJson(text);
    if (!isObject(json)) return bad('the body is not a JSON object');
    if (json.type === 'event_callback') return parseEvent(json);
    if (json.type !== 'url_verification') return bad('opsgate subscribes to no Events API events but app_home_opened');
    const v = UrlVerificationSchema.safeParse(json);
    return v.success
      ? ok({ kind: 'url-verification', challenge: v.data.challenge })
      : bad(reasonOf('url_verification', v.error));
  }
  if (media !== FORM) return err({ status: 415, reason: `Slack sends ${FORM}; this request is ${media || 'untyped'}` });
  const fields = new Map<string, string>();
  for (const [k, v] of new URLSearchParams(text)) {
    if (fields.has(k)) return bad(`field ${JSON.stringify(k.slice(0, 40))} is given more than once`);
    fields.set(k, v);
  }
  const payload = fields.get('payload');
  if (payload !== undefined) return parseInteraction(payload, accepts);
  if (!fields.has('command')) return bad('the body is neither a slash command nor an interaction payload');
  const c = CommandSchema.safeParse(Object.fromEntries(fields));
  if (!c.success) return bad(reasonOf('slash command', c.error));
  if (!accepts.commands.includes(c.data.command.slice(1))) return bad(`opsgate has no ${c.data.command} command`);
  return ok({ kind: 'command', body: c.data });
}

function parseInteraction(payload: string, accepts: AcceptedRequests): Result<SlackRequestBody, BodyRefusal> {
  const json = parseJson(payload);
  if (!isObject(json)) return bad('payload is not a JSON object');
  if (json.type !== 'block_actions') {
    const type = typeof json.type === 'string' ? JSON.stringify(json.type.slice(0, 40)) : 'untyped';
    return bad(`opsgate handles no ${type} interactions, only button clicks (block_actions)`);
  }
  const b = BlockActionsSchema.safeParse(json);
  if (!b.success) return bad(reasonOf('block_actions payload', b.error));
  const viewProblem = viewClickProblem(b.data);
  if (viewProblem !== undefined) return bad(`block_actions payload: ${viewProblem}`);
  const first = b.data.actions[0]?.action_id ?? '';
  if (!accepts.actionId.test(first)) return bad('the clicked element is not an opsgate button');
  return ok({ kind: 'interaction', body: b.data });
}

function parseEvent(json: Record<string, unknown>): Result<SlackRequestBody, BodyRefusal> {
  const event = json.event;
  const type = isObject(event) && typeof event.type === 'string' ? JSON.stringify(event.type.slice(0, 40)) : 'untyped';
  if (!isObject(event) || event.type !== 'app_home_opened')
    return bad(`opsgate subscribes to no ${type} events, only app_home_opened`);
  const e = HomeOpenedSchema.safeParse(json);
  return e.success ? ok({ kind: 'event', body: e.data }) : bad(reasonOf('app_home_opened event', e.error));
}
