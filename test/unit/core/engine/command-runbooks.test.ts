import { describe, expect, it } from 'vitest';
import {
  DEFAULT_COMMAND_RUNBOOKS,
  parseCommandRunbooks,
  runbookFor,
} from '../../../../src/core/engine/command-runbooks.ts';

describe('command to runbook table', () => {
  it('maps each command to its runbook, with the OceanBase cluster and version as arguments', () => {
    expect(runbookFor(DEFAULT_COMMAND_RUNBOOKS, { name: 'precheck', site: 'xizang' })).toEqual({
      ok: true,
      value: { runbook: 'precheck', args: {} },
    });
    expect(
      runbookFor(DEFAULT_COMMAND_RUNBOOKS, { name: 'upgrade', site: 'xizang', phase: 'kafka', dryRun: false }),
    ).toEqual({
      ok: true,
      value: { runbook: 'upgrade-kafka', args: {} },
    });
    expect(
      runbookFor(DEFAULT_COMMAND_RUNBOOKS, {
        name: 'upgrade',
        site: 's',
        phase: 'ob',
        cluster: 'ob1',
        toVersion: '4.3.5.5',
        dryRun: true,
      }),
    ).toEqual({
      ok: true,
      value: { runbook: 'ob-upgrade', args: { cluster: 'ob1', toVersion: '4.3.5.5' } },
    });
  });

  it('rebinds a command from OPSGATE_COMMAND_RUNBOOKS and keeps the others', () => {
    const r = parseCommandRunbooks(' upgrade  redis = lab-move-dir ; precheck=site-precheck');
    expect(r.ok && r.value['upgrade redis']).toBe('lab-move-dir');
    expect(r.ok && r.value.precheck).toBe('site-precheck');
    expect(r.ok && r.value['upgrade kafka']).toBe('upgrade-kafka');
  });

  it('names the entry and what is wrong with it', () => {
    expect(parseCommandRunbooks('upgrade redis=ok,upgrade mongo=x')).toEqual({
      ok: false,
      error: expect.stringMatching(/^entry 2 \("upgrade mongo=x"\): the command must be one of precheck, /) as unknown,
    });
    expect(parseCommandRunbooks('precheck=Bad Id')).toEqual({
      ok: false,
      error: 'entry 1 ("precheck=Bad Id"): "Bad Id" is not a runbook id',
    });
    expect(parseCommandRunbooks('precheck')).toMatchObject({ ok: false });
  });

  it('says which command has no runbook', () => {
    const { precheck: _gone, ...rest } = DEFAULT_COMMAND_RUNBOOKS;
    expect(runbookFor(rest, { name: 'precheck', site: 'xizang' })).toEqual({
      ok: false,
      error: 'no runbook is configured for "precheck"',
    });
  });
});
