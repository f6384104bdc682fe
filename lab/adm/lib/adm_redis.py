"""ADM products redis-ha (one node of a Redis master/replica pair behind keepalived with a VIP) and redis
(a standalone Redis: the same without keepalived, --role/--vip/--peer not taken).

Leaves on the host: HOME (default /app/soft/redis: bin/redis-server, bin/redis-cli, conf/redis.conf mode 600,
logs/), DATA (default /app/redis_data, dump.rdb), /etc/init.d/redis; /app/soft/keepalived (sbin/keepalived,
bin/chk_redis.sh), /etc/keepalived/keepalived.conf and /etc/init.d/keepalived (unicast VRRP to --peer, VIP on
the interface holding this host's address, track script on redis PING). Both services are guarded by vesta.
The password is only ever in redis.conf (requirepass/masterauth) and in the track script's mode-600 auth file.
"""
import hashlib
import os
import re
import subprocess

from adm_host import AdmError, check_ip, check_path, host_ip, usage

KEEPALIVED_HOME = '/app/soft/keepalived'
KEEPALIVED_CONF = '/etc/keepalived/keepalived.conf'


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
               f"dir {data}\ndbfilename dump.rdb\nappendonly no\nsave 900 1\n"
               f"requirepass {password}\nmasterauth {password}\n{replica}", 0o600)
    inst.add_service('redis', home, os.path.join(home, 'bin', 'redis-server'),
                     [os.path.join(home, 'conf', 'redis.conf')], s['port'])
    if ha:
        add_keepalived(inst, s, password)
    inst.start_all()


def add_keepalived(inst, s, password):
    """keepalived for a redis-ha node: VIP, unicast VRRP to the peer, track script on the local redis."""
    k = inst.mkdir(KEEPALIVED_HOME)
    for d in ('sbin', 'bin', 'logs'):
        os.makedirs(os.path.join(k, d), mode=0o700, exist_ok=True)
    os.symlink('/usr/sbin/keepalived', os.path.join(k, 'sbin', 'keepalived'))
    inst.write(os.path.join(k, 'bin', '.auth'), password + '\n', 0o600)
    inst.write(os.path.join(k, 'bin', 'chk_redis.sh'),
               '#!/bin/sh\n# keepalived track script: is the local redis answering? (password from a mode-600 file)\n'
               f'REDISCLI_AUTH=$(cat {k}/bin/.auth) /usr/bin/redis-cli -h 127.0.0.1 -p {s["port"]} ping 2>/dev/null'
               ' | grep -q PONG\n', 0o700)
    os.makedirs(os.path.dirname(KEEPALIVED_CONF), exist_ok=True)
    inst.track(KEEPALIVED_CONF)
    inst.write(KEEPALIVED_CONF, keepalived_conf(inst.instance, s, host_ip()), 0o600)
    inst.add_service('keepalived', k, os.path.join(k, 'sbin', 'keepalived'),
                     ['--dont-fork', '--log-console', '-f', KEEPALIVED_CONF, '-p', '/run/adm/keepalived-main.pid',
                      '-r', '/run/adm/keepalived-vrrp.pid', '-c', '/run/adm/keepalived-checkers.pid'], None)


def interface_of(ip):
    out = subprocess.run(['ip', '-o', '-4', 'addr', 'show'], capture_output=True, text=True, check=False).stdout
    for line in out.splitlines():
        fields = line.split()
        if len(fields) > 3 and fields[3].split('/')[0] == ip:
            return fields[1]
    return 'eth0'


def keepalived_conf(instance, s, me):
    master = s['role'] == 'master'
    auth = hashlib.sha256(f'vrrp-{instance}'.encode()).hexdigest()[:8]
    dev = interface_of(me)
    return f'''# redis-ha instance {instance}: keepalived (written by ADM)
global_defs {{
  router_id {instance}-{s['role']}
  script_user root
  enable_script_security
}}
vrrp_script chk_redis {{
  script "{KEEPALIVED_HOME}/bin/chk_redis.sh"
  interval 2
  timeout 1
  fall 2
  rise 1
}}
vrrp_instance VI_{s['vrid']} {{
  state {'MASTER' if master else 'BACKUP'}
  interface {dev}
  virtual_router_id {s['vrid']}
  priority {150 if master else 100}
  advert_int 1
  unicast_src_ip {me}
  unicast_peer {{
    {s['peer']}
  }}
  authentication {{
    auth_type PASS
    auth_pass {auth}
  }}
  virtual_ipaddress {{
    {s['vip']}/24 dev {dev}
  }}
  track_script {{
    chk_redis
  }}
}}
'''
