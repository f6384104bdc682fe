#!/usr/bin/python3
"""FastDFS tracker stand-in: `fdfs-trackerd.py [--version V] TRACKER.CONF`.

Reads `port` and `base_path` from tracker.conf (like fdfs_trackerd it refuses to start when base_path does
not exist), logs to BASE/logs/trackerd.log and keeps the storages it has heard of in
BASE/data/storage_servers_new.dat (JSON here), so a tracker restarted on a copied base dir knows them again.
Line protocol on its port:
  BEAT GROUP IP PORT HTTP_PORT TOTAL_MB FREE_MB VERSION  a storage's heartbeat (every 2 s)  -> OK
  LIST                                           -> JSON {"version", "groups": {G: [storage…]}}
  VERSION                                        -> fdfs_trackerd V
A storage is ACTIVE while its last heartbeat is under 10 s old, else OFFLINE.
"""
import argparse
import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
import labsvc  # noqa: E402

ACTIVE_FOR = 10.0


def main():
    ap = argparse.ArgumentParser(prog='fdfs_trackerd')
    ap.add_argument('--version', default='5.11')
    ap.add_argument('conf')
    a = ap.parse_args()
    conf = labsvc.read_conf(a.conf)
    port = int(labsvc.conf_one(conf, 'port', '22122'))
    base = labsvc.conf_one(conf, 'base_path')
    if not os.path.isdir(base):
        labsvc.die(f'base_path {base} not exist', 1)
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

    def handle(line, _peer):
        parts = line.split()
        if parts[:1] == ['VERSION']:
            return f'fdfs_trackerd {a.version}\n'
        if parts[:1] == ['BEAT'] and len(parts) == 8:
            group, ip, sport, http_port, total, free, version = parts[1:]
            with lock:
                known = (group, ip) in storages
                storages[(group, ip)] = {'group': group, 'ip': ip, 'port': int(sport), 'http_port': int(http_port),
                                         'total_mb': int(total), 'free_mb': int(free), 'version': version,
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
            return json.dumps({'version': a.version, 'groups': groups}) + '\n'
        return None

    sock = labsvc.listen(port)
    labsvc.exit_on_term(lambda: labsvc.log(logfile, 'exit normally.'))
    labsvc.log(logfile, f'FastDFS v{a.version}, base_path={base}, port={port}, tracker server started')
    labsvc.serve_lines(sock, handle)


if __name__ == '__main__':
    main()
