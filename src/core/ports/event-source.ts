import type { EventFeed } from './events.ts';

/** An event feed that can also say where a site's stream ends now, so a follower misses nothing after it. */
export interface EventSource extends EventFeed {
  /** The id of the last event of the site's stream (`0-0` when empty). */
  latestId(site: string): Promise<string>;
}
