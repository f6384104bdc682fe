#!/usr/bin/python3
"""`fdfs_monitor CONF [-h TRACKER] [list [GROUP]]` stand-in, as happyfish100/fastdfs client/fdfs_monitor.c and
client/client_func.c print and behave at V5.11 (the site's hand-installed copy, `--fdfs-version 5.11`) and V6.06
(ADM's, `--fdfs-version 6.06`; the bin/fdfs_monitor wrapper chooses):

- no CONF: the usage line on stdout, exit 1; from V6.00 the usage adds `the tracker server format: host[:port]`;
- CONF is read with libfastcommon's rules (fdfs_common.read_ini, includes followed); a missing `base_path` is
  /tmp, an existing one is chopped and must be a directory; the `tracker_server` lines are de-duplicated and
  sorted by address and port (copy_tracker_servers), so `server_count` is what CONF lists, not what answers;
- client_func.c's DEBUG line (`base_path=…, tracker_server_count=N, …`) goes to stderr, as the logger writes;
- without -h the first tracker tried is a random one (srand(time), server_index); with `-h HOST` the tracker must
  be one of CONF's: V5.11 resolves HOST alone (a `HOST:PORT` fails to resolve: `resolve ip address of tracker
  server: … fail!`, exit 2) and matches the address only; V6.06 takes `HOST[:PORT]` (default port 22122) and
  matches address and port; not listed: `tracker server: … not exists!`, exit 2;
- tracker_get_connection tries the chosen tracker, then the ones after it, then the ones before: a tracker that
  does not answer is passed over silently (its connect error goes to stderr) and `tracker server is` names the
  one that answered; none answers: exit with the errno (111, ECONNREFUSED);
- the report: `server_count=N, server_index=I`, `tracker server is IP:PORT`, `group count: N`, per group its
  summary and per storage `ip_addr = IP  ACTIVE|OFFLINE` (V5.11 adds ` (HOSTNAME)` after the IP when the
  address resolves back to a name; V6.06 never does; V6.06 prints the group's space with thousands commas).
  fdfs_monitor exits 0 once a tracker answered, even when listing the groups then fails.
"""
import json
import os
import random
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
import fdfs_common as fc  # noqa: E402
import labsvc  # noqa: E402


def usage(prog, v6):
    extra = '\tthe tracker server format: host[:port], the tracker default port is 22122\n\n' if v6 else ''
    print(f'Usage: {prog} <config_file> [-h <tracker_server>] [list|delete|set_trunk_server <group_name> '
          f'[storage_id]]\n{extra}', end='')
    sys.exit(1)


def log(level, message):
    print(f"[{time.strftime('%Y-%m-%d %H:%M:%S')}] {level} - {message}", file=sys.stderr, flush=True)


def resolve(host):
    try:
        return socket.gethostbyname(host)
    except OSError:
        return None


def main():
    args = sys.argv[1:]
    version = '5.11'
    if args[:1] == ['--fdfs-version'] and len(args) >= 2:
        version, args = args[1], args[2:]
    v6 = int(version.split('.')[0]) >= 6
    prog = os.environ.get('FDFS_PROG', 'fdfs_monitor')
    if not args:
        usage(prog, v6)
    conf_path, rest = args[0], args[1:]
    asked = None
    if rest[:1] and rest[0].startswith('-h'):
        if rest[0] == '-h':
            if len(rest) < 2:
                usage(prog, v6)
            asked, rest = rest[1], rest[2:]
        else:
            asked, rest = rest[0][2:], rest[1:]
    op = rest[0] if rest else 'list'
    group = rest[1] if len(rest) > 1 else None
    try:
        conf = fc.read_ini(conf_path)
    except fc.IniError as e:
        log('ERROR', f'file: client_func.c, line: 376, {e}')
        sys.exit(e.code)
    base = fc.chop_path(fc.last(conf, 'base_path') or '/tmp')
    if not os.path.isdir(base):
        log('ERROR', f"file: client_func.c, line: 236, \"{base}\" can't be accessed, error info: No such file or directory")
        sys.exit(2)
    servers = set()
    for item in conf.get('tracker_server', []):
        host, sep, port = item.rpartition(':')
        if not sep:
            log('ERROR', f'file: client_func.c, line: 86, conf file "{conf_path}", tracker_server "{item}" is invalid, '
                'correct format is host:port')
            sys.exit(22)
        ip = resolve(host)
        if ip is None:
            log('ERROR', f'file: client_func.c, line: 101, conf file "{conf_path}", host "{host}" is invalid')
            sys.exit(22)
        servers.add((ip, int(port) if port.isdigit() and int(port) > 0 else 22122))
    if not servers:
        log('ERROR', f'file: client_func.c, line: 148, conf file "{conf_path}", get item "tracker_server" fail')
        sys.exit(2)
    servers = sorted(servers, key=lambda s: (s[0], s[1]))
    log('DEBUG', f'base_path={base}, connect_timeout={fc.int_value(conf, "connect_timeout", 30)}, network_timeout='
        f'{fc.int_value(conf, "network_timeout", 30)}, tracker_server_count={len(servers)}, anti_steal_token=0, '
        'anti_steal_secret_key length=0, use_connection_pool=0, g_connection_pool_max_idle_time=3600s, '
        'use_storage_id=0, storage server id count: 0\n')
    if asked is None:
        index = random.Random(time.time()).randrange(len(servers)) if len(servers) > 1 else 0
    else:
        index = find(servers, asked, v6)
    print(f'server_count={len(servers)}, server_index={index}')
    order = servers[index:] + servers[:index]
    for ip, port in order:
        try:
            reply = json.loads(labsvc.request(ip, port, 'LIST', timeout=2))
        except (OSError, ValueError):
            log('ERROR', f'file: connection_pool.c, line: 130, connect to {ip}:{port} fail, errno: 111, '
                'error info: Connection refused')
            continue
        print(f'\ntracker server is {ip}:{port}\n')
        if op == 'list':
            report(reply['groups'], group, v6)
        else:
            print(f'Invalid command {op}\n')
            usage(prog, v6)
        return
    sys.exit(111)


