import { beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../../../../src/core/plan/step-schema.ts';
import { checkStep, evaluate, labXizang, registry } from '../xizang-fixture.ts';

/** Precheck items 3, 4 and 8 judge by what the software answers, never by an init script or a config listing. */

let plan: Plan;
beforeAll(async () => {
  plan = registry.buildPlan('precheck', await labXizang(), {});
});

const sec = (kind: string, name: string, lines: readonly string[], exit = 0) =>
  [`@@ ${kind} ${name}`, ...lines, `@@ exit ${exit}`].join('\n');
const commandsOf = (id: string) =>
  checkStep(plan, id)
    .commands.map((c) => c.command)
    .join('\n');

const SS_HEADER = 'State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess';
const redisUp = (pid: string) => [
  `process: ${pid}`,
  'listen: 0.0.0.0:6379',
  'port 6379: listening',
  'answer: PONG',
  'answer-exit: 0',
];
const keepalivedUp = ['process: 140 142'];

describe('the commands of items 3, 4 and 8', () => {
  it('ask no init script and read no client.conf: processes, ss without -H, each tracker, each answer', () => {
    const text = ['p03-csb-redis', 'p04-node-counts', 'p08-centre-a'].map(commandsOf).join('\n');
    expect(text).not.toMatch(/\bservice [\w.-]+ status|\/etc\/init\.d|systemctl|client\.conf|server_count/);
    expect(text).not.toContain('ss -H');
    expect(text).toContain('ss -ltnp');
    expect(text).toContain('pgrep -f');
    const p04 = commandsOf('p04-node-counts');
    for (const t of ['10.77.0.41', '10.77.0.42', '10.77.0.43']) expect(p04).toContain(`tracker ${t}:22122 answers`);
    const p08 = commandsOf('p08-centre-a');
    expect(p08).toContain('dig +norecurse +time=2 +tries=1 -p 53 @10.77.0.53 biz.powercloud.com. SOA');
    expect(p08).toContain('HEAD / HTTP/1.0');
  });
});

describe('item 3: the CSB Redis runs alone on its hosts', () => {
  const listening = (extra: string[] = []) =>
    sec('listening', 'h', [
      SS_HEADER,
      'LISTEN 0 511 0.0.0.0:6379 0.0.0.0:* users:(("redis-server",pid=99,fd=6))',
      'LISTEN 0 128 0.0.0.0:22 0.0.0.0:* users:(("sshd",pid=78,fd=4))',
      ...extra,
    ]);
  const host = (h: string, redis: string[], ss = listening()) =>
    [sec('csb-redis', `csb-redis ${h}`, redis), ss].join('\n');

  it('passes when its Redis answers PING on every host and nothing else listens', () => {
    const f = evaluate(plan, 'p03-csb-redis', {
      'csb-redis-a': host('csb-redis-a', redisUp('99')),
      'csb-redis-b': host('csb-redis-b', redisUp('101')),
    });
    expect(f.map((x) => `${x.status} ${x.host ?? ''} ${x.title}`)).toEqual([
      'pass csb-redis-a The CSB gateway Redis csb-redis runs on csb-redis-a',
      'pass csb-redis-b The CSB gateway Redis csb-redis runs on csb-redis-b',
      'pass csb-redis-a Nothing but Redis (and sshd) listens on the CSB Redis host',
      'pass csb-redis-b Nothing but Redis (and sshd) listens on the CSB Redis host',
    ]);
    expect(f[0]?.evidence).toBe(
      'redis: pid 99 runs /app/soft/redis-5.0.5/bin/redis-server; it listens on 0.0.0.0:6379; port 6379 listening; redis-cli PING answered PONG',
    );
  });

  it('fails a Redis that refuses PING, naming redis-cli, its exit code and answer', () => {
    const noauth = ['process: 99', 'port 6379: listening', 'answer: NOAUTH Authentication required.', 'answer-exit: 0'];
    const f = evaluate(plan, 'p03-csb-redis', { 'csb-redis-a': host('csb-redis-a', noauth) });
    expect(f.find((x) => x.host === 'csb-redis-a' && x.title.includes('runs on'))).toMatchObject({
      status: 'fail',
      evidence: expect.stringContaining('redis-cli PING (exit 0): NOAUTH Authentication required., not /^PONG$/'),
    });
    // A host that printed nothing is no pass either.
    expect(f.find((x) => x.host === 'csb-redis-b' && x.title.includes('runs on'))?.status).toBe('fail');
  });

  it('fails when ss answers without its table (an ss without -p, an error), naming ss', () => {
    const bad = sec('listening', 'h', ["ss: invalid option -- 'p'"], 255);
    const f = evaluate(plan, 'p03-csb-redis', { 'csb-redis-a': host('csb-redis-a', redisUp('99'), bad) });
    expect(f.find((x) => x.host === 'csb-redis-a' && x.title.startsWith('Nothing but'))).toMatchObject({
      status: 'fail',
      evidence: "ss -ltnp (exit 255): ss: invalid option -- 'p'",
    });
  });

  it('warns about anything else listening, with its process', () => {
    const other = 'LISTEN 0 50 0.0.0.0:9092 0.0.0.0:* users:(("java",pid=300,fd=100))';
    const f = evaluate(plan, 'p03-csb-redis', {
      'csb-redis-a': host('csb-redis-a', redisUp('99'), listening([other])),
    });
    expect(f.find((x) => x.host === 'csb-redis-a' && x.title.startsWith('Nothing but'))).toMatchObject({
      status: 'warn',
      evidence: 'also listening: 0.0.0.0:9092 users:(("java",pid=300,fd=100))',
    });
  });
});

describe('item 4: node counts by talking to each instance', () => {
  const answers = (t: string) =>
    sec('tracker', `business-fastdfs ${t}`, [`tracker ${t} answers: group1 storages  ACTIVE`]);
  const notListed = (t: string) =>
    sec(
      'tracker',
      `business-fastdfs ${t}`,
      [
        `fdfs_monitor /etc/fdfs/storage.conf -h ${t.split(':')[0] ?? ''} (exit 2): failed`,
        '[2024-01-01 10:00:00] DEBUG - base_path=/app/storage, tracker_server_count=2',
        `tracker server: ${t.split(':')[0] ?? ''} not exists!`,
      ],
      1,
    );
  const trackers = (f: ReturnType<typeof evaluate>) =>
    f.find((x) => x.title === 'FastDFS business-fastdfs: 3 trackers');

  it('counts the trackers that answer for themselves: two of three, one to add', () => {
    const f = evaluate(plan, 'p04-node-counts', {
      'fdfs-1': [answers('10.77.0.41:22122'), answers('10.77.0.42:22122'), notListed('10.77.0.43:22122')].join('\n'),
    });
    expect(trackers(f)).toMatchObject({
      status: 'fail',
      evidence:
        '2 of 3 tracker(s) answer for themselves: 10.77.0.41:22122 (asked from fdfs-1), 10.77.0.42:22122 (asked from fdfs-1); not answering: 10.77.0.43:22122: from fdfs-1: fdfs_monitor /etc/fdfs/storage.conf -h 10.77.0.43 (exit 2): failed | tracker server: 10.77.0.43 not exists!; 1 tracker(s) to add',
    });
  });

  it('passes three trackers only when each answered; a config listing three counts for nothing', () => {
    const all = ['10.77.0.41:22122', '10.77.0.42:22122', '10.77.0.43:22122'].map(answers).join('\n');
    expect(trackers(evaluate(plan, 'p04-node-counts', { 'fdfs-2': all }))?.status).toBe('pass');
    const listing = sec('trackers', 'business-fastdfs', [
      'server_count=3, server_index=0',
      'tracker server is 10.77.0.41:22122',
    ]);
    expect(trackers(evaluate(plan, 'p04-node-counts', { 'fdfs-1': listing }))).toMatchObject({
      status: 'fail',
      evidence: expect.stringContaining('0 of 3 tracker(s) answer'),
    });
  });

  it('a tracker host that does not answer in time is named with the timeout', () => {
    const out = sec('tracker', 'business-fastdfs 10.77.0.43:22122', [], 124);
    expect(trackers(evaluate(plan, 'p04-node-counts', { 'fdfs-1': out }))?.evidence).toContain(
      '10.77.0.43:22122: from fdfs-1: fdfs_monitor did not answer in 25 s (timeout, exit 124): (no output)',
    );
  });

  it('fails an fdfs_monitor whose -h form is unknown, naming it', () => {
    const unknown = 'fdfs_monitor: no known -h form for this version (exit 1): fdfs_monitor 7.0 usage';
    const out = ['10.77.0.41:22122', '10.77.0.42:22122', '10.77.0.43:22122']
      .map((t) => sec('tracker', `business-fastdfs ${t}`, [unknown], 1))
      .join('\n');
    expect(trackers(evaluate(plan, 'p04-node-counts', { 'fdfs-1': out }))?.evidence).toContain(unknown);
  });

  const redisHosts = (keepB: string[], replicaB: string[]) => ({
    'redis-a': [
      sec('replication', 'business-redis', [
        'role:master',
        'connected_slaves:1',
        'slave0:ip=10.77.0.22,port=6379,state=online,offset=1,lag=0',
      ]),
      sec('vip', 'business-redis', ['inet 127.0.0.1', 'inet 10.77.0.21', 'inet 10.77.0.100']),
      sec('keepalived', 'business-redis redis-a', keepalivedUp),
    ].join('\n'),
    'redis-b': [
      sec('replica', 'business-redis redis-b', replicaB),
      sec('keepalived', 'business-redis redis-b', keepB),
    ].join('\n'),
  });
  const title = (f: ReturnType<typeof evaluate>, t: string) =>
    f.find((x) => x.title.startsWith(`Redis business-redis: ${t}`));

  it('passes Redis 1+1 seen from both sides, the VIP held and keepalived running on every node', () => {
    const f = evaluate(plan, 'p04-node-counts', redisHosts(keepalivedUp, ['role:slave', 'master_link_status:up']));
    for (const t of ['1 master + 1 replica', 'the master holds the VIP', 'keepalived runs'])
      expect(title(f, t)?.status, t).toBe('pass');
    expect(title(f, 'keepalived')?.evidence).toContain(
      'redis-b: running: keepalived: pid 140, 142 runs /app/soft/keepalived/sbin/keepalived',
    );
  });

  it('fails keepalived where its process is gone, whatever an init script would say, and a replica whose link is down', () => {
    const f = evaluate(
      plan,
      'p04-node-counts',
      redisHosts(['process: none'], ['role:slave', 'master_link_status:down']),
    );
    expect(title(f, 'keepalived')).toMatchObject({
      status: 'fail',
      evidence: expect.stringContaining(
        'redis-b: absent: keepalived: no process runs /app/soft/keepalived/sbin/keepalived',
      ),
    });
    expect(title(f, '1 master')?.status).toBe('fail');
    // The word an init script's status used to be turned into is no evidence.
    expect(title(evaluate(plan, 'p04-node-counts', redisHosts(['running'], [])), 'keepalived')?.status).toBe('fail');
  });

  it('passes Kafka brokers registered in ZooKeeper and three ZooKeepers each answering srvr, one the leader', () => {
    const zk = (h: string, mode: string) =>
      sec('zk', `business-kafka ${h}`, ['Zookeeper version: 3.5.6-c11b7e26', `Mode: ${mode}`]);
    const f = evaluate(plan, 'p04-node-counts', {
      'kafka-1': [zk('kafka-1', 'follower'), sec('brokers', 'business-kafka', ['[1, 2, 3]'])].join('\n'),
      'kafka-2': zk('kafka-2', 'leader'),
      'kafka-3': zk('kafka-3', 'follower'),
    });
    expect(f.find((x) => x.title.includes('brokers registered'))).toMatchObject({
      status: 'pass',
      evidence: '/brokers/ids = [1, 2, 3]',
    });
    expect(f.find((x) => x.title.includes('one leader'))).toMatchObject({
      status: 'pass',
      evidence: 'kafka-1: follower, kafka-2: leader, kafka-3: follower',
    });
  });

  it('names the tool when ip, zkCli or srvr do not answer', () => {
    const f = evaluate(plan, 'p04-node-counts', {
      'redis-a': sec('vip', 'business-redis', ['bash: ip: command not found'], 127),
      'kafka-1': [
        sec(
          'brokers',
          'business-kafka',
          ['/app/soft/zookeeper/bin/zkCli.sh ls /brokers/ids (exit 1): Node does not exist: /brokers/ids'],
          1,
        ),
        sec('zk', 'business-kafka kafka-1', [], 1),
      ].join('\n'),
    });
    expect(title(f, 'the master holds')?.evidence).toBe(
      'redis-a: ip -o -4 addr show (exit 127): bash: ip: command not found',
    );
    expect(f.find((x) => x.title.includes('brokers registered'))?.evidence).toContain(
      'zkCli.sh ls /brokers/ids (exit 1): ',
    );
    expect(f.find((x) => x.title.includes('one leader'))?.evidence).toContain('kafka-1: srvr (exit 1): (no output)');
  });
});

describe('item 8: power-dns, bind and power-api read from the software', () => {
  const bind = [
    'process: 96',
    'listen: 10.77.0.53:53',
    'port 53: listening',
    'answer: ;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 1',
    'answer: ;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1',
    'answer-exit: 0',
  ];
  const powerDns = [
    'process: 120',
    'listen: 0.0.0.0:8053',
    'answer-at: 127.0.0.1:8053',
    'answer: HTTP/1.1 200 OK',
    'answer-exit: 0',
  ];
  const dns1 = (b: string[], p: string[], a: string[] = ['process: none']) =>
    [
      sec('component', 'bind dns-1', b),
      sec('component', 'power-dns dns-1', p),
      sec('component', 'power-api dns-1', a),
    ].join('\n');
  const of = (f: ReturnType<typeof evaluate>) => f.map((x) => `${x.title}: ${x.status}`);

  it('passes bind answering for the zone and power-dns answering HTTP; power-api not deployed fails', () => {
    const f = evaluate(plan, 'p08-centre-a', { 'dns-1': dns1(bind, powerDns) });
    expect(of(f)).toEqual(['Centre A has bind: pass', 'Centre A has power-dns: pass', 'Centre A has power-api: fail']);
    expect(f[2]?.evidence).toBe(
      'power-api is not deployed (not in the site file): dns-1: power-api: no process runs power-api; plan it before DR is built',
    );
  });

  it('fails a bind that answers without authority, and a power-dns that answers no HTTP, naming the tool and exit', () => {
    const notAuth = bind.map((l) => l.replace('qr aa;', 'qr;'));
    const refused = [
      'process: 120',
      'listen: 0.0.0.0:8053',
      'answer-at: 127.0.0.1:8053',
      'answer: bash: connect: Connection refused',
      'answer-exit: 1',
    ];
    const f = evaluate(plan, 'p08-centre-a', { 'dns-1': dns1(notAuth, refused) });
    expect(of(f)).toEqual(['Centre A has bind: fail', 'Centre A has power-dns: fail', 'Centre A has power-api: fail']);
    expect(f[0]?.evidence).toContain('does not run as it should');
    expect(f[1]?.evidence).toContain('HTTP HEAD / on 127.0.0.1:8053 (exit 1): bash: connect: Connection refused');
  });

  it('a component the site file lists that runs nowhere is said so', () => {
    const f = evaluate(plan, 'p08-centre-a', { 'dns-1': dns1(bind, ['process: none']) });
    expect(f[1]).toMatchObject({
      status: 'fail',
      evidence: 'power-dns does not run where the site file puts it: dns-1: power-dns: no process runs power-dns',
    });
  });

  it('a process that listens on no port is no power-dns; the old status words are no evidence', () => {
    const f = evaluate(plan, 'p08-centre-a', { 'dns-1': dns1(['running'], ['process: 120']) });
    expect(of(f)).toEqual(['Centre A has bind: fail', 'Centre A has power-dns: fail', 'Centre A has power-api: fail']);
    expect(f[0]?.evidence).toContain('cannot tell');
    expect(f[1]?.evidence).toContain('no address to ask HTTP HEAD /: its process listens on no TCP port');
  });
});
