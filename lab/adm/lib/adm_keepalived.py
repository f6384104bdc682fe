"""The keepalived.conf ADM writes for a product it puts behind a VIP (redis-ha, nginx-lb): unicast VRRP to the
peer on the host's own interface, priority 150 (master) / 100 (backup), PASS authentication derived from the
instance, and a track script on the local service."""
import hashlib
import os
import subprocess

from adm_host import host_ip

CONF = '/etc/keepalived/keepalived.conf'


def interface_of(ip):
    """The interface holding address IP (eth0 when none does)."""
    out = subprocess.run(['ip', '-o', '-4', 'addr', 'show'], capture_output=True, text=True, check=False).stdout
    for line in out.splitlines():
        fields = line.split()
        if len(fields) > 3 and fields[3].split('/')[0] == ip:
            return fields[1]
    return 'eth0'


def keepalived_conf(product, instance, s, me, check, script, timeout, weight=None):
    """keepalived.conf for node S ({role, vrid, peer, vip}) of INSTANCE at address ME; CHECK names the track
    script SCRIPT (its timeout in seconds, and the priority WEIGHT it takes away when it fails, if any)."""
    master = s['role'] == 'master'
    auth = hashlib.sha256(f'vrrp-{instance}'.encode()).hexdigest()[:8]
    dev = interface_of(me)
    weight_line = f'\n  weight {weight}' if weight is not None else ''
    return f'''# {product} instance {instance}: keepalived (written by ADM)
global_defs {{
  router_id {instance}-{s['role']}
  script_user root
  enable_script_security
}}
vrrp_script {check} {{
  script "{script}"
  interval 2
  timeout {timeout}
  fall 2
  rise 1{weight_line}
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
    {check}
  }}
}}
'''


def install(inst, home, product, s, check, check_body, timeout, weight=None, files=()):
    """keepalived at HOME for node S of INST: sbin/keepalived (the machine's), bin/CHECK.sh (CHECK_BODY) and FILES
    ((name, text) written mode 600 beside it), /etc/keepalived/keepalived.conf, and the service `keepalived`."""
    k = inst.mkdir(home)
    for d in ('sbin', 'bin', 'logs'):
        os.makedirs(os.path.join(k, d), mode=0o700, exist_ok=True)
    os.symlink('/usr/sbin/keepalived', os.path.join(k, 'sbin', 'keepalived'))
    for name, text in files:
        inst.write(os.path.join(k, 'bin', name), text, 0o600)
    script = os.path.join(k, 'bin', f'{check}.sh')
    inst.write(script, check_body, 0o700)
    os.makedirs(os.path.dirname(CONF), exist_ok=True)
    inst.track(CONF)
    inst.write(CONF, keepalived_conf(product, inst.instance, s, host_ip(), check, script, timeout, weight), 0o600)
    inst.add_service('keepalived', k, os.path.join(k, 'sbin', 'keepalived'),
                     ['--dont-fork', '--log-console', '-f', CONF, '-p', '/run/adm/keepalived-main.pid',
                      '-r', '/run/adm/keepalived-vrrp.pid', '-c', '/run/adm/keepalived-checkers.pid'], None)
