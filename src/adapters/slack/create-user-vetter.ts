/** What users.info tells about a person, as far as deciding gates is concerned. */
export interface SlackUserFacts {
  readonly deleted?: boolean;
  readonly is_bot?: boolean;
  readonly is_restricted?: boolean;
  readonly is_ultra_restricted?: boolean;
}

/** The one Web API call the vetter needs (`users.info`); undefined for an unknown user. */
export interface UsersInfoApi {
  userInfo(user: string): Promise<SlackUserFacts | undefined>;
}

/**
 * Refuses deactivated accounts, bots and guests before any decision (a guest or a bot in the channel can see
 * the buttons). Answers are cached briefly; API errors propagate so that the click is refused (fail closed).
 * Resolves with the reason for a refusal, or undefined when the person may go on to the policy checks.
 */
export function createUserVetter(api: UsersInfoApi, opts: { readonly now: () => number; readonly ttlMs?: number }) {
  const cache = new Map<string, { reason: string | undefined; until: number }>();
  const ttl = opts.ttlMs ?? 60_000;
  return async function vetUser(user: string): Promise<string | undefined> {
    const hit = cache.get(user);
    if (hit && hit.until > opts.now()) return hit.reason;
    const facts = await api.userInfo(user);
    const reason =
      facts === undefined
        ? 'Slack does not know your account, so opsgate cannot count your decision.'
        : facts.deleted
          ? 'Your Slack account is deactivated.'
          : facts.is_bot
            ? 'Bots cannot decide gates.'
            : facts.is_restricted || facts.is_ultra_restricted
              ? 'Guest accounts cannot decide gates.'
              : undefined;
    cache.set(user, { reason, until: opts.now() + ttl });
    return reason;
  };
}
