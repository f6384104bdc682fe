import { describe, expect, it } from 'vitest';
import { createUserGroupResolver } from '../../../../src/adapters/slack/create-user-group-resolver.ts';
import { createUserVetter } from '../../../../src/adapters/slack/create-user-vetter.ts';
import { MemoryReplayGuard } from '../../../../src/adapters/slack/memory-replay-guard.ts';

describe('createUserGroupResolver', () => {
  it('asks Slack once per group within the cache time and again after it', async () => {
    let t = 0;
    const asked: string[] = [];
    const groupsOf = createUserGroupResolver(
      { listUsers: async (g) => (asked.push(g), g === 'SAPP' ? ['U1'] : []) },
      { now: () => t, ttlMs: 60_000 },
    );
    expect(await groupsOf('U1', ['SAPP', 'SOTHER'])).toEqual(['SAPP']);
    expect(await groupsOf('U2', ['SAPP'])).toEqual([]);
    expect(asked).toEqual(['SAPP', 'SOTHER']);
    t = 60_001;
    await groupsOf('U1', ['SAPP']);
    expect(asked).toEqual(['SAPP', 'SOTHER', 'SAPP']);
  });

  it('lets an API failure through so that the click is refused', async () => {
    const groupsOf = createUserGroupResolver(
      {
        listUsers: async () => {
          throw new Error('plan_upgrade_required');
        },
      },
      { now: () => 0 },
    );
    await expect(groupsOf('U1', ['SAPP'])).rejects.toThrow('plan_upgrade_required');
  });
});

describe('createUserVetter', () => {
  it('turns down deactivated accounts, bots, guests and unknown users, and lets members through', async () => {
    const facts: Record<string, object | undefined> = {
      UOK: {},
      UGONE: { deleted: true },
      UBOT: { is_bot: true },
      UGUEST: { is_ultra_restricted: true },
    };
    const vet = createUserVetter({ userInfo: async (u) => facts[u] }, { now: () => 0 });
    expect(await vet('UOK')).toBeUndefined();
    expect(await vet('UGONE')).toContain('deactivated');
    expect(await vet('UBOT')).toContain('Bots');
    expect(await vet('UGUEST')).toContain('Guest');
    expect(await vet('UNONE')).toContain('does not know');
  });
});

describe('MemoryReplayGuard', () => {
  it('recognises a repeat within the window and forgets it after', async () => {
    let t = 0;
    const guard = new MemoryReplayGuard(() => t, 1000);
    expect(await guard.firstTime('a')).toBe(true);
    expect(await guard.firstTime('a')).toBe(false);
    expect(await guard.firstTime('b')).toBe(true);
    t = 1001;
    expect(await guard.firstTime('a')).toBe(true);
  });
});
