import type { EngineEvent, EventFeed } from '../ports/events.ts';

/** Events read per call: a site's stream holds about 10,000 entries, so a whole read takes a few calls. */
const PAGE = 500;

/**
 * Every event of one run on its site's stream, oldest first. `/show` renders these in full; the stream is capped,
 * so a run old enough to have been trimmed off comes back with its latest events only (or none).
 */
export async function readRunEvents(feed: EventFeed, site: string, runId: string): Promise<readonly EngineEvent[]> {
  const found: EngineEvent[] = [];
  let after = '0-0';
  for (;;) {
    const batch = await feed.read(site, after, { count: PAGE });
    for (const { id, event } of batch) {
      after = id;
      if (event.runId === runId) found.push(event);
    }
    if (batch.length < PAGE) return found;
  }
}
