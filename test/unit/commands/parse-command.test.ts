import { describe, expect, it } from 'vitest';
import { parseCommand, type ParseOptions } from '../../../src/commands/parse-command.ts';
import { tokenize } from '../../../src/commands/tokenize.ts';

const opts: ParseOptions = {
  sites: [
    { name: 'xizang', obClusters: ['obc1'] },
    { name: 'lhasa-2', obClusters: [] },
  ],
};
const parse = (line: string, o: ParseOptions = opts) => parseCommand(line, o);
const errorOf = (line: string, o: ParseOptions = opts) => {
  const r = parse(line, o);
  if (r.ok) throw new Error(`expected ${line} to be refused, got ${JSON.stringify(r.value)}`);
  return r.error;
};

describe('parseCommand', () => {
  it.each([
    ['/precheck xizang', { name: 'precheck', site: 'xizang' }],
    ['precheck xizang', { name: 'precheck', site: 'xizang' }],
    ['/precheck  xizang\tob obc1', { name: 'precheck', site: 'xizang', cluster: 'obc1' }],
    ['/upgrade xizang redis', { name: 'upgrade', site: 'xizang', phase: 'redis', dryRun: false }],
    ['/upgrade xizang csb-redis', { name: 'upgrade', site: 'xizang', phase: 'csb-redis', dryRun: false }],
    ['/upgrade xizang csb-redis --dry-run', { name: 'upgrade', site: 'xizang', phase: 'csb-redis', dryRun: true }],
    ['/upgrade xizang paas --dry-run', { name: 'upgrade', site: 'xizang', phase: 'paas', dryRun: true }],
    [
      '/upgrade xizang ob obc1 --to 4.3.5.5',
      { name: 'upgrade', site: 'xizang', phase: 'ob', cluster: 'obc1', toVersion: '4.3.5.5', dryRun: false },
    ],
    [
      '/upgrade xizang ob obc1 --dry-run --to 4.2.1_BP10',
      { name: 'upgrade', site: 'xizang', phase: 'ob', cluster: 'obc1', toVersion: '4.2.1_BP10', dryRun: true },
    ],
    ['/rollback run_0123456789abcdef', { name: 'rollback', runId: 'run_0123456789abcdef' }],
    ['/runs', { name: 'runs' }],
    ['/runs lhasa-2', { name: 'runs', site: 'lhasa-2' }],
    ['/audit run_0123456789abcdef', { name: 'audit', runId: 'run_0123456789abcdef' }],
    ['/show run_0123456789abcdef', { name: 'show', runId: 'run_0123456789abcdef' }],
    ['/show run_0123456789abcdef r03', { name: 'show', runId: 'run_0123456789abcdef', stepId: 'r03' }],
  ])('parses %j', (line, expected) => {
    expect(parse(line)).toEqual({ ok: true, value: expected });
  });

  it('lists the valid sites when the site is unknown', () => {
    const e = errorOf('/precheck tibet');
    expect(e.code).toBe('UNKNOWN_SITE');
    expect(e.message).toContain('Valid sites: lhasa-2, xizang');
  });

  it('lists the valid phases when the phase is unknown or missing', () => {
    expect(errorOf('/upgrade xizang mysql').message).toContain(
      'Valid phases: redis, csb-redis, kafka, fastdfs, paas, ob',
    );
    expect(errorOf('/upgrade xizang csb').message).toContain('Unknown phase');
    expect(errorOf('/upgrade xizang csb-redis obc1').message).toContain('Only the ob phase');
    expect(errorOf('/upgrade xizang').code).toBe('UNKNOWN_PHASE');
  });

  it('lists the valid clusters of the site for an unknown cluster', () => {
    expect(errorOf('/precheck xizang ob obc9').message).toContain('Valid clusters: obc1');
  });

  it('needs a cluster and a well-formed version for the ob phase only', () => {
    expect(errorOf('/upgrade xizang ob obc1').message).toContain('--to <version>');
    expect(errorOf('/upgrade xizang ob obc1 --to 4.3;rm').code).toBe('INVALID_VALUE');
    expect(errorOf('/upgrade xizang ob obc1 --to').message).toContain('--to needs a version');
    expect(errorOf('/upgrade xizang redis obc1').message).toContain('Only the ob phase');
    expect(errorOf('/upgrade xizang redis --to 4.3.5.5').message).toContain('Only the ob phase');
  });

  it('refuses unknown and repeated options with the valid ones', () => {
    expect(errorOf('/upgrade xizang redis --force').message).toContain('valid options: --dry-run, --to <version>');
    expect(errorOf('/upgrade xizang redis --dry-run --dry-run').code).toBe('BAD_ARGUMENTS');
  });

  it('refuses extra words', () => {
    expect(errorOf('/precheck xizang now').code).toBe('BAD_ARGUMENTS');
    expect(errorOf('/runs xizang lhasa-2').code).toBe('BAD_ARGUMENTS');
    expect(errorOf('/rollback').message).toContain('Usage: /rollback <run>');
    expect(errorOf('/show run_0123456789abcdef r03 r04').message).toContain('Usage: /show <run> [step]');
  });

  it('refuses a step id that no step could have', () => {
    expect(errorOf('/show run_0123456789abcdef R03;ls').code).toBe('INVALID_VALUE');
    expect(errorOf('/show r03').code).toBe('INVALID_VALUE');
  });

  it('refuses run ids that do not match the engine format, and accepts another format when given one', () => {
    expect(errorOf('/audit run_1;reboot').code).toBe('INVALID_VALUE');
    expect(errorOf('/audit RUN-7').code).toBe('INVALID_VALUE');
    expect(parse('/audit RUN-7', { ...opts, runIdPattern: /RUN-[0-9]+/ }).ok).toBe(true);
    // A caller pattern without anchors still has to match the whole id.
    expect(parse('/audit xRUN-7', { ...opts, runIdPattern: /RUN-[0-9]+/ }).ok).toBe(false);
  });

  it('treats shell syntax as plain words that fail validation', () => {
    for (const line of [
      '/precheck $(reboot)',
      '/precheck `id`',
      '/precheck xizang;id',
      '/precheck "xizang"',
      '/precheck ../xizang',
      '/precheck XIZANG',
    ]) {
      expect(errorOf(line).code, line).toBe('UNKNOWN_SITE');
    }
  });

  it('knows /as only in the console', () => {
    expect(errorOf('/as UAPPROVER1').code).toBe('UNKNOWN_COMMAND');
    expect(parse('/as UAPPROVER1', { ...opts, console: true })).toEqual({
      ok: true,
      value: { name: 'as', user: 'UAPPROVER1' },
    });
    expect(errorOf('/as bob', { ...opts, console: true }).code).toBe('INVALID_VALUE');
  });

  it('names the valid commands for an unknown one', () => {
    expect(errorOf('/deploy xizang').message).toBe(
      'Unknown command "/deploy". Valid commands: /precheck, /upgrade, /rollback, /runs, /audit, /show.',
    );
  });
});

describe('tokenize', () => {
  it('refuses control and invisible characters with their position', () => {
    expect(tokenize('/precheck xi\u0000zang')).toMatchObject({ ok: false, error: { code: 'CONTROL_CHARACTER' } });
    expect(tokenize('/precheck xizang\nrm -rf /')).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('(U+000A) at position 17') },
    });
    expect(tokenize('/precheck \u202Egnazix')).toMatchObject({ ok: false, error: { code: 'CONTROL_CHARACTER' } });
  });

  it('caps the line, the number of words and the word length', () => {
    expect(tokenize(`/precheck ${'a'.repeat(600)}`)).toMatchObject({ ok: false, error: { code: 'TOO_LONG' } });
    expect(tokenize(`/runs ${'a '.repeat(20)}`)).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('words') },
    });
    expect(tokenize(`/runs ${'a'.repeat(81)}`)).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('Word 2') },
    });
  });

  it('refuses an empty line', () => {
    expect(tokenize('  \t ')).toMatchObject({ ok: false, error: { code: 'EMPTY' } });
  });
});
