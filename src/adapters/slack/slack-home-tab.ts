import type { App } from '@slack/bolt';
import type { AppLog } from './app-log.ts';
import { createChannelMembers } from './create-channel-members.ts';
import { HomeTab, type HomeTabDeps } from './home-tab.ts';

/**
 * The people's Home tabs on a Slack app's Web API client: who is in a site's channel from conversations.members
 * (paged, cached by `createChannelMembers`), and each tab published with views.publish.
 */
export function slackHomeTab(
  client: App['client'],
  deps: HomeTabDeps['deps'],
  opts: { readonly now: () => number; readonly log: AppLog },
): HomeTab {
  const membersOf = createChannelMembers(
    {
      membersPage: async (channel, cursor) => {
        const r = await client.conversations.members({ channel, limit: 1000, ...(cursor ? { cursor } : {}) });
        const next = r.response_metadata?.next_cursor;
        return { members: r.members ?? [], ...(next ? { next } : {}) };
      },
    },
    { now: opts.now },
  );
  return new HomeTab({
    deps,
    membersOf,
    publish: async (user, view) =>
      (
        await client.views.publish({
          user_id: user,
          view: view as unknown as Parameters<typeof client.views.publish>[0]['view'],
        })
      ).view?.id,
    now: opts.now,
    log: opts.log,
  });
}
