#!/usr/bin/python3
"""FastDFS storage stand-in: `fdfs-storaged.py [--version V] STORAGE.CONF`.

Reads group_name, port, base_path, store_path0, every tracker_server and http.server_port from storage.conf.
Refuses to start when base_path does not exist (as fdfs_storaged does), creates STORE_PATH0/data when it is
missing, logs to BASE/logs/storaged.log, and sends a heartbeat to every tracker every 2 s, so the trackers
(and fdfs_monitor through them) see it ACTIVE. Line protocol on its port: VERSION, STAT (file count).
"""
import argparse
import os
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
import labsvc  # noqa: E402


def count_files(data_dir):
    return sum(len(files) for _, _, files in os.walk(data_dir))


def main():
    ap = argparse.ArgumentParser(prog='fdfs_storaged')
    ap.add_argument('--version', default='5.11')
    ap.add_argument('conf')
    a = ap.parse_args()
    conf = labsvc.read_conf(a.conf)
    group = labsvc.conf_one(conf, 'group_name')
    port = int(labsvc.conf_one(conf, 'port', '23000'))
    http_port = int(labsvc.conf_one(conf, 'http.server_port', '8888'))
    base = labsvc.conf_one(conf, 'base_path')
    store = labsvc.conf_one(conf, 'store_path0', base)
    trackers = [labsvc.split_hostport(t, 22122) for t in conf.get('tracker_server', [])]
    if not trackers:
        labsvc.die('no tracker_server in ' + a.conf)
    if not os.path.isdir(base):
        labsvc.die(f'base_path {base} not exist', 1)
    data_dir = os.path.join(store, 'data')
    os.makedirs(data_dir, exist_ok=True)
    os.makedirs(os.path.join(base, 'data'), exist_ok=True)
    logfile = os.path.join(base, 'logs', 'storaged.log')
    my_ip = labsvc.conf_one(conf, 'bind_addr', '') or None

    def beat_forever():
        joined = set()
        while True:
            st = os.statvfs(store)
            total, free = st.f_blocks * st.f_frsize // 2**20, st.f_bavail * st.f_frsize // 2**20
            for host, tport in trackers:
                try:
                    beat(host, tport, my_ip, f'{group} {{ip}} {port} {http_port} {total} {free} {a.version}')
                    if (host, tport) not in joined:
                        labsvc.log(logfile, f'tracker server {host}:{tport}, set tracker leader / joined')
                        joined.add((host, tport))
                except OSError:
                    if (host, tport) in joined:
                        labsvc.log(logfile, f'connect to tracker server {host}:{tport} fail')
                        joined.discard((host, tport))
            time.sleep(2)

    def handle(line, _peer):
        if line == 'VERSION':
            return f'fdfs_storaged {a.version}\n'
        if line == 'STAT':
            return f'{group} files={count_files(data_dir)}\n'
        return None

    sock = labsvc.listen(port)
    labsvc.exit_on_term(lambda: labsvc.log(logfile, 'exit normally.'))
    labsvc.log(logfile, f'FastDFS v{a.version}, group_name={group}, port={port}, store_path0={store}')
    threading.Thread(target=beat_forever, daemon=True).start()
    labsvc.serve_lines(sock, handle)


def beat(host, port, my_ip, fields):
    """One heartbeat; the storage's address is the source address of the connection unless bind_addr is set."""
    with socket.create_connection((host, int(port)), timeout=1) as c:
        line = 'BEAT ' + fields.replace('{ip}', my_ip or c.getsockname()[0]) + '\n'
        c.sendall(line.encode())
        c.recv(16)


if __name__ == '__main__':
    main()
