/** The one Web API call the resolver needs (`usergroups.users.list`). */
export interface UserGroupsApi {
  listUsers(usergroup: string): Promise<readonly string[]>;
}

/**
 * Resolves which of a site's approver groups a user belongs to, caching each group's members (the API is
 * Tier 2: about 20 calls a minute). Errors propagate so that the caller refuses the click (fail closed).
 */
export function createUserGroupResolver(
  api: UserGroupsApi,
  opts: { readonly now: () => number; readonly ttlMs?: number },
) {
  const cache = new Map<string, { members: ReadonlySet<string>; until: number }>();
  const ttl = opts.ttlMs ?? 60_000;
  async function members(group: string): Promise<ReadonlySet<string>> {
    const hit = cache.get(group);
    if (hit && hit.until > opts.now()) return hit.members;
    const set = new Set(await api.listUsers(group));
    cache.set(group, { members: set, until: opts.now() + ttl });
    return set;
  }
  return async function groupsOf(user: string, candidates: readonly string[]): Promise<readonly string[]> {
    const out: string[] = [];
    for (const g of candidates) if ((await members(g)).has(user)) out.push(g);
    return out;
  };
}
