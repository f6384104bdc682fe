/** The one Web API call the resolver needs: a page of `conversations.members`. */
export interface ChannelMembersApi {
  membersPage(channel: string, cursor: string | undefined): Promise<{ members: readonly string[]; next?: string }>;
}

/**
 * Who is in a site's channel (`conversations.members`, every page), cached per channel: the Home tab lists the
 * active runs of the sites whose channel a person is in. Errors propagate (the Home then says it could not tell).
 */
export function createChannelMembers(
  api: ChannelMembersApi,
  opts: { readonly now: () => number; readonly ttlMs?: number; readonly maxPages?: number },
) {
  const cache = new Map<string, { members: ReadonlySet<string>; until: number }>();
  const ttl = opts.ttlMs ?? 60_000;
  return async function membersOf(channel: string): Promise<ReadonlySet<string>> {
    const hit = cache.get(channel);
    if (hit && hit.until > opts.now()) return hit.members;
    const members = new Set<string>();
    let cursor: string | undefined;
    // Bounded: 20 pages of 1000 members.
    for (let page = 0; page < (opts.maxPages ?? 20); page++) {
      const r = await api.membersPage(channel, cursor);
      for (const m of r.members) members.add(m);
      cursor = r.next;
      if (cursor === undefined || cursor === '') break;
    }
    cache.set(channel, { members, until: opts.now() + ttl });
    return members;
  };
}
