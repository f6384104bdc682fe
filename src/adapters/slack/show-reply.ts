import { assertNever } from '../../core/result.ts';
import type { CommandReply } from '../../core/ports/chat-engine.ts';
import type { SlackMessage } from './blocks.ts';
import type { SlackPoster } from './slack-poster.ts';
import { renderNotice, renderPlan } from './render-notice.ts';
import { renderRunsList } from './render-runs-list.ts';
import { renderShow } from './render-show.ts';

/** Answers the person privately through the interaction's `response_url`. */
export type Respond = (m: {
  response_type: 'ephemeral';
  replace_original: false;
  text: string;
  blocks: SlackMessage['blocks'];
}) => Promise<unknown>;

/** Sends a rendered message privately to the person who typed the command or clicked. */
export const respondWith = (respond: Respond, msg: SlackMessage): Promise<unknown> =>
  respond({ response_type: 'ephemeral', replace_original: false, text: msg.text, blocks: msg.blocks });

/**
 * Shows a handler's reply in Slack: private notices through `respond`, plans and audit files through the poster.
 * A notice may quote what the person typed, so it is escaped; only the references in `io.refs` stay live.
 */
export async function showReply(
  reply: CommandReply,
  io: { respond: Respond; poster: SlackPoster; now: () => number; refs?: readonly string[] },
): Promise<void> {
  switch (reply.kind) {
    case 'accepted':
      await respondWith(
        io.respond,
        renderNotice(
          'info',
          reply.warning === undefined ? reply.text : `${reply.text}\n:warning: ${reply.warning}`,
          io.refs,
        ),
      );
      return;
    case 'refused':
      await respondWith(io.respond, renderNotice('error', reply.text, io.refs));
      return;
    case 'plan': {
      const msg = renderPlan(reply.title, reply.text, reply.warning);
      const posted = await io.poster.post(reply.channel, msg);
      if (msg.truncated)
        await io.poster.upload(reply.channel, posted.ts, {
          filename: `plan-${reply.site}.txt`,
          content: reply.text,
          title: reply.title,
        });
      return;
    }
    case 'runs':
      await respondWith(io.respond, renderRunsList(reply.runs, reply.sites, io.now()));
      return;
    case 'audit': {
      const thread = reply.run.thread;
      if (thread === undefined) {
        await respondWith(
          io.respond,
          renderNotice('error', `Run ${reply.run.id} has no thread yet; try again once its first message is posted.`),
        );
        return;
      }
      await io.poster.upload(thread.channel, thread.ts, {
        filename: reply.export.filename,
        content: reply.export.content,
        title: `Audit of ${reply.run.id}`,
      });
      await respondWith(io.respond, renderNotice('info', `The audit export of ${reply.run.id} is in its thread.`));
      return;
    }
    case 'show':
      for (const msg of renderShow(reply.run, reply.events, reply.stepId)) await respondWith(io.respond, msg);
      return;
    case 'switch-user':
      await respondWith(io.respond, renderNotice('error', '/as only works in the opsgate console.'));
      return;
    default:
      assertNever(reply, 'reply');
  }
}
