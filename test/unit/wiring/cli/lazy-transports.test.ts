import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
const HEAVY = /^(bullmq|ssh2|mysql2|ioredis|@slack\/bolt|pino-pretty)$/;

/** A module hook, passed as a data URL, that names every heavy package (transports, Bolt, pretty logs) imported. */
const RESOLVE_HOOK = `export async function resolve(spec, ctx, next) { if (${HEAVY.toString()}.test(spec)) process.stderr.write('LOADED ' + spec + '\\n'); return next(spec, ctx); }`;
const REGISTER = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(RESOLVE_HOOK)}`)});`;

/** Runs the CLI with the hook and returns the heavy packages it loaded. */
function heavyLoadedBy(args: readonly string[]): string[] {
  const r = spawnSync(
    process.execPath,
    ['--import', `data:text/javascript,${encodeURIComponent(REGISTER)}`, 'bin/opsgate.js', ...args],
    { cwd: REPO, encoding: 'utf8', timeout: 60_000 },
  );
  return [
    ...new Set(
      r.stderr
        .split('\n')
        .filter((l) => l.startsWith('LOADED '))
        .map((l) => l.slice('LOADED '.length)),
    ),
  ];
}

describe('commands that connect nothing do not load the transports, Bolt or pretty logs', () => {
  it('--help loads none of them', () => {
    expect(heavyLoadedBy(['--help'])).toEqual([]);
  });

  it('sites validate loads none of them', () => {
    expect(heavyLoadedBy(['sites', 'validate', 'lab/sites'])).toEqual([]);
  });

  it('the hook does see a transport when one is imported (the test can fail)', () => {
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        `data:text/javascript,${encodeURIComponent(REGISTER)}`,
        '--input-type=module',
        '-e',
        "await import('ssh2')",
      ],
      { cwd: REPO, encoding: 'utf8' },
    );
    expect(r.stderr).toContain('LOADED ssh2');
  });
});
