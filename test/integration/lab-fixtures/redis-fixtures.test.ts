import { afterEach, describe, expect, it } from 'vitest';
import { execOn, getLab } from '../../support/lab.ts';
import { onHost } from './fixture-probes.ts';

/**
 * The upstream behaviours the Redis phases' data proof rests on, pinned against the Redis the lab runs behind the
 * site's 5.0.5 layout (`/app/soft/redis-5.0.5/bin/redis-server`), each on a scratch server on a unix socket of a
 * private directory so that the lab's own Redis is not touched. And the lab's two keepalived VRRP instances.
 */
const HOST = 'redis-a';
const SERVER = '/app/soft/redis-5.0.5/bin/redis-server';
const DIR = '/tmp/opsgate-fixture-redis';

/** Starts a scratch redis-server in DIR with `args`, waits for PING, runs `then`; the server is left running. */
function scratch(args: string, then = ''): string {
  return `mkdir -p ${DIR} && cd ${DIR} && ${SERVER} --port 0 --unixsocket ${DIR}/s.sock --dir ${DIR} --daemonize yes --pidfile ${DIR}/pid --logfile ${DIR}/log ${args} && for i in $(seq 50); do [ "$(redis-cli -s ${DIR}/s.sock PING 2>/dev/null)" = PONG ] && break; sleep 0.1; done; ${then}`;
}
/** Stops the scratch server with SIGTERM (as `systemctl stop` does) and waits until it is gone. */
const TERM = `kill $(cat ${DIR}/pid) && for i in $(seq 50); do [ -e ${DIR}/pid ] || break; sleep 0.1; done; true`;
const cli = (cmd: string) => `redis-cli -s ${DIR}/s.sock ${cmd}`;

describe('Redis behaviours the data proof relies on (redis 5.0.5 src/server.c, src/aof.c)', () => {
  afterEach(async () => {
    await execOn(HOST, ['sh', '-c', `[ -e ${DIR}/pid ] && kill $(cat ${DIR}/pid); sleep 0.3; rm -rf ${DIR}`]);
  });

  it('writes its final dump when it stops with save points configured, and none without (prepareForShutdown)', async () => {
    await onHost(HOST, ['sh', '-c', scratch(`--save '900 1' --appendonly no`, `${cli('SET final 1')} && ${TERM}`)]);
    expect(await onHost(HOST, ['sh', '-c', `ls ${DIR}`])).toContain('dump.rdb');
    await onHost(HOST, ['sh', '-c', `rm -rf ${DIR}`]);
    await onHost(HOST, ['sh', '-c', scratch(`--save '' --appendonly no`, `${cli('SET final 1')} && ${TERM}`)]);
    expect(await onHost(HOST, ['sh', '-c', `ls ${DIR}`])).not.toContain('dump.rdb');
  });

  it('with appendonly yes loads the AOF and ignores dump.rdb; CONFIG SET appendonly yes rewrites the loaded data (loadDataFromDisk, startAppendOnly)', async () => {
    // A dump with one key.
    await onHost(HOST, ['sh', '-c', scratch(`--save '900 1' --appendonly no`, `${cli('SET kept 1')} && ${TERM}`)]);
    // Started with appendonly yes, the same directory's dump.rdb is not loaded: it starts empty.
    const empty = await onHost(HOST, ['sh', '-c', scratch(`--save '' --appendonly yes`, `${cli('DBSIZE')}; ${TERM}`)]);
    expect(empty.trim()).toBe('0');
    await onHost(HOST, ['sh', '-c', `rm -rf ${DIR}/appendonly* ${DIR}/appendonlydir`]);
    // Started with appendonly no it loads the dump; CONFIG SET appendonly yes writes the data into a new AOF, after
    // which a start with appendonly yes has the data.
    const turnedOn = await onHost(HOST, [
      'sh',
      '-c',
      scratch(
        `--save '' --appendonly no`,
        `${cli('CONFIG SET appendonly yes')}; for i in $(seq 100); do ${cli('INFO persistence')} | tr -d '\\r' | grep -q '^aof_rewrite_in_progress:0' && ${cli('INFO persistence')} | tr -d '\\r' | grep -q '^aof_rewrite_scheduled:0' && break; sleep 0.1; done; ${TERM}`,
      ),
    ]);
    expect(turnedOn.trim()).toBe('OK');
    await onHost(HOST, ['sh', '-c', `rm -f ${DIR}/dump.rdb`]);
    const fromAof = await onHost(HOST, ['sh', '-c', scratch(`--save '' --appendonly yes`, `${cli('GET kept')}`)]);
    expect(fromAof.trim()).toBe('1');
  });
});

describe('keepalived role: one VRRP instance per Redis pair', () => {
  it('gives the business VIP (.100) to redis-a and the CSB VIP (.101) to csb-redis-a, and neither to anyone else', async () => {
    const net = getLab().net;
    const held = async (host: string) =>
      (await onHost(host, ['ip', '-4', '-o', 'addr', 'show', 'eth0']))
        .match(/inet (\S+)\//g)
        ?.map((m) => m.slice(5, -1));
    expect(await held('redis-a')).toContain(`${net}.100`);
    expect(await held('redis-a')).not.toContain(`${net}.101`);
    expect(await held('csb-redis-a')).toContain(`${net}.101`);
    expect(await held('csb-redis-a')).not.toContain(`${net}.100`);
    for (const backup of ['redis-b', 'csb-redis-b']) {
      const addrs = await held(backup);
      expect(addrs).not.toContain(`${net}.100`);
      expect(addrs).not.toContain(`${net}.101`);
    }
    const conf = await onHost('csb-redis-a', ['cat', '/etc/keepalived/keepalived.conf']);
    expect(conf).toContain('virtual_router_id 78');
    expect(conf).toMatch(/unicast_peer \{\s+\S+\.24\s+\}/);
  });
});
