import type { BlockAction, ButtonAction, SlackActionMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { describeError } from '../../core/opsgate-error.ts';
import { parseActionRef } from '../../commands/action-ref.ts';
import { dispatchCommand } from '../../commands/dispatch-command.ts';
import { handleGateAction, type GateActionDeps } from '../../commands/gate-action-handler.ts';
import type { AppLog } from './app-log.ts';
import type { SlackPoster } from './slack-poster.ts';
import { renderGate } from './render-gate.ts';
import { renderNotice } from './render-notice.ts';
import { replyRefs } from './block-limits.ts';
import type { ReplayGuard } from '../../core/ports/replay-guard.ts';
import type { ResponseUrlPoster } from './response-url-poster.ts';
import { respondWith, showReply, type Respond } from './show-reply.ts';
import type { HomeTab } from './home-tab.ts';
import { homePageOf } from './render-home.ts';

export type CommandArgs = Pick<SlackCommandMiddlewareArgs, 'body' | 'respond'>;
export type ActionArgs = Pick<SlackActionMiddlewareArgs<BlockAction<ButtonAction>>, 'body' | 'action' | 'respond'>;

/**
 * The lane of a slash command's work (`AckFirstQueue`): what it acts on, so that interactions with one run
 * keep their order. `/rollback` and `/audit` act on the run they name; the others start a run or only read,
 * and run side by side (the site lock settles two starts at once).
 */
export function commandLane(body: {
  readonly command: string;
  readonly text: string;
  readonly trigger_id: string;
}): string {
  if (body.command === '/rollback' || body.command === '/audit')
    return `run:${body.text.trim().split(/\s+/, 1)[0] ?? ''}`;
  return `cmd:${body.trigger_id}`;
}

/** The lane of a click's work: its gate (two clicks on one gate are decided in the order they came). */
export function actionLane(value: string | undefined, triggerId: string): string {
  const ref = parseActionRef(value ?? '');
  return ref.ok ? `gate:${ref.value.gateId}` : `act:${triggerId}`;
}

/** What the work after an ack needs. */
export interface InteractionWorkDeps {
  readonly deps: GateActionDeps;
  readonly poster: SlackPoster;
  readonly responses: ResponseUrlPoster;
  readonly replays: ReplayGuard;
  readonly now: () => number;
  readonly log: AppLog;
  /** When known, clicks from another app are refused. */
  readonly appId?: string;
  /** The Home tabs (a click on Home is answered by republishing the clicker's tab). */
  readonly home?: HomeTab;
}

/** True for a click on the Home tab (a view, no channel or message) rather than in a message. */
export function isHomeClick(body: ActionArgs['body']): boolean {
  return body.container?.type === 'view' && body.view?.type === 'home';
}

/**
 * The work done for a slash command or a click once it has been acknowledged: the handler, then the answer
 * (privately through the interaction's `response_url`, or the gate message updated). Every failure is
 * answered privately with what to do next.
 */
export function interactionWork(w: InteractionWorkDeps) {
  const channels = w.deps.sites.map((s) => s.channel);
  /** References a reply may link (the sites' channels), never one the person typed or sent. */
  const refsFor = (typed: string) => replyRefs(channels, typed);
  /** Answers through `response_url` on kept-alive connections; Bolt's `respond` when the body has none. */
  const responder =
    (responseUrl: string | undefined, respond: CommandArgs['respond'] | undefined): Respond =>
    (m) =>
      responseUrl !== undefined && responseUrl !== ''
        ? w.responses.post(responseUrl, m)
        : (respond as (x: unknown) => Promise<unknown>)({ ...m, blocks: [...m.blocks] });

  async function runCommand({ body, respond }: CommandArgs): Promise<void> {
    const respondFn = responder(body.response_url, respond);
    try {
      if (!(await w.replays.firstTime(`cmd:${body.trigger_id}`))) {
        w.log.warn({ command: body.command, user: body.user_id }, 'replayed slash command ignored');
        return;
      }
      const reply = await dispatchCommand(
        w.deps,
        { user: body.user_id, channel: body.channel_id },
        `${body.command} ${body.text}`,
      );
      await showReply(reply, { respond: respondFn, poster: w.poster, now: w.now, refs: refsFor(body.text) });
    } catch (e) {
      w.log.error({ err: describeError(e), command: body.command, user: body.user_id }, 'slash command failed');
      await respondWith(
        respondFn,
        renderNotice(
          'error',
          `opsgate could not handle ${body.command}: ${describeError(e)}. Check /runs before trying again (it may have started), and tell an operator if it persists.`,
        ),
      ).catch(() => undefined);
    }
  }

  async function runAction({ body, action, respond }: ActionArgs): Promise<void> {
    const home = isHomeClick(body) ? { tab: w.home, viewId: body.view?.id ?? '' } : undefined;
    const respondFn = responder(body.response_url, respond);
    // On Home there is no message to answer under: the clicker's tab is republished with the reason on top.
    const refuse = (why: string) =>
      home !== undefined
        ? (home.tab?.show(body.user.id, { note: why, seen: true }) ?? Promise.resolve())
        : respondWith(respondFn, renderNotice('error', why, refsFor(action.value ?? '')));
    try {
      if (w.appId !== undefined && body.api_app_id !== w.appId)
        return void (await refuse('This click came from another Slack app.'));
      if (!(await w.replays.firstTime(`act:${body.trigger_id}:${action.action_ts}`)))
        return void (await refuse('This click was already received; it is counted once.'));
      let channel = body.container?.channel_id ?? body.channel?.id ?? '';
      const messageTs = home === undefined ? (body.container?.message_ts ?? body.message?.ts) : undefined;
      if (home !== undefined) {
        // A Home click has no channel: the gate's channel is the one its tab recorded, or its own site's while it
        // is pending, never from the click (see HomeTab.gateChannel).
        const ref = parseActionRef(action.value ?? '');
        const shown = ref.ok ? await home.tab?.gateChannel(body.user.id, home.viewId, ref.value.gateId) : undefined;
        if (ref.ok && shown === undefined)
          return void (await refuse('That gate no longer waits for a decision; your Home tab has been refreshed.'));
        channel = shown ?? '';
      }
      const res = await handleGateAction(w.deps, {
        actionId: action.action_id,
        value: action.value ?? '',
        user: body.user.id,
        channel,
        ...(messageTs === undefined ? {} : { messageTs }),
        ...(home === undefined ? {} : { via: 'home' as const }),
      });
      if (!res.ok) return void (await refuse(res.error));
      if (messageTs !== undefined) await w.poster.update(channel, messageTs, renderGate(res.value.gate));
      if (home !== undefined) await home.tab?.show(body.user.id, { seen: true });
    } catch (e) {
      w.log.error({ err: describeError(e), user: body.user.id }, 'gate click failed');
      await refuse(`opsgate could not record your click: ${describeError(e)}. Nothing was decided; try again.`).catch(
        () => undefined,
      );
    }
  }

  /** A page button on the Home tab: that page of the clicker's tab. */
  async function runHomePage({ body, action }: Pick<ActionArgs, 'body' | 'action'>): Promise<void> {
    if (!isHomeClick(body) || (w.appId !== undefined && body.api_app_id !== w.appId)) return;
    await w.home?.show(body.user.id, { page: homePageOf(action.value), seen: true });
  }

  /** Someone opened the app's Home tab: their tab, published afresh. */
  async function runHomeOpened(user: string): Promise<void> {
    await w.home?.show(user, { seen: true });
  }

  return { runCommand, runAction, runHomePage, runHomeOpened };
}
