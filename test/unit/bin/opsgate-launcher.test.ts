import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const OLD = new Date('2026-01-01T00:00:00Z');
const NEW = new Date('2026-01-02T00:00:00Z');

/** A checkout with the real bin/ and a cli of its own in src/ and/or dist/ that names which one ran. */
function checkout(parts: { src?: Date; dist?: Date; tsx?: boolean }): string {
  const root = mkdtempSync(join(tmpdir(), 'opsgate-bin-'));
  mkdirSync(join(root, 'bin'));
  writeFileSync(join(root, 'package.json'), '{ "type": "module" }\n');
  for (const f of ['opsgate.js', 'dist-freshness.js']) copyFileSync(join(REPO, 'bin', f), join(root, 'bin', f));
  const cli = (which: string): string =>
    `export async function main(argv: string[]) { process.stdout.write('${which} ' + argv.slice(2).join(' ')); return 0; }\n`;
  if (parts.src !== undefined) write(root, 'src/wiring/cli.ts', cli('sources'), parts.src);
  if (parts.dist !== undefined)
    write(root, 'dist/wiring/cli.js', cli('compiled').replace(': string[]', ''), parts.dist);
  if (parts.tsx === true) symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'));
  roots.push(root);
  return root;
}

function write(root: string, file: string, text: string, time: Date): void {
  const path = join(root, file);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  for (let dir = path; dir.length > root.length; dir = join(dir, '..')) utimesSync(dir, time, time);
}

function opsgate(root: string, env: Record<string, string> = {}): { code: number | null; out: string; err: string } {
  const childEnv = { ...process.env, ...env };
  if (env.OPSGATE_CLI === undefined) delete childEnv.OPSGATE_CLI;
  const r = spawnSync(process.execPath, [join(root, 'bin', 'opsgate.js'), 'sites', 'validate'], {
    encoding: 'utf8',
    env: childEnv,
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

describe('the opsgate command runs the compiled build, and never one older than its sources', () => {
  it('runs dist/ when it was built after the last change to src/', () => {
    expect(opsgate(checkout({ src: OLD, dist: NEW, tsx: true }))).toMatchObject({
      code: 0,
      out: 'compiled sites validate',
    });
  });

  it('runs dist/ on an install shipped without src/ or tsx', () => {
    expect(opsgate(checkout({ dist: NEW }))).toMatchObject({ code: 0, out: 'compiled sites validate' });
  });

  it('without the dev dependencies, names `npm run build` when dist/ is missing (exit 2: a restart cannot help)', () => {
    const r = opsgate(checkout({ src: OLD }));
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/dist\/ is missing: run `npm run build`/);
  });

  it('without the dev dependencies, refuses a dist/ older than src/ and names the changed source', () => {
    const r = opsgate(checkout({ src: NEW, dist: OLD }));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/dist\/ is older than src\/ \(src.* changed\): run `npm run build`/);
  });

  it('in a development checkout, runs the sources through tsx when dist/ is stale or missing', () => {
    expect(opsgate(checkout({ src: NEW, dist: OLD, tsx: true }))).toMatchObject({
      code: 0,
      out: 'sources sites validate',
    });
    expect(opsgate(checkout({ src: NEW, tsx: true }))).toMatchObject({ code: 0, out: 'sources sites validate' });
  });

  it('OPSGATE_CLI=dist refuses a stale dist/ even where tsx could run the sources', () => {
    const r = opsgate(checkout({ src: NEW, dist: OLD, tsx: true }), { OPSGATE_CLI: 'dist' });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/older than src\/.*npm run build/);
  });

  it('OPSGATE_CLI=src runs the sources even when dist/ is fresh', () => {
    const r = opsgate(checkout({ src: OLD, dist: NEW, tsx: true }), { OPSGATE_CLI: 'src' });
    expect(r).toMatchObject({ code: 0, out: 'sources sites validate' });
  });
});
