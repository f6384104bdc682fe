#!/usr/bin/python3
"""nginx + ngx_fastdfs_module stand-in: `fdfs-nginx.py -p PREFIX --mod-conf MOD_FASTDFS.CONF [-v | -t]`.

Serves the files of a FastDFS storage over HTTP as the module does: GET /<group>/M00/<xx>/<yy>/<file> is
STORE_PATH0/data/<xx>/<yy>/<file>, 404 for anything else or another group. The port is the `listen` of
PREFIX/conf/nginx.conf; group_name and store_path0 come from mod_fastdfs.conf. Access log in PREFIX/logs.
`-v` prints the version as nginx does (on stderr); `-t` checks both files.
"""
import argparse
import os
import re
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
import labsvc  # noqa: E402

VERSION = '1.16.1'


def load(prefix, mod_conf):
    conf_path = os.path.join(prefix, 'conf', 'nginx.conf')
    with open(conf_path, encoding='utf-8') as f:
        m = re.search(r'^\s*listen\s+(\d+)\s*;', f.read(), re.M)
    if not m:
        labsvc.die(f'no "listen PORT;" in {conf_path}', 1)
    mod = labsvc.read_conf(mod_conf)
    return int(m.group(1)), labsvc.conf_one(mod, 'group_name'), labsvc.conf_one(mod, 'store_path0')


def main():
    ap = argparse.ArgumentParser(prog='nginx')
    ap.add_argument('-p', dest='prefix', default='/usr/local/nginx')
    ap.add_argument('--mod-conf', default='/etc/fdfs/mod_fastdfs.conf')
    ap.add_argument('-v', action='store_true')
    ap.add_argument('-t', action='store_true')
    a = ap.parse_args()
    if a.v:
        print(f'nginx version: nginx/{VERSION}', file=sys.stderr)
        return
    port, group, store = load(a.prefix, a.mod_conf)
    if a.t:
        print(f'nginx: the configuration file {a.prefix}/conf/nginx.conf syntax is ok', file=sys.stderr)
        return
    data = os.path.realpath(os.path.join(store, 'data'))
    access_log = os.path.join(a.prefix, 'logs', 'access.log')
    os.makedirs(os.path.dirname(access_log), exist_ok=True)
    pattern = re.compile(r'^/' + re.escape(group) + r'/M00/([0-9A-F]{2})/([0-9A-F]{2})/([A-Za-z0-9_.-]+)$')

    class Handler(BaseHTTPRequestHandler):
        server_version = f'nginx/{VERSION}'
        sys_version = ''

        def do_GET(self):  # noqa: N802 - http.server's name
            m = pattern.match(self.path.split('?', 1)[0])
            path = os.path.join(data, *m.groups()) if m else None
            if not path or not os.path.isfile(path):
                return self.reply(404, b'<html><body><h1>404 Not Found</h1></body></html>\n', 'text/html')
            with open(path, 'rb') as f:
                self.reply(200, f.read(), 'application/octet-stream')

        def reply(self, code, body, ctype):
            self.send_response(code)
            self.send_header('Content-Type', ctype)
            self.send_header('Content-Length', str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, fmt, *args):
            with open(access_log, 'a', encoding='utf-8') as f:
                f.write(f'{self.client_address[0]} - - [{self.log_date_time_string()}] {fmt % args}\n')

    try:
        server = ThreadingHTTPServer(('0.0.0.0', port), Handler)
    except OSError as e:
        labsvc.die(f'bind() to 0.0.0.0:{port} failed ({e.strerror})', 1)
    labsvc.exit_on_term()
    server.serve_forever()


if __name__ == '__main__':
    main()
