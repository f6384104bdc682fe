import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { raw, sh, shellQuote, shFragment } from '../../../src/core/shell-quote.ts';

/** Runs `script` in a real POSIX shell and returns the arguments it received, one per line (NUL-safe via JSON). */
function argsSeenByShell(script: string): string[] {
  const out = execFileSync('/bin/sh', ['-c', `${script}`], { encoding: 'utf8', env: {} });
  return JSON.parse(out) as string[];
}

const PRINT_ARGS = `node -e 'process.stdout.write(JSON.stringify(process.argv.slice(1)))' --`;

const HOSTILE = [
  "it's",
  "'; rm -rf / #",
  '$(touch /tmp/opsgate-pwned)',
  '`touch /tmp/opsgate-pwned`',
  'a\nb',
  'x; echo injected',
  '*',
  '/etc/*.conf',
  '-rf',
  '--help',
  '',
  ' leading and trailing ',
  'unicode: 西藏 ✓ ü',
  '$HOME',
  '"double" \\back',
  'a=b',
  '~root',
  '&& ||| > <',
  "''",
];

describe('shellQuote', () => {
  it.each(HOSTILE)('makes %j reach the command as exactly one unchanged argument', (value) => {
    expect(argsSeenByShell(`${PRINT_ARGS} ${shellQuote(value)}`)).toEqual([value]);
  });

  it('leaves plain words readable', () => {
    expect(shellQuote('/app/soft/redis-5.0.5_bak')).toBe('/app/soft/redis-5.0.5_bak');
  });

  it('refuses a NUL byte, which no argument can carry', () => {
    expect(() => shellQuote('a\0b')).toThrow(/NUL/);
  });
});

describe('sh template', () => {
  it('quotes every interpolated value, so hostile values stay single arguments', () => {
    const src = '/app/my dir/$(reboot)';
    const dst = "it's `here`; *";
    expect(argsSeenByShell(sh`${raw(PRINT_ARGS)} ${src} ${dst}`)).toEqual([src, dst]);
  });

  it('turns an array into one quoted word per element', () => {
    const files = ['a b', '$(x)', ''];
    expect(argsSeenByShell(sh`${raw(PRINT_ARGS)} ${files}`)).toEqual(files);
  });

  it('nests fragments without quoting them twice', () => {
    const inner = shFragment`${'x y'} ${'z'}`;
    expect(argsSeenByShell(sh`${raw(PRINT_ARGS)} ${inner}`)).toEqual(['x y', 'z']);
  });

  it('keeps literal template text as shell syntax', () => {
    expect(sh`test -d ${'/app'} && echo ok`).toBe('test -d /app && echo ok');
  });

  it('refuses undefined slipping in through an untyped value', () => {
    const sneaky = undefined as unknown as string;
    expect(() => sh`rm -rf ${sneaky}`).toThrow(/cannot interpolate/);
  });
});
