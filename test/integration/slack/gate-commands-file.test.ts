import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../src/core/ports/events.ts';
import type { Gate } from '../../../src/core/ports/gates.ts';
import { useFakeSlack } from '../../support/slack/web-client.ts';
import { pendingRestartGate } from '../../support/slack/xizang-fixtures.ts';

/**
 * A gate whose commands do not fit a Slack message: the approver must still be able to read every command they
 * approve, so the message says so and the whole list goes into the thread as a file, through the real WebClient's
 * files.uploadV2 into the fake Web API.
 */
const slack = useFakeSlack();

const base = { site: 'xizang', runId: 'run_000000000000gate' };

function gateEvents(commands: readonly string[]): EngineEvent[] {
  const gate: Gate = { ...pendingRestartGate('gate_long', base.runId, 'abcdef0123456789abcdef'), stepId: 'r03-stop' };
  return [
    {
      ...base,
      at: 1,
      type: 'run.requested',
      requester: 'UOPERATOR',
      runbook: 'upgrade-redis',
      args: {},
      dryRun: false,
    },
    {
      ...base,
      at: 2,
      type: 'run.planned',
      title: 'Upgrade the business Redis',
      planHash: gate.planHash,
      dryRun: false,
      rendered: '',
      steps: [{ id: 'r03-stop', title: 'Stop redis', kind: 'action', destructive: true, hash: 'a1' }],
    },
    {
      ...base,
      at: 3,
      type: 'gate.opened',
      gate,
      context: {
        stepTitle: 'Stop redis',
        targets: [
          { host: 'redis-b', commands },
          { host: 'redis-a', commands },
        ],
      },
    },
  ];
}

async function publish(commands: readonly string[]): Promise<string> {
  await slack.publishAll(gateEvents(commands));
  return JSON.stringify(slack.fake.ok('chat.postMessage').map((c) => c.params.blocks));
}

describe('a gate whose commands do not fit its message', () => {
  it('says so in the gate and puts every command, whole, in a file under it', async () => {
    const long = `systemctl stop redis && ${Array.from({ length: 300 }, (_, i) => `test -e /app/data/part-${i}`).join(' && ')}`;
    const blocks = await publish([long, 'systemctl stop keepalived']);
    expect(blocks).toContain('every command is in the file gate-r03-stop-commands.txt under it');
    expect(slack.fake.ok('files.getUploadURLExternal').map((c) => c.params.filename)).toEqual([
      'gate-r03-stop-commands.txt',
    ]);
    const file = slack.fake.uploads[0]?.content ?? '';
    expect(file).toContain('# redis-b, redis-a (2 host(s))');
    expect(file).toContain(`${long}\nsystemctl stop keepalived\n`);
    expect(file).toContain('plan abcdef0123456789abcdef');
  });

  it('uploads nothing when the message shows every command', async () => {
    const blocks = await publish(['systemctl stop redis']);
    expect(blocks).toContain('systemctl stop redis');
    expect(blocks).not.toContain('gate-r03-stop-commands.txt');
    expect(slack.fake.ok('files.getUploadURLExternal')).toEqual([]);
  });
});
