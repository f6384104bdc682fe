"""ADM product nginx-lb: one node of the FastDFS download pair, an nginx that balances downloads over the
storages' nginx, behind keepalived with a VIP (the seed: "外加两个nginx来专门做文件下载的负载(是需要vip的)").

Leaves HOME (default /mysql/fastdfs/nginx_lb) `sbin/nginx` (the real nginx, through the lab's wrapper),
`conf/nginx.conf` (an `upstream` of --upstreams, `proxy_pass` for every URI), `logs/`; /mysql/fastdfs/keepalived
(`sbin/keepalived`, `bin/chk_nginx.sh`: an HTTP answer from the local nginx), /etc/keepalived/keepalived.conf
(unicast VRRP to --peer, the VIP on the host's interface, priority 150/100, weight -60 on the track script);
services `nginx-lb` and `keepalived`.
"""
import hashlib
import os
import shutil
import subprocess

from adm_host import STANDINS, check_endpoints, check_ip, check_path, host_ip, usage
import adm_keepalived

KEEPALIVED_HOME = '/mysql/fastdfs/keepalived'


def version():
    out = subprocess.run(['/usr/sbin/nginx', '-v'], capture_output=True, text=True, check=False).stderr
    return out.strip().rsplit('/', 1)[-1] or 'unknown'


def plan(a):
    if a.role not in ('master', 'backup'):
        raise usage('nginx-lb needs --role master|backup')
    if not a.upstreams:
        raise usage("nginx-lb needs --upstreams IP:PORT,… (the storages' nginx)")
    me, peer = host_ip(), check_ip(a.peer, '--peer')
    vrid = a.vrid or int(hashlib.sha256(a.instance.encode()).hexdigest(), 16) % 200 + 20
    return {'role': a.role, 'vip': check_ip(a.vip, '--vip'), 'peer': peer, 'port': a.port or 80, 'vrid': vrid,
            'upstreams': check_endpoints(a.upstreams, '--upstreams', 8888), 'hosts': sorted([me, peer]),
            'mode': 'nginx-pair+keepalived', 'home': check_path(a.home or '/mysql/fastdfs/nginx_lb', '--home')}


def install(inst, s):
    home, port = s['home'], s['port']
    inst.claim('nginx-lb', port, home)
    inst.refuse_existing(KEEPALIVED_HOME, adm_keepalived.CONF)
    inst.refuse_service('keepalived')
    for d in ('sbin', 'conf', 'logs'):
        os.makedirs(os.path.join(home, d), exist_ok=True)
    shutil.copy(os.path.join(STANDINS, 'bin', 'nginx'), os.path.join(home, 'sbin', 'nginx'))
    shutil.copy('/etc/nginx/mime.types', os.path.join(home, 'conf', 'mime.types'))
    servers = ''.join(f'    server {u} max_fails=1 fail_timeout=5s;\n' for u in s['upstreams'])
    inst.write(os.path.join(home, 'conf', 'nginx.conf'), f'''# nginx-lb instance {inst.instance} (written by ADM)
worker_processes 1;
events {{ worker_connections 1024; }}
http {{
  include mime.types;
  default_type application/octet-stream;
  upstream fdfs_storages {{
{servers}  }}
  server {{
    listen {port};
    location / {{
      proxy_pass http://fdfs_storages;
      proxy_next_upstream error timeout http_502 http_503 http_404;
      proxy_connect_timeout 2s;
    }}
  }}
}}
''')
    inst.add_service('nginx-lb', home, os.path.join(home, 'sbin', 'nginx'), [], port)
    adm_keepalived.install(
        inst, KEEPALIVED_HOME, 'nginx-lb', s, 'chk_nginx',
        '#!/bin/sh\n# keepalived track script: does the local download nginx answer HTTP?\n'
        f"code=$(curl -s -o /dev/null -m 2 -w '%{{http_code}}' http://127.0.0.1:{port}/)\n"
        '[ "${code:-000}" != 000 ]\n', 3, weight=-60)
    inst.start_all()