def find(servers, asked, v6):
    host, sep, port = asked.rpartition(':') if v6 else (asked, '', '')
    if v6 and not sep:
        host, port = asked, ''
    ip = resolve(host)
    if ip is None:
        print(f'resolve ip address of tracker server: {asked} fail!' + (', error info: Unknown host' if v6 else ''))
        sys.exit(2)
    want_port = (int(port) if port.isdigit() else 22122) if v6 else None
    for i, (sip, sport) in enumerate(servers):
        if sip == ip and (want_port is None or sport == want_port):
            return i
    print(f'tracker server: {asked} not exists!')
    sys.exit(2)


def space(mb, v6):
    return f'{mb:,}' if v6 else str(mb)


def hostname_of(ip, v6):
    if v6:
        return ''
    try:
        return f' ({socket.gethostbyaddr(ip)[0]})'
    except OSError:
        return ''


def report(groups, only, v6):
    items = sorted(groups.items())
    if only is None:
        print(f'group count: {len(items)}')
    for gi, (name, storages) in enumerate(items, start=1):
        if only is not None and name != only:
            continue
        if only is None:
            print(f'\nGroup {gi}:')
        active = sum(1 for s in storages if s['status'] == 'ACTIVE')
        total = min((s['total_mb'] for s in storages), default=0)
        free = min((s['free_mb'] for s in storages), default=0)
        port = storages[0]['port'] if storages else 23000
        http = storages[0]['http_port'] if storages else 8888
        print(f'group name = {name}\ndisk total space = {space(total, v6)} MB\ndisk free space = {space(free, v6)} MB\n'
              f'trunk free space = 0 MB\nstorage server count = {len(storages)}\nactive server count = {active}\n'
              f'storage server port = {port}\nstorage HTTP port = {http}\nstore path count = 1\n'
              'subdir count per path = 256\ncurrent write server index = 0\ncurrent trunk file id = 0\n')
        for si, s in enumerate(storages, start=1):
            beat = time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(s['last_beat'])) if s['last_beat'] else \
                '1970-01-01 08:00:00'
            print(f"\tStorage {si}:\n\t\tid = {s['ip']}\n\t\tip_addr = {s['ip']}{hostname_of(s['ip'], v6)}  "
                  f"{s['status']}\n\t\thttp domain = \n\t\tversion = {s.get('version', '')}\n\t\tjoin time = {beat}\n"
                  f"\t\tup time = {beat}\n\t\ttotal storage = {s['total_mb']} MB\n\t\tfree storage = {s['free_mb']} MB\n"
                  f"\t\tupload priority = 10\n\t\tstore_path_count = 1\n\t\tsubdir_count_per_path = 256\n"
                  f"\t\tstorage_port = {s['port']}\n\t\tstorage_http_port = {s['http_port']}\n"
                  f"\t\tlast_heart_beat_time = {beat}\n")


if __name__ == '__main__':
    main()
