#!/usr/bin/python3
"""FastDFS storage stand-in: `fdfs_storaged [--version V] STORAGE.CONF [start]` (the site's hand-installed V5.11;
ADM's instances pass `--version 6.06`).

Imitates happyfish100/fastdfs V5.11 and V6.06, storage/fdfs_storaged.c, storage/storage_func.c and
storage/trunk_mgr/trunk_shared.c (storage_load_paths_from_conf_file):
- storage.conf is read with libfastcommon's rules (fdfs_common.read_ini: `key = value`, `#include`, last wins);
  `disabled=true` refuses to start; `base_path` is chopped of its trailing `/` and must be a directory;
  `store_path0` defaults to base_path; every `tracker_server` line is a tracker (HOST:PORT), none is an error;
- it logs to BASE/logs/storaged.log, first `FastDFS vX.YY, base_path=BASE, store_path_count=N, … group_name=G`;
- STORE_PATH0/data is created when missing (the real one builds its 256x256 subdirectories there);
- on its port it answers FastDFS's ACTIVE_TEST (cmd 111) with a RESP header (fdfs_common.serve).
Not the real protocol beyond that: it sends the lab's heartbeat line to every tracker every 2 s, so the trackers
(and fdfs_monitor through them) see it ACTIVE; the lab line STAT answers `GROUP files=N`.
"""
import os
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
import fdfs_common as fc  # noqa: E402
import labsvc  # noqa: E402


# argv[0] as the real daemon prints it in its usage (the wrapper runs this script through python).
PROG = 'fdfs_storaged'


def count_files(data_dir):
    return sum(len(files) for _, _, files in os.walk(data_dir))


def main():
    args = sys.argv[1:]
    version = '5.11'
    if args[:1] == ['--version'] and len(args) >= 2:
        version, args = args[1], args[2:]
    if not args or args[1:2] not in ([], ['start']):
        head = f'FastDFS server v{version}\n' if tuple(int(x) for x in version.split('.')) >= (6, 5) else ''
        print(f'{head}Usage: {PROG} <config_file> [start | stop | restart]', file=sys.stderr)
        sys.exit(1)
    conf = fc.read_daemon_conf(args[0])
    group = fc.last(conf, 'group_name') or fc.die('conf file must have item "group_name"!', 2)
    port = fc.int_value(conf, 'port', 23000) or 23000
    http_port = fc.int_value(conf, 'http.server_port', 8888)
    base = fc.chop_path(fc.last(conf, 'base_path') or '')
    if not base:
        fc.die('conf file must have item "base_path"!', 2)
    if not os.path.isdir(base):
        fc.die(f'"{base}" can\'t be accessed, error info: No such file or directory', 2)
    store = fc.last(conf, 'store_path0', base)
    trackers = []
    for t in conf.get('tracker_server', []):
        host, sep, tport = t.rpartition(':')
        if not sep:
            fc.die(f'conf file "{args[0]}", tracker_server "{t}" is invalid, correct format is host:port', 22)
        trackers.append((host, int(tport) if tport.isdigit() and int(tport) > 0 else 22122))
    if not trackers:
        fc.die(f'conf file "{args[0]}", get item "tracker_server" fail', 2)
    data_dir = os.path.join(store, 'data')
    os.makedirs(data_dir, exist_ok=True)
    os.makedirs(os.path.join(base, 'data'), exist_ok=True)
    logfile = os.path.join(base, 'logs', 'storaged.log')
    my_ip = fc.last(conf, 'bind_addr', '') or None

    def beat_forever():
        joined = set()
        while True:
            st = os.statvfs(data_dir)
            total, free = st.f_blocks * st.f_frsize // 2**20, st.f_bavail * st.f_frsize // 2**20
            for host, tport in trackers:
                try:
                    beat(host, tport, my_ip, f'{group} {{ip}} {port} {http_port} {total} {free} {version}')
                    if (host, tport) not in joined:
                        labsvc.log(logfile, f'tracker server {host}:{tport}, set tracker leader / joined')
                        joined.add((host, tport))
                except OSError:
                    if (host, tport) in joined:
                        labsvc.log(logfile, f'connect to tracker server {host}:{tport} fail')
                        joined.discard((host, tport))
            time.sleep(2)

    def handle(line):
        if line == 'STAT':
            return f'{group} files={count_files(data_dir)}\n'
        return None

    sock = labsvc.listen(port)
    labsvc.exit_on_term(lambda: labsvc.log(logfile, 'exit normally.'))
    labsvc.log(logfile, f'FastDFS v{version}, base_path={base}, store_path_count=1, subdir_count_per_path=256, '
               f'group_name={group}, port={port}, store_path0={store}')
    threading.Thread(target=beat_forever, daemon=True).start()
    fc.serve(sock, handle)


def beat(host, port, my_ip, fields):
    """One heartbeat; the storage's address is the source address of the connection unless bind_addr is set."""
    with socket.create_connection((host, int(port)), timeout=1) as c:
        line = 'BEAT ' + fields.replace('{ip}', my_ip or c.getsockname()[0]) + '\n'
        c.sendall(line.encode())
        c.recv(16)


if __name__ == '__main__':
    main()
