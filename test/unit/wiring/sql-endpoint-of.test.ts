import { describe, expect, it } from 'vitest';
import { sqlEndpointOf } from '../../../src/wiring/sql-endpoint-of.ts';
import type { Site } from '../../../src/core/sites/site.ts';
import { labWith as labSite } from '../runbooks/oceanbase/ob-fixture-site.ts';

/** The lab site with one cluster changed, as read from a site file (the secrets are in the environment). */
async function labWith(...args: Parameters<typeof labSite>): Promise<Site> {
  return { ...(await labSite(...args)), baseDir: '/' };
}

const env = { OB_SYS_PASSWORD: 'Sys_Pw_1' };
const password = { env: 'OB_SYS_PASSWORD' };

describe('sqlEndpointOf: the observers the sys tenant is reached through', () => {
  it("derives the other zones' first observers, same port, when the sys endpoint is an observer of a zone", async () => {
    const site = await labWith('obcluster', (ob) => ({
      sys: { ...ob.sys, host: 'ob-2', address: undefined, password },
    }));
    const ep = await sqlEndpointOf(site, 'obcluster', env);
    expect({ host: ep.host, port: ep.port, alternates: ep.alternates }).toEqual({
      host: '10.77.0.62',
      port: 2881,
      alternates: [
        { host: '10.77.0.61', port: 2881 },
        { host: '10.77.0.63', port: 2881 },
      ],
    });
  });

  it('takes the site file’s sys.alternates, in order, hosts and addresses alike', async () => {
    const site = await labWith('obcluster', (ob) => ({
      sys: { ...ob.sys, password, alternates: [{ host: 'ob-3' }, { address: '10.77.0.200', port: 2883 }] },
    }));
    const ep = await sqlEndpointOf(site, 'obcluster', env);
    expect(ep.alternates).toEqual([
      { host: '10.77.0.63', port: 2881 },
      { host: '10.77.0.200', port: 2883 },
    ]);
  });

  it('has none when the sys endpoint is no observer of the cluster and none are named', async () => {
    const site = await labWith('obcluster', (ob) => ({ sys: { ...ob.sys, password } }));
    expect((await sqlEndpointOf(site, 'obcluster', env)).alternates).toBeUndefined();
  });

  it('refuses an alternate that names no host of the site', async () => {
    const site = await labWith('obcluster', (ob) => ({ sys: { ...ob.sys, password, alternates: [{ host: 'ob-9' }] } }));
    await expect(sqlEndpointOf(site, 'obcluster', env)).rejects.toThrow(
      'site xizang, cluster obcluster: sys.alternates[0] host ob-9 is not a host of the site',
    );
  });
});
