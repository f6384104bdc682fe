import { describe, expect, it } from 'vitest';
import { createChannelMembers } from '../../../../src/adapters/slack/create-channel-members.ts';

/** conversations.members over a list, two members a page, recording each call. */
function api(members: string[]) {
  const calls: (string | undefined)[] = [];
  return {
    calls,
    membersPage: async (_channel: string, cursor: string | undefined) => {
      calls.push(cursor);
      const from = Number(cursor ?? 0);
      const next = from + 2 < members.length ? String(from + 2) : undefined;
      return { members: members.slice(from, from + 2), ...(next === undefined ? {} : { next }) };
    },
  };
}

describe('createChannelMembers', () => {
  it('reads every page, then answers from its cache until it expires', async () => {
    let now = 0;
    const a = api(['U1', 'U2', 'U3', 'U4', 'U5']);
    const membersOf = createChannelMembers(a, { now: () => now, ttlMs: 1000 });
    expect([...(await membersOf('C1'))]).toEqual(['U1', 'U2', 'U3', 'U4', 'U5']);
    expect(a.calls).toEqual([undefined, '2', '4']);
    await membersOf('C1');
    expect(a.calls).toHaveLength(3);
    now = 1000;
    await membersOf('C1');
    expect(a.calls).toHaveLength(6);
  });

  it('stops after its page budget, and lets an error through (the Home tab then says it could not tell)', async () => {
    const a = api(Array.from({ length: 100 }, (_, i) => `U${i}`));
    expect((await createChannelMembers(a, { now: () => 0, maxPages: 3 })('C1')).size).toBe(6);
    const failing = createChannelMembers(
      {
        membersPage: async () => {
          throw new Error('missing_scope');
        },
      },
      { now: () => 0 },
    );
    await expect(failing('C1')).rejects.toThrow('missing_scope');
  });
});
