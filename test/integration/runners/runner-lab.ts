import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterEach } from 'vitest';
import { join } from 'node:path';
import { createSshSession, type SshSession, type SshSessionDeps } from '../../../src/runners/ssh/create-ssh-session.ts';
import type { SshHostConfig } from '../../../src/runners/ssh/ssh-host-config.ts';
import { execOn, getLab, labHost, linkHost } from '../../support/lab.ts';

/** What the runner's integration tests need from the site lab, on top of `getLab()`. */
export interface RunnerLab {
  readonly stateDir: string;
  readonly net: string;
  /** A host's address in the lab. */
  address(host: string): string;
  /** Key-based config for a lab host, with the lab's known_hosts. */
  host(name: string, overrides?: Partial<SshHostConfig>): SshHostConfig;
  /** A lab secret (`root-password`, `redis-password` …). */
  secret(name: string): string;
  /** Runs a shell script inside a host without ssh (nsenter); returns its stdout. */
  inHost(host: string, script: string): Promise<string>;
  link(host: string, state: 'up' | 'down'): Promise<void>;
}

/** The lab of the integration run (the global setup's), seen from the runner's tests. */
export function runnerLab(): RunnerLab {
  const lab = getLab();
  const privateKey = readFileSync(lab.clientKey);
  const address = (name: string): string => labHost(name).address;
  return {
    stateDir: lab.stateDir,
    net: lab.net,
    address,
    host: (name, overrides = {}) => ({
      name,
      address: overrides.address ?? address(name),
      port: 22,
      user: 'root',
      privateKey,
      knownHosts: lab.knownHosts,
      readyTimeoutMs: 5000,
      ...overrides,
    }),
    secret: (name) => readFileSync(join(lab.stateDir, 'secrets', name), 'utf8').trim(),
    inHost: async (host, script) => {
      const r = await execOn(host, ['sh', '-c', script]);
      if (r.exitCode !== 0) throw new Error(`lab exec on ${host} exited ${r.exitCode}: ${r.stderr}`);
      return r.stdout;
    },
    link: (host, state) => linkHost(host, state),
  };
}

/** A session plus its spool dir, both cleaned up by `dispose`. */
export function openSession(
  hosts: readonly SshHostConfig[],
  extra: Partial<SshSessionDeps> = {},
): { session: SshSession; spoolDir: string; dispose: () => Promise<void> } {
  const spoolDir = mkdtempSync(join(tmpdir(), `opsgate-test-${randomUUID()}-`));
  const session = createSshSession({ hosts, secrets: [], spoolDir, ...extra });
  return {
    session,
    spoolDir,
    dispose: async () => {
      await session.close();
      rmSync(spoolDir, { recursive: true, force: true });
    },
  };
}

/** For a test file: opens sessions that are closed (and their spool dirs removed) after each test. */
export function sessionsClosedAfterEach(): (...args: Parameters<typeof openSession>) => ReturnType<typeof openSession> {
  const open: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const dispose of open.splice(0).reverse()) await dispose();
  });
  return (...args) => {
    const s = openSession(...args);
    open.push(s.dispose);
    return s;
  };
}
