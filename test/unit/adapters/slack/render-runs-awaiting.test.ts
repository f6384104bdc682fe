import { describe, expect, it } from 'vitest';
import { checkMessage } from '../../../../src/adapters/slack/check-message.ts';
import { renderPlan } from '../../../../src/adapters/slack/render-notice.ts';
import { renderRunsList } from '../../../../src/adapters/slack/render-runs-list.ts';
import { showReply, type Respond } from '../../../../src/adapters/slack/show-reply.ts';
import type { SlackPoster } from '../../../../src/adapters/slack/slack-poster.ts';
import type { RunSummary } from '../../../../src/core/ports/views.ts';

const run = (over: Partial<RunSummary>): RunSummary => ({
  id: 'run_0000000000000001',
  site: 'xizang',
  title: 'upgrade redis',
  state: 'failed',
  requester: 'UOPERATOR',
  startedAt: 1_700_000_000_000,
  ...over,
});

describe('/runs in Slack', () => {
  it('counts failed and rejected runs as active, with what each waits for, and a dry run as recent', () => {
    const msg = renderRunsList(
      [
        run({ awaiting: 'waiting at the failure gate of r05: retry / roll back / abort' }),
        run({ id: 'run_0000000000000002', state: 'rejected', awaiting: 'rejected at r03: /rollback run_2 …' }),
        run({ id: 'run_0000000000000003', state: 'dry-run', finishedAt: 1_700_000_000_100 }),
      ],
      ['xizang'],
      1_700_000_060_000,
    );
    expect(checkMessage(msg)).toEqual([]);
    const text = JSON.stringify(msg.blocks);
    expect(text).toContain('*Active* (2)');
    expect(text).toContain('↳ waiting at the failure gate of r05: retry / roll back / abort');
    expect(text).toContain('*Recent* (1)');
    expect(text).toContain(':memo: dry run (plan only, nothing ran) run_0000000000000003');
    expect(msg.text).toContain('2 active, 1 recent');
  });

  it('keeps a hostile awaiting line inert and bounded', () => {
    const msg = renderRunsList(
      [run({ awaiting: `<!channel> <@UEVIL> ${'x'.repeat(100_000)}` })],
      ['xizang'],
      1_700_000_060_000,
    );
    expect(checkMessage(msg)).toEqual([]);
    expect(JSON.stringify(msg.blocks)).not.toMatch(/<!channel>|<@UEVIL>/);
  });
});

describe('the run-store warning in Slack', () => {
  it('heads a dry-run plan and follows a confirmation', async () => {
    const plan = renderPlan('Dry run: upgrade redis at xizang', 'redis-a: mv a b', 'Warning: persists nothing <!here>');
    expect(checkMessage(plan)).toEqual([]);
    expect(JSON.stringify(plan.blocks)).toContain(':warning: Warning: persists nothing &lt;!here&gt;');
    const said: Parameters<Respond>[0][] = [];
    const respond: Respond = async (m) => said.push(m);
    const poster = {} as SlackPoster;
    await showReply(
      { kind: 'accepted', text: 'Precheck requested as run run_1.', warning: 'Warning: persists nothing' },
      {
        respond,
        poster,
        now: () => 0,
      },
    );
    expect(said[0]?.text).toBe('Precheck requested as run run_1. :warning: Warning: persists nothing');
  });
});
