import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  readSections,
  section,
  sectionNamedBy,
  sections,
  valueOf,
} from '../../../../../src/runbooks/xizang/shared/sections.ts';

const run = promisify(execFile);
const sh = async (command: string) => (await run('sh', ['-c', command])).stdout;

describe('sections', () => {
  it("records each section's exit code, so a failing probe is seen even though the whole command exits 0", async () => {
    const out = await sh(
      sections([
        section('ok', 'a', 'echo fine'),
        section('bad', 'b', 'echo broken >&2; (exit 3)'),
        section('quiet', 'c', 'printf x'),
      ]),
    );
    expect(readSections(out)).toEqual([
      { kind: 'ok', name: 'a', lines: ['fine'], exitCode: 0 },
      { kind: 'bad', name: 'b', lines: ['broken'], exitCode: 3 },
      { kind: 'quiet', name: 'c', lines: ['x'], exitCode: 0 },
    ]);
  });

  it('leaves the exit code undefined when the output ends before it (a command cut short)', () => {
    expect(readSections('@@ lag k\nGROUP TOPIC\n')).toEqual([{ kind: 'lag', name: 'k', lines: ['GROUP TOPIC'] }]);
  });

  it('names a section by a value found on the host, printed as data and never run', async () => {
    const out = await sh(`g='a b $(touch /tmp/never) "q"'; ${sectionNamedBy('describe-group', 'g', 'echo "$g"')}`);
    expect(readSections(out)).toEqual([
      {
        kind: 'describe-group',
        name: 'a b $(touch /tmp/never) "q"',
        lines: ['a b $(touch /tmp/never) "q"'],
        exitCode: 0,
      },
    ]);
    expect(() => sectionNamedBy('x', 'g; rm -rf /', 'true')).toThrow(/not a shell variable/);
  });

  it('still reads key=value and key: value lines for existing callers', () => {
    expect(valueOf(['Mode: leader', 'a.b = 1'], 'Mode')).toBe('leader');
    expect(valueOf(['Mode: leader', 'a.b = 1'], 'a.b')).toBe('1');
  });
});
