"""ADM products redis-ha (one node of a Redis master/replica pair behind keepalived with a VIP) and redis
(a standalone Redis: the same without keepalived, --role/--vip/--peer not taken).

Leaves on the host: HOME (default /app/soft/redis: bin/redis-server, bin/redis-cli, conf/redis.conf mode 600,
logs/), DATA (default /app/redis_data, dump.rdb), /etc/init.d/redis; /app/soft/keepalived (sbin/keepalived,
bin/chk_redis.sh), /etc/keepalived/keepalived.conf and /etc/init.d/keepalived (unicast VRRP to --peer, VIP on
the interface holding this host's address, track script on redis PING). Both services are guarded by vesta.
The password is only ever in redis.conf (requirepass/masterauth) and in the track script's mode-600 auth file.
With the lab variant adm-redis-aof on the host, ADM's template writes `appendonly yes` (a site whose ADM deploys
Redis with AOF on: Redis 5.0.5's loadDataFromDisk, src/server.c, then loads the AOF and ignores dump.rdb).
"""
import hashlib
import os
import re
import subprocess

import adm_keepalived
from adm_host import AdmError, check_ip, check_path, host_ip, usage

KEEPALIVED_HOME = '/app/soft/keepalived'


def plan(a, password):
    if a.product == 'redis':
        return plan_standalone(a, password)
    if a.role not in ('master', 'replica'):
        raise usage('redis-ha needs --role master or --role replica')
    if not a.vip or not a.peer:
        raise usage('redis-ha needs --vip ADDRESS and --peer ADDRESS (the other node of the pair)')
    check_password(a.product, password)
    me = host_ip()
    peer = check_ip(a.peer, '--peer')
    if peer == me:
        raise usage('--peer must be the other node of the pair, not this host')
    vrid = a.vrid or int(hashlib.sha256(a.instance.encode()).hexdigest(), 16) % 200 + 20
    return {
        'role': a.role, 'vip': check_ip(a.vip, '--vip'), 'peer': peer, 'port': a.port or 6379, 'vrid': vrid,
        'home': check_path(a.home or '/app/soft/redis', '--home'),
        'data': check_path(a.data or '/app/redis_data', '--data'),
        'hosts': sorted([me, peer]), 'mode': 'master-replica+keepalived',
    }


def check_password(product, password):
    if not password:
        raise usage(f'{product} needs the password on stdin (one line); it is never taken from the command line')
    if re.search(r'\s', password):
        raise usage('the redis password must not contain whitespace')


def plan_standalone(a, password):
    extra = [opt for opt, v in (('--role', a.role), ('--vip', a.vip), ('--peer', a.peer)) if v]
    if extra:
        raise usage(f"a standalone redis takes no {', '.join(extra)} (use redis-ha for master/replica + keepalived)")
    check_password('redis', password)
    return {'role': 'standalone', 'port': a.port or 6379, 'hosts': [host_ip()], 'mode': 'standalone',
            'home': check_path(a.home or '/app/soft/redis', '--home'),
            'data': check_path(a.data or '/app/redis_data', '--data')}


def lab_variant(name):
    """True when the lab was brought up with deployment variant NAME for this host (as lab_variant in lib.sh)."""
    try:
        with open('/run/lab/host.env', encoding='utf-8') as f:
            me = next((l.strip()[5:] for l in f if l.startswith('NAME=')), None)
        with open('/lab-pub/spec', encoding='utf-8') as f:
            return any(l.split()[:1] == [me] and f'+{name}' in l.split()[2:] for l in f)
    except OSError:
        return False


def version():
    out = subprocess.run(['/usr/bin/redis-server', '--version'], capture_output=True, text=True, check=False).stdout
    m = re.search(r'v=(\S+)', out)
    return m.group(1) if m else 'unknown'


def same_password(s, password):
    try:
        with open(os.path.join(s['home'], 'conf', 'redis.conf'), encoding='utf-8') as f:
            return f'\nrequirepass {password}\n' in f.read()
    except OSError:
        return False


def install(inst, s, password):
    home, data = s['home'], s['data']
    ha = s['mode'] != 'standalone'
    inst.refuse_existing(*([home, KEEPALIVED_HOME] if ha else [home]))
    if os.path.isdir(data) and os.listdir(data):
        raise AdmError(f'{data} already exists and is not empty; move it away first (back it up)', 3)
    inst.refuse_service('redis', s['port'])
    if ha:
        inst.refuse_service('keepalived')

    inst.mkdir(home)
    for d in ('bin', 'conf', 'logs'):
        os.makedirs(os.path.join(home, d), exist_ok=True)
    os.chmod(os.path.join(home, 'conf'), 0o700)
    for b in ('redis-server', 'redis-cli'):
        os.symlink(f'/usr/bin/{b}', os.path.join(home, 'bin', b))
    inst.write(os.path.join(home, 'VERSION'), version() + '\n')
    if not os.path.isdir(data):
        inst.mkdir(data)
    else:
        inst.track(data)
    replica = f"replicaof {s['peer']} {s['port']}\n" if s['role'] == 'replica' else ''
    inst.write(os.path.join(home, 'conf', 'redis.conf'),
               f"# {inst.product} instance {inst.instance}, {s['role']} (written by ADM)\n"
               f"bind 0.0.0.0\nport {s['port']}\nprotected-mode no\ndaemonize no\n"
               f"dir {data}\ndbfilename dump.rdb\nappendonly {'yes' if lab_variant('adm-redis-aof') else 'no'}\nsave 900 1\n"
               f"requirepass {password}\nmasterauth {password}\n{replica}", 0o600)
    inst.add_service('redis', home, os.path.join(home, 'bin', 'redis-server'),
                     [os.path.join(home, 'conf', 'redis.conf')], s['port'])
    if ha:
        add_keepalived(inst, s, password)
    inst.start_all()


def add_keepalived(inst, s, password):
    """keepalived for a redis-ha node: VIP, unicast VRRP to the peer, track script on the local redis."""
    adm_keepalived.install(
        inst, KEEPALIVED_HOME, 'redis-ha', s, 'chk_redis',
        '#!/bin/sh\n# keepalived track script: is the local redis answering? (password from a mode-600 file)\n'
        f'REDISCLI_AUTH=$(cat {KEEPALIVED_HOME}/bin/.auth) /usr/bin/redis-cli -h 127.0.0.1 -p {s["port"]} ping'
        ' 2>/dev/null | grep -q PONG\n', 1, files=[('.auth', password + '\n')])
