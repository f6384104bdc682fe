import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { execOn, getLab, labHost } from '../../support/lab.ts';
import { eventually, onHost } from './fixture-probes.ts';

const run = promisify(execFile);

/** `NAME ADDRESS` pairs of the domains ADM generates, as `adm domains` prints them. */
async function admDomains(): Promise<Array<[string, string]>> {
  const out = await onHost('paas-1', ['/opt/adm/bin/adm', 'domains']);
  return out
    .trim()
    .split('\n')
    .map((l) => l.split(' ') as [string, string]);
}

describe('dns fixtures', () => {
  it("answers every ADM-generated domain with ADM's address except csb-redis, which still points at .24", async () => {
    const dns = labHost('dns-1').address;
    const differing: string[] = [];
    for (const [name, address] of await admDomains()) {
      const { stdout } = await run('dig', [`@${dns}`, '+short', '+time=2', '+tries=2', name, 'A']);
      if (stdout.trim() !== address) differing.push(`${name} ${stdout.trim()} (ADM: ${address})`);
    }
    const net = getLab().net;
    expect(differing).toEqual([`csb-redis.biz.powercloud.com ${net}.24 (ADM: ${net}.23)`]);
  });

  it('runs power-dns on dns-1 and no power-api anywhere', async () => {
    const health = await fetch(`http://${labHost('dns-1').address}:8053/health`);
    expect(await health.json()).toMatchObject({ app: 'power-dns', status: 'UP' });
    for (const host of getLab().hosts) {
      const res = await execOn(host.name, ['sh', '-c', 'ls /etc/init.d /app/soft 2>/dev/null | grep -i power-api']);
      expect(res.stdout, host.name).toBe('');
    }
  });
});

describe('paas fixtures', () => {
  const lib = '/app/soft/powercloud/lib';

  afterAll(async () => {
    for (const host of ['paas-1']) {
      await execOn(host, ['sh', '-c', `rm -rf ${lib}/*-3.1.6.jar /tmp/lib && /etc/init.d/powercloud-gateway restart`]);
    }
  });

  it('runs the June 2021 platform on both hosts, told only by the software: manifests, scripts, createrepo', async () => {
    for (const host of ['paas-1', 'paas-2']) {
      expect(await onHost(host, ['ls', lib])).toMatch(/powercloud-gateway-3\.1\.5\.jar/);
      const manifest = await onHost(host, [
        'unzip',
        '-p',
        `${lib}/powercloud-gateway-3.1.5.jar`,
        'META-INF/MANIFEST.MF',
      ]);
      expect(manifest).toMatch(/^Implementation-Version: 3\.1\.5\r?$/m);
      // No file of the lab's own names the release.
      const versionFiles = await onHost(host, [
        'sh',
        '-c',
        'ls /app/soft/powercloud/VERSION /app/soft/pyscript/VERSION /app/soft/deploy/SPRINGBOOT/version /app/soft/yum/repo/VERSION 2>/dev/null; true',
      ]);
      expect(versionFiles).toBe('');
      expect(await onHost(host, ['grep', '-c', "__version__ = '20210618'", '/app/soft/pyscript/pypssh.py'])).toBe(
        '1\n',
      );
      expect(await onHost(host, ['date', '-u', '-r', '/app/soft/pyscript/pypssh.py', '+%Y-%m'])).toMatch(/^2021-06/);
      // The 2.0.3 stop script kills at once; 2.0.8's stops gracefully first (the seed's only SpringBoot change).
      expect(await onHost(host, ['cat', '/app/soft/deploy/SPRINGBOOT/stop.sh'])).toContain('kill -9 "$pid"\n');
      // createrepo_c's repomd.xml: the default namespace and the revision it ran at (2021-06-15 00:00 UTC).
      const repomd = await onHost(host, ['cat', '/app/soft/yum/repo/repodata/repomd.xml']);
      expect(repomd).toContain('<repomd xmlns="http://linux.duke.edu/metadata/repo"');
      expect(repomd).toMatch(/^ {2}<revision>1623715200<\/revision>$/m);
      expect(
        (
          await onHost(host, ['stat', '-c', '%U:%G', '/app/soft/powercloud', '/app/soft/deploy/SPRINGBOOT/stop.sh'])
        ).trim(),
      ).toBe('app:app\napp:app');
    }
  });

  it('serves the platform apps as user app, reporting the version of the jar they started with', async () => {
    for (const port of [8080, 8081, 8082]) {
      const res = await fetch(`http://${labHost('paas-2').address}:${port}/health`);
      expect(await res.json()).toMatchObject({ status: 'UP', version: '3.1.5' });
    }
    expect(await onHost('paas-2', ['ps', '-o', 'user=', '-C', 'python3'])).toMatch(/^app$/m);
  });

  it("reports 3.1.6 after the upgrade package's jars are unpacked and the app restarted", async () => {
    const pkg = '/lab/roles/data/packages/powercloud-3.1.6.tar.gz';
    await onHost('paas-1', ['tar', '-xzf', pkg, '-C', '/tmp']);
    await onHost('paas-1', ['sh', '-c', `cp /tmp/lib/*.jar ${lib}/ && /etc/init.d/powercloud-gateway restart`]);
    const url = `http://${labHost('paas-1').address}:8080/health`;
    await eventually(
      async () => ((await (await fetch(url)).json()) as { version?: string }).version === '3.1.6',
      'gateway reporting 3.1.6',
    );
  });

  it('keeps business connection settings that mix IP addresses and domain names', async () => {
    const net = getLab().net.replaceAll('.', '\\.');
    const order = await onHost('paas-1', ['cat', '/app/config/business/order-service.properties']);
    expect(order).toMatch(new RegExp(`^spring\\.redis\\.host=${net}\\.100$`, 'm'));
    expect(order).toMatch(/^spring\.kafka\.bootstrap-servers=kafka-1\.biz\.powercloud\.com:9092/m);
    const csb = await onHost('paas-2', ['cat', '/app/config/csb/service-addresses.txt']);
    expect(csb).toMatch(new RegExp(`order-query\\s+http://${net}\\.11:8080/`));
    expect(csb).toMatch(/user-center\s+http:\/\/paas\.biz\.powercloud\.com:8080\//);
  });
});
