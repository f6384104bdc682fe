import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../../../../src/core/plan/step-schema.ts';
import { grepAddresses } from '../../../../../src/runbooks/xizang/precheck/precheck-commands.ts';
import { evaluate, labXizang, registry } from '../xizang-fixture.ts';

const run = promisify(execFile);
let plan: Plan;
beforeAll(async () => {
  plan = registry.buildPlan('precheck', await labXizang(), {});
});

describe('precheck item 10: business connection settings', () => {
  it('names file and line of a setting that uses an IP address, showing only its key', () => {
    const f = evaluate(plan, 'p10-business-config', {
      'paas-1':
        '@@ scan /app/config/business\nfiles=3\n/app/config/business/order-service.properties:2:spring.redis.host=10.77.0.100\ngrep-exit=0\n',
    });
    expect(f[0]).toEqual(
      expect.objectContaining({
        status: 'fail',
        host: 'paas-1',
        evidence: '/app/config/business/order-service.properties:2: spring.redis.host uses 10.77.0.100',
      }),
    );
  });

  it('passes a location only when grep read its files and found no address', () => {
    const f = evaluate(plan, 'p10-business-config', {
      'paas-2': '@@ scan /app/config/business\nfiles=3\ngrep-exit=1\n',
    });
    expect(f[0]).toMatchObject({
      status: 'pass',
      evidence: '3 file(s) under /app/config/business, none uses an IP address',
    });
  });

  it('fails a missing location, an empty one and a grep that failed, never passing on nothing read', () => {
    const f = evaluate(plan, 'p10-business-config', {
      'paas-1': '@@ scan /app/config/business\nmissing\n',
      'paas-2': '@@ scan /app/config/business\nfiles=0\ngrep-exit=1\n',
      'paas-3': '@@ scan /app/config/business\nfiles=2\ngrep: /app/config/business/x: Permission denied\ngrep-exit=2\n',
    });
    expect(f.filter((x) => x.status !== 'manual').map((x) => `${x.host ?? ''} ${x.status} ${x.evidence}`)).toEqual([
      "paas-1 fail /app/config/business does not exist on paas-1 (named by the site file's paas.businessConfig)",
      "paas-2 fail /app/config/business holds no file the site file's include patterns select",
      'paas-3 fail grep over /app/config/business exited 2: files=2 | grep: /app/config/business/x: Permission denied | grep-exit=2',
    ]);
    expect(evaluate(plan, 'p10-business-config', { 'paas-1': '@@ scan /app/config/business\n' })[0]?.status).toBe(
      'fail',
    );
  });

  it('leaves the configuration centre to a person, with every address to look for and its domain name', () => {
    const manual = evaluate(plan, 'p10-business-config', {}).find((x) => x.status === 'manual');
    expect(manual?.title).toBe('Connection settings in the configuration centre (配置中心) use domain names');
    expect(manual?.evidence).toContain('10.77.0.100 → redis.biz.powercloud.com');
    expect(manual?.evidence).toContain('10.77.0.31 → kafka-1.biz.powercloud.com or zk-1.biz.powercloud.com');
  });
});

describe('precheck item 11: CSB / ISP service addresses', () => {
  it('is manual even when every exported list is clean, and fails each IP address found in one', () => {
    const clean = evaluate(plan, 'p11-service-addresses', {
      'paas-1': '@@ scan /app/config/csb\nfiles=1\ngrep-exit=1\n',
    });
    expect(clean.map((x) => x.status)).toEqual(['manual']);
    expect(clean[0]?.title).toBe('Service addresses in the CSB / ISP service management (服务管理) are domain names');
    expect(clean[0]?.evidence).toContain(
      'exported lists scanned without an IP address: paas-1:/app/config/csb (1 file(s))',
    );
    const dirty = evaluate(plan, 'p11-service-addresses', {
      'paas-1':
        '@@ scan /app/config/isp\nfiles=1\n/app/config/isp/service-addresses.txt:3:medical-insurance http://10.77.0.12:8080/\ngrep-exit=0\n',
    });
    expect(dirty[0]).toMatchObject({
      status: 'fail',
      evidence: '/app/config/isp/service-addresses.txt:3: medical-insurance uses 10.77.0.12',
    });
  });
});

describe('the scan on real files', () => {
  it('prints the file count, each line with an address (comments skipped) and grep exit code', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'opsgate-scan-'));
    try {
      await mkdir(join(dir, 'conf'));
      await writeFile(join(dir, 'conf', 'a.properties'), '# old: 10.0.0.1\nspring.redis.host=10.0.0.2\nx=redis.biz\n');
      await writeFile(join(dir, 'conf', 'b.txt'), 'ignored=10.0.0.3\n');
      const out = (await run('sh', ['-c', grepAddresses(join(dir, 'conf'), ['*.properties'])])).stdout;
      expect(out).toBe(`files=1\n${join(dir, 'conf', 'a.properties')}:2:spring.redis.host=10.0.0.2\ngrep-exit=0\n`);
      expect((await run('sh', ['-c', grepAddresses(join(dir, 'none'), ['*'])])).stdout).toBe('missing\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
