import { describe, expect, it } from 'vitest';
import { interpretProbes } from '../../../../src/core/engine/reconcile-step.ts';

describe('interpretProbes', () => {
  const f = (ok: boolean, evidence: string) => ({ probe: 'p', host: 'h', ok, evidence });
  it('says the step completed when its verification passes', () => {
    expect(interpretProbes([f(false, '/a is absent')], [f(true, '/a is absent'), f(true, '/b exists')])).toMatch(
      /^Verification passes .*the step completed; mark it done\.$/,
    );
  });
  it('says the step did not start, and a retry is safe, when nothing was sent and the preconditions still hold', () => {
    expect(interpretProbes([f(true, '/a exists')], [f(false, '/b is absent')], true, [])).toBe(
      'Not started: no command reached a host and its preconditions still hold (/a exists on h); retry is safe.',
    );
  });
  it('says a step that sent its commands may be partly done even when its preconditions still hold', () => {
    expect(interpretProbes([f(true, '/a exists')], [f(false, '/b is absent')], true, ['h'])).toBe(
      'Its commands were sent to h and its preconditions still hold (/a exists on h): the step may be partly done, ' +
        'or still running there; look before deciding.',
    );
    expect(interpretProbes([f(true, '/a exists')], [f(false, '/b is absent')])).toMatch(/may be partly done/);
  });
  it('does not call a step that sent nothing "not started" when its preconditions no longer hold', () => {
    expect(interpretProbes([f(false, '/a is absent')], [f(false, '/b is absent')], true, [])).toBe(
      'No command of this step reached a host, but not all its preconditions hold now (NOT ok on h: /a is absent): ' +
        'look before deciding.',
    );
    expect(interpretProbes([], [], false, [])).toMatch(
      /^No command reached a host, but the hosts could not be reached/,
    );
  });
  it('warns of a partial change when neither holds', () => {
    expect(interpretProbes([f(false, 'x')], [f(false, 'y')])).toMatch(/may be partly done/);
  });
});
