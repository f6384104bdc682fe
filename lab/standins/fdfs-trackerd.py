#!/usr/bin/python3
"""FastDFS tracker stand-in: `fdfs_trackerd [--version V] TRACKER.CONF [start]` (the site's hand-installed V5.11;
ADM's instances pass `--version 6.06`).

Imitates happyfish100/fastdfs V5.11 and V6.06, tracker/fdfs_trackerd.c and tracker/tracker_func.c:
- no config argument: the usage line on stderr, exit 1; V6.05 and later print `FastDFS server vX.YY` before it;
- tracker.conf is read with libfastcommon's rules (fdfs_common.read_ini: `key = value`, `#include`, last wins);
  `disabled=true` refuses to start; `base_path` is chopped of its trailing `/` and must be a directory
  ("\"BASE\" can't be accessed"); `port` defaults to 22122;
- it logs to BASE/logs/trackerd.log, first `FastDFS vX.YY, base_path=BASE, … port=PORT, …` (tracker_func.c);
- on its port it answers FastDFS's ACTIVE_TEST (cmd 111) with a RESP header (fdfs_common.serve).
Not the real protocol beyond ACTIVE_TEST: the lab's storages and fdfs_monitor talk to it in lab lines
  BEAT GROUP IP PORT HTTP_PORT TOTAL_MB FREE_MB VERSION   a storage's heartbeat (every 2 s)  -> OK
  LIST                                                   -> JSON {"version", "groups": {G: [storage…]}}
A storage is ACTIVE while its last heartbeat is under 10 s old, else OFFLINE. The storages it has heard of are
kept in BASE/data/storage_servers_new.dat (JSON here), so a tracker restarted on a copied base knows them again.
"""
import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
import fdfs_common as fc  # noqa: E402
import labsvc  # noqa: E402

ACTIVE_FOR = 10.0


# argv[0] as the real daemon prints it in its usage (the wrapper runs this script through python).
PROG = 'fdfs_trackerd'


def usage(version):
    major = int(version.split('.')[0])
    head = f'FastDFS server v{version}\n' if (major, int(version.split('.')[1])) >= (6, 5) else ''
    print(f'{head}Usage: {PROG} <config_file> [start | stop | restart]', file=sys.stderr)
    sys.exit(1)


def main():
    args = sys.argv[1:]
    version = '5.11'
    if args[:1] == ['--version'] and len(args) >= 2:
        version, args = args[1], args[2:]
    if not args or args[1:2] not in ([], ['start']):
        usage(version)
    conf = fc.read_daemon_conf(args[0])
    base = fc.chop_path(fc.last(conf, 'base_path') or '')
    if not base:
        fc.die(f'conf file "{args[0]}" must have item "base_path"!', 2)
    if not os.path.isdir(base):
        fc.die(f'"{base}" can\'t be accessed, error info: No such file or directory', 2)
    port = fc.int_value(conf, 'port', 22122) or 22122
    os.makedirs(os.path.join(base, 'data'), exist_ok=True)
    logfile = os.path.join(base, 'logs', 'trackerd.log')
    db = os.path.join(base, 'data', 'storage_servers_new.dat')
    lock = threading.Lock()
    storages = {}
    try:
        with open(db, encoding='utf-8') as f:
            for s in json.load(f):
                s['last_beat'] = 0
                storages[(s['group'], s['ip'])] = s
    except (OSError, ValueError):
        pass

    def save():
        tmp = db + '.tmp'
        with open(tmp, 'w', encoding='utf-8') as f:
            json.dump(list(storages.values()), f, indent=1)
        os.replace(tmp, db)
        with open(os.path.join(base, 'data', 'storage_groups_new.dat'), 'w', encoding='utf-8') as f:
            f.write('\n'.join(sorted({g for g, _ in storages})) + '\n')

    def handle(line):
        parts = line.split()
        if parts[:1] == ['BEAT'] and len(parts) == 8:
            group, ip, sport, http_port, total, free, sversion = parts[1:]
            with lock:
                known = (group, ip) in storages
                storages[(group, ip)] = {'group': group, 'ip': ip, 'port': int(sport), 'http_port': int(http_port),
                                         'total_mb': int(total), 'free_mb': int(free), 'version': sversion,
                                         'last_beat': time.time()}
                if not known:
                    labsvc.log(logfile, f'storage server {ip}:{sport} join in group {group}')
                    save()
            return 'OK\n'
        if parts[:1] == ['LIST']:
            now = time.time()
            groups = {}
            with lock:
                for (group, _), s in sorted(storages.items()):
                    status = 'ACTIVE' if now - s['last_beat'] < ACTIVE_FOR else 'OFFLINE'
                    groups.setdefault(group, []).append({**s, 'status': status})
            return json.dumps({'version': version, 'groups': groups}) + '\n'
        return None

    sock = labsvc.listen(port)
    labsvc.exit_on_term(lambda: labsvc.log(logfile, 'exit normally.'))
    labsvc.log(logfile, f'FastDFS v{version}, base_path={base}, connect_timeout='
               f"{fc.int_value(conf, 'connect_timeout', 30)}s, port={port}, "
               f"bind_addr={fc.last(conf, 'bind_addr', '')}")
    fc.serve(sock, handle)


if __name__ == '__main__':
    main()
