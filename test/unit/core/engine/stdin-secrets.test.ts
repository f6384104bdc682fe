import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StepSecretError } from '../../../../src/core/engine/engine-errors.ts';
import { RunbookInvalidError } from '../../../../src/core/plan/runbook-errors.ts';
import { renderPlan } from '../../../../src/core/engine/render-plan.ts';
import { planHash } from '../../../../src/core/plan/step-hash.ts';
import type { PlanInput } from '../../../../src/core/plan/step-schema.ts';
import { resolveStdinSecrets } from '../../../../src/core/engine/resolve-stdin-secrets.ts';
import { stdinText } from '../../../../src/core/plan/describe-command.ts';
import { validatePlan } from '../../../../src/core/plan/validate-plan.ts';
import type { SecretSource } from '../../../../src/core/ports/secrets.ts';
import { secretRefAt } from '../../../../src/core/sites/secret-at.ts';
import { siteSecretSource } from '../../../../src/adapters/files/site-secret-source.ts';
import { site } from './fixtures.ts';
import type { Site } from '../../../../src/core/sites/site.ts';
import { siteDirectory } from '../../../../src/core/sites/site.ts';

const NAME = 'middleware.redis[business-redis].password';
const PASSWORD = 'pw-0f3a"; echo $HOME';

/** A plan whose check reads the business Redis password on stdin on store-1. */
function planWith(secrets: string[] = [NAME]): PlanInput {
  return {
    runbook: 'sample',
    site: 'lab',
    title: 'stdin plan',
    steps: [
      {
        kind: 'check',
        id: 'auth',
        title: 'auth',
        targets: { kind: 'hosts', hosts: ['store-1'] },
        commands: [{ host: 'store-1', command: 'IFS= read -r P; exec </dev/null; redis-cli PING', stdin: { secrets } }],
      },
    ],
  };
}

/** A site document as the site file's schema leaves it: secrets are references. */
const doc = {
  id: 'lab',
  ssh: { user: 'root', password: { env: 'SSH_PW' } },
  middleware: {
    redis: [
      { name: 'other-redis', password: { file: 'other' } },
      { name: 'business-redis', password: { file: 'redis-password' } },
    ],
    csbRedis: [{ name: 'csb-redis' }],
  },
};

describe('secret names', () => {
  it('point at a reference of the site file, picking list entries by name or index', () => {
    expect(secretRefAt(doc, NAME)).toEqual({ file: 'redis-password' });
    expect(secretRefAt(doc, 'middleware.redis[0].password')).toEqual({ file: 'other' });
    expect(secretRefAt(doc, 'ssh.password')).toEqual({ env: 'SSH_PW' });
  });

  it('point at nothing when the path leads to no reference', () => {
    for (const name of [
      'middleware.csbRedis[csb-redis].password',
      'middleware.redis[nope].password',
      'middleware.redis',
      'ssh.user',
      'ssh..password',
      '.ssh',
    ]) {
      expect(secretRefAt(doc, name), name).toBeUndefined();
    }
  });
});

describe('secrets on stdin', () => {
  let dir: string;
  let source: SecretSource;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'opsgate-stdin-'));
    await writeFile(join(dir, 'redis-password'), `${PASSWORD}\n`);
    await writeFile(join(dir, 'other'), 'line one\nline two\n');
    const site = { name: 'lab', spec: doc, baseDir: dir } as unknown as Site;
    source = siteSecretSource(siteDirectory([site]), {});
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('are read from the site file when the step runs, learnt for redaction, and written one per line', async () => {
    const plan = validatePlan('sample', planWith(), site);
    const step = plan.steps[0];
    if (step === undefined) throw new Error('no step');
    const learnt: string[] = [];
    const values = await resolveStdinSecrets(source, 'lab', step, (v) => learnt.push(v));
    expect(learnt).toEqual([PASSWORD]);
    expect(stdinText(step.commands[0]!, values)).toBe(`${PASSWORD}\n`);
  });

  it('are only names in the plan, its dry run and its hash', () => {
    const plan = validatePlan('sample', planWith(), site);
    const text = `${JSON.stringify(plan)}\n${renderPlan(plan)}`;
    expect(text).not.toContain(PASSWORD);
    expect(renderPlan(plan)).toContain(
      `on store-1: IFS= read -r P; exec </dev/null; redis-cli PING  [stdin: <secret: ${NAME}>]`,
    );
    expect(planHash(validatePlan('sample', planWith(['middleware.redis[0].password']), site))).not.toBe(planHash(plan));
  });

  it('fail the step with a coded error naming the secret, never a value', async () => {
    const cases: [string[], SecretSource | undefined, RegExp][] = [
      [
        ['middleware.redis[nope].password'],
        source,
        /secret middleware\.redis\[nope\]\.password for stdin: SECRET_UNKNOWN: site lab has no secret reference/,
      ],
      [['middleware.redis[0].password'], source, /spans several lines/],
      [['ssh.password'], source, /SECRET_UNAVAILABLE: environment variable SSH_PW is not set/],
      [[NAME], undefined, /this worker has no secret source/],
    ];
    for (const [names, src, message] of cases) {
      const step = validatePlan('sample', planWith(names), site).steps[0]!;
      const e = await resolveStdinSecrets(src, 'lab', step, () => undefined).then(
        () => undefined,
        (x: unknown) => x,
      );
      expect(e, names[0]).toBeInstanceOf(StepSecretError);
      expect((e as StepSecretError).code).toBe('STEP_SECRET_UNAVAILABLE');
      expect((e as Error).message).toMatch(message);
      expect((e as Error).message).not.toContain('line one');
    }
  });

  it('must exist at the site when the plan is validated against its secrets', () => {
    const hasSecret = (n: string) => secretRefAt(doc, n) !== undefined;
    expect(() => validatePlan('sample', planWith(), { ...site, hasSecret })).not.toThrow();
    expect(() => validatePlan('sample', planWith(['middleware.redis[gone].password']), { ...site, hasSecret })).toThrow(
      RunbookInvalidError,
    );
    expect(() => validatePlan('sample', planWith(['not a name']), site)).toThrow(/a secret name is a path/);
  });
});
