import { describe, expect, it } from 'vitest';
import { loadSite } from '../../../../src/adapters/files/load-site.ts';
import { resolveTargets } from '../../../../src/core/sites/resolve-targets.ts';
import type { SiteFile } from '../../../../src/core/sites/site-schema.ts';
import { mayStartRuns, toApprovalPolicy } from '../../../../src/core/sites/to-approval-policy.ts';
import { edit, memoryDeps, SITE_FILE, SITE_YAML } from './site-fixture.ts';

async function site(text = SITE_YAML): Promise<SiteFile> {
  const r = await loadSite(SITE_FILE, memoryDeps({ [SITE_FILE]: text }));
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value.site;
}

describe('the site policy', () => {
  it('maps onto the gates port: approvers, four eyes by default, expiry in ms', async () => {
    const s = await site(edit(SITE_YAML, 'expiry: 30m', 'expiry: 1h30m\n  requesterMayApprove: true'));
    expect(toApprovalPolicy(s.policy)).toEqual({
      approvers: ['UAPP1', 'UAPP2'],
      approverGroups: [],
      approvalsNeeded: 1,
      requesterMayApprove: true,
      expiresAfterMs: 90 * 60_000,
    });
    expect(toApprovalPolicy((await site()).policy)).toMatchObject({
      requesterMayApprove: false,
      expiresAfterMs: 30 * 60_000,
    });
  });

  it('lets only the listed users and groups start runs', async () => {
    const s = await site(edit(SITE_YAML, '{ users: [UOPS] }', '{ users: [UOPS], groups: [SOPS] }'));
    expect(mayStartRuns(s.policy.starters, 'UOPS', [])).toBe(true);
    expect(mayStartRuns(s.policy.starters, 'UOTHER', ['SOPS'])).toBe(true);
    expect(mayStartRuns(s.policy.starters, 'UAPP1', ['SOTHER'])).toBe(false);
  });
});

describe('resolveTargets', () => {
  it('expands groups from hosts and the groups map, in file order, each host once', async () => {
    const s = await site(edit(SITE_YAML, 'middleware:\n', 'groups:\n  paas: [redis-b]\nmiddleware:\n'));
    expect(resolveTargets(s, { groups: ['paas'], hosts: ['app-1'] }).map((h) => h.name)).toEqual([
      'app-1',
      'app-2',
      'redis-b',
    ]);
  });
});
