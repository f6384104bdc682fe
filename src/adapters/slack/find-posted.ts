import type { PostedMessage } from '../../core/ports/run-thread-store.ts';
import type { SlackWebClientPort } from './web-client-port.ts';

/** The metadata event type of every message opsgate posts with a key. */
export const POST_KEY_EVENT = 'opsgate_post';

/** Pages read at most when looking for one message (200 messages each). */
const MAX_PAGES = 25;

/**
 * Finds the message opsgate posted with `key` (in its metadata) in a thread (`threadTs`) or among the
 * channel's messages, looking no further back than `sinceMs` (when the post was about to be made). Resolves
 * undefined when Slack has no such message: it was never posted. API errors propagate.
 */
export async function findPosted(
  client: SlackWebClientPort,
  channel: string,
  key: string,
  opts: { readonly threadTs?: string; readonly sinceMs: number },
): Promise<PostedMessage | undefined> {
  // A little earlier than recorded: our clock and Slack's may differ.
  const oldest = (Math.max(0, opts.sinceMs - 60_000) / 1000).toFixed(6);
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const res = await client.readMessages({
      channel,
      oldest,
      limit: 200,
      include_all_metadata: true,
      ...(opts.threadTs === undefined ? {} : { ts: opts.threadTs }),
      ...(cursor === undefined ? {} : { cursor }),
    });
    for (const m of res.messages ?? []) {
      const payload =
        m.metadata?.event_type === POST_KEY_EVENT
          ? (m.metadata.event_payload as { key?: unknown } | undefined)
          : undefined;
      if (payload?.key === key && typeof m.ts === 'string') return { channel, ts: m.ts };
    }
    cursor = res.response_metadata?.next_cursor || undefined;
    if (cursor === undefined) return undefined;
  }
  throw new Error(`more than ${MAX_PAGES * 200} messages to look through in ${channel}`);
}
