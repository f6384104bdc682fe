#!/usr/bin/python3
"""`fdfs_monitor CLIENT.CONF` stand-in: the real tool's report, from live probes of the trackers listed.

Counts the tracker_server lines of client.conf (`server_count=N`), asks the first tracker that answers
(`server_index=I`, `tracker server is IP:PORT`) and prints every group with its storages and their status
(ACTIVE / OFFLINE) in fdfs_monitor's layout. Exits 2 with fdfs_monitor's error when no tracker answers.
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
import labsvc  # noqa: E402


def main():
    if len(sys.argv) < 2:
        print(f'Usage: {os.path.basename(sys.argv[0])} <config_file> [-h <tracker_server>] [list|delete|set_trunk_server'
              ' <group_name> [storage_id]]', file=sys.stderr)
        sys.exit(1)
    conf_path = sys.argv[1]
    try:
        conf = labsvc.read_conf(conf_path)
    except OSError as e:
        print(f'ERROR - file: shared_func.c, load conf file "{conf_path}" fail, ret code: 2, {e.strerror}',
              file=sys.stderr)
        sys.exit(2)
    trackers = conf.get('tracker_server', [])
    now = time.strftime('%Y-%m-%d %H:%M:%S')
    print(f"[{now}] DEBUG - base_path={labsvc.conf_one(conf, 'base_path', '/tmp')}, connect_timeout=5, "
          f'network_timeout=30, tracker_server_count={len(trackers)}, anti_steal_token=0, '
          'anti_steal_secret_key length=0, use_connection_pool=0, g_connection_pool_max_idle_time=3600s, '
          'use_storage_id=0, storage server id count: 0\n')
    for index, item in enumerate(trackers):
        host, port = labsvc.split_hostport(item, 22122)
        try:
            reply = json.loads(labsvc.request(host, port, 'LIST', timeout=2))
        except (OSError, ValueError):
            print(f'[{now}] ERROR - file: connection_pool.c, connect to {host}:{port} fail, errno: 111, '
                  'error info: Connection refused', file=sys.stderr)
            continue
        report(index, len(trackers), host, port, reply['groups'])
        return
    print(f'[{now}] ERROR - file: fdfs_monitor.c, tracker_get_connection fail, error no: 111, '
          'error info: Connection refused', file=sys.stderr)
    sys.exit(2)


def report(index, count, host, port, groups):
    print(f'server_count={count}, server_index={index}\n')
    print(f'tracker server is {host}:{port}\n')
    print(f'group count: {len(groups)}\n')
    for gi, (name, storages) in enumerate(sorted(groups.items()), start=1):
        active = sum(1 for s in storages if s['status'] == 'ACTIVE')
        total = sum(s['total_mb'] for s in storages) // max(len(storages), 1)
        free = sum(s['free_mb'] for s in storages) // max(len(storages), 1)
        port_ = storages[0]['port'] if storages else 23000
        http = storages[0]['http_port'] if storages else 8888
        print(f'Group {gi}:\ngroup name = {name}\ndisk total space = {total:,} MB\ndisk free space = {free:,} MB\n'
              f'trunk free space = 0 MB\nstorage server count = {len(storages)}\nactive server count = {active}\n'
              f'storage server port = {port_}\nstorage HTTP port = {http}\nstore path count = 1\n'
              'subdir count per path = 256\ncurrent write server index = 0\ncurrent trunk file id = 0\n')
        for si, s in enumerate(storages, start=1):
            beat = time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(s['last_beat'])) if s['last_beat'] else \
                '1970-01-01 08:00:00'
            print(f"\tStorage {si}:\n\t\tid = {s['ip']}\n\t\tip_addr = {s['ip']}  {s['status']}\n"
                  f"\t\thttp domain = \n\t\tversion = {s.get('version', '')}\n\t\tjoin time = {beat}\n\t\tup time = {beat}\n"
                  f"\t\ttotal storage = {s['total_mb']:,} MB\n\t\tfree storage = {s['free_mb']:,} MB\n"
                  f"\t\tupload priority = 10\n\t\tstore_path_count = 1\n\t\tsubdir_count_per_path = 256\n"
                  f"\t\tstorage_port = {s['port']}\n\t\tstorage_http_port = {s['http_port']}\n"
                  f"\t\tlast_heart_beat_time = {beat}\n")


if __name__ == '__main__':
    main()
