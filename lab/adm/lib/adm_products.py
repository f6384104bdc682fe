"""ADM products zookeeper, kafka, fdfs-tracker, fdfs-storage and nginx (redis-ha is in adm_redis.py).

Each product has `plan(args) -> settings` (validates, fills defaults; raises AdmError) and
`install(inst, settings)`. What each leaves on the host is listed in lab/adm/README.md.
"""
import os
import shutil

from adm_host import STANDINS, check_endpoints, check_ip, check_path, host_ip, usage
from fake_jar import write_jar

ZK_VERSION = '3.8.0'      # Debian's ZooKeeper, which the lab runs
KAFKA_VERSION = '2.8.1'   # what ADM deploys (the site's hand-installed brokers are 2.3.0)
FDFS_VERSION = '6.06'     # what ADM deploys (the site's hand-installed FastDFS is 5.11)


def _hosts(a, me):
    """The instance's hosts (--hosts, IPs) with this host in them: the marker lists the whole instance."""
    hosts = [check_ip(h.strip(), '--hosts') for h in a.hosts.split(',')] if a.hosts else []
    return sorted(set(hosts) | {me})


def _id(a):
    if a.id is None or not 1 <= a.id <= 255:
        raise usage(f'{a.product} needs --id N (1..255)')
    return a.id


def plan_zookeeper(a):
    me = host_ip()
    if not a.hosts:
        raise usage('zookeeper needs --hosts IP,IP,IP (the whole ensemble, in id order)')
    ensemble = [check_ip(h.strip(), '--hosts') for h in a.hosts.split(',')]
    zid = _id(a)
    if zid > len(ensemble) or ensemble[zid - 1] != me:
        raise usage(f'--id {zid} must be this host\'s position in --hosts ({me} is not entry {zid})')
    return {'id': zid, 'ensemble': ensemble, 'hosts': sorted(ensemble), 'port': a.port or 2181, 'mode': 'ensemble',
            'home': check_path(a.home or '/app/soft/zookeeper', '--home'),
            'data': check_path(a.data or '/app/zookeeper_data', '--data')}


def install_zookeeper(inst, s):
    home, data = s['home'], s['data']
    inst.claim('zookeeper', s['port'], home, data)
    for d in ('bin', 'conf', 'logs'):
        os.makedirs(os.path.join(home, d), exist_ok=True)
    servers = ''.join(f'server.{i}={ip}:2888:3888\n' for i, ip in enumerate(s['ensemble'], start=1))
    inst.write(os.path.join(home, 'conf', 'zoo.cfg'),
               f"# zookeeper instance {inst.instance} (written by ADM)\ntickTime=2000\ninitLimit=10\nsyncLimit=5\n"
               f"dataDir={data}\nclientPort={s['port']}\nadmin.enableServer=false\n"
               f"4lw.commands.whitelist=srvr,stat,ruok,mntr,conf\n{servers}")
    shutil.copy('/etc/zookeeper/conf/log4j.properties', os.path.join(home, 'conf', 'log4j.properties'))
    inst.write(os.path.join(data, 'myid'), f"{s['id']}\n")
    inst.write(os.path.join(home, 'bin', 'zkServer.sh'),
               '#!/bin/sh\n# ZooKeeper server started by ADM (foreground)\n'
               f'HOME_DIR={home}\n'
               'exec /usr/bin/java -cp "$HOME_DIR/conf:/usr/share/java/zookeeper.jar" '
               '-Xms32m -Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -Xss512k '
               '-Dzookeeper.log.dir="$HOME_DIR/logs" -Dzookeeper.root.logger=INFO,ROLLINGFILE '
               'org.apache.zookeeper.server.quorum.QuorumPeerMain "$HOME_DIR/conf/zoo.cfg"\n', 0o755)
    inst.add_service('zookeeper', home, os.path.join(home, 'bin', 'zkServer.sh'), [], s['port'])
    inst.start_all()


def plan_kafka(a):
    me = host_ip()
    if not a.zookeeper:
        raise usage('kafka needs --zookeeper IP:2181,… (the ensemble the brokers register in)')
    return {'id': _id(a), 'zookeeper': check_endpoints(a.zookeeper, '--zookeeper', 2181), 'port': a.port or 9092,
            'hosts': _hosts(a, me), 'mode': 'cluster',
            'home': check_path(a.home or '/app/soft/kafka', '--home'),
            'data': check_path(a.data or '/app/kafka_data', '--data')}


def install_kafka(inst, s):
    home, data = s['home'], s['data']
    inst.claim('kafka', s['port'], home, data)
    shutil.copytree(os.path.join(STANDINS, 'kafka', 'bin'), os.path.join(home, 'bin'))
    os.makedirs(os.path.join(home, 'config'), exist_ok=True)
    write_jar(os.path.join(home, 'libs', f'kafka_2.12-{KAFKA_VERSION}.jar'), 'kafka', KAFKA_VERSION, '2021-09-14')
    inst.write(os.path.join(home, 'config', 'server.properties'),
               f"# kafka instance {inst.instance} (written by ADM)\nbroker.id={s['id']}\n"
               f"listeners=PLAINTEXT://{host_ip()}:{s['port']}\nlog.dirs={data}\nnum.partitions=3\n"
               f"zookeeper.connect={','.join(s['zookeeper'])}\nzookeeper.connection.timeout.ms=6000\n")
    inst.add_service('kafka', home, os.path.join(home, 'bin', 'kafka-server-start.sh'),
                     [os.path.join(home, 'config', 'server.properties')], s['port'])
    inst.start_all()


def plan_fdfs_tracker(a):
    return {'port': a.port or 22122, 'hosts': _hosts(a, host_ip()), 'mode': 'tracker-cluster',
            'home': check_path(a.home or '/mysql/fastdfs/tracker', '--home'),
            'base': check_path(a.base or a.data or '/mysql/fastdfs/tracker_base', '--base')}


def _fdfs_install(inst, s, service, daemon, conf_name, conf_body, store=None):
    """ADM's FastDFS layout and service: HOME/bin (the daemon, fdfs_monitor), HOME/conf/CONF_NAME, BASE/data,
    BASE/logs (the pidfile lives there, as FastDFS keeps it), and STORE/data for a storage."""
    home, base = s['home'], s['base']
    inst.claim(service, s['port'], *([home, base] + ([store] if store else [])))
    for d in [os.path.join(home, 'bin'), os.path.join(home, 'conf'), os.path.join(base, 'data'),
              os.path.join(base, 'logs')] + ([os.path.join(store, 'data')] if store else []):
        os.makedirs(d, exist_ok=True)
    for tool in (daemon, 'fdfs_monitor'):
        shutil.copy(os.path.join(STANDINS, 'bin', tool), os.path.join(home, 'bin', tool))
    conf = inst.write(os.path.join(home, 'conf', conf_name),
                      f"# {inst.product} instance {inst.instance} (written by ADM)\ndisabled=false\n{conf_body}")
    inst.add_service(service, home, os.path.join(home, 'bin', daemon), ['--version', FDFS_VERSION, conf], s['port'],
                     pidfile=os.path.join(base, 'data', f'{daemon}.pid'))
    inst.start_all()


def install_fdfs_tracker(inst, s):
    _fdfs_install(inst, s, 'trackerd', 'fdfs_trackerd', 'tracker.conf',
                  f"port={s['port']}\nbase_path={s['base']}\nstore_lookup=2\nhttp.server_port=8080\n")


def plan_fdfs_storage(a):
    if not a.trackers:
        raise usage('fdfs-storage needs --trackers IP:22122,… (every tracker of the instance)')
    data = check_path(a.data or '/mysql/fastdfs/storage/data', '--data')
    if os.path.basename(data) != 'data':
        raise usage(f'--data must end in /data (FastDFS keeps files in STORE_PATH/data), got {data!r}')
    return {'group': a.group or 'group1', 'trackers': check_endpoints(a.trackers, '--trackers', 22122),
            'port': a.port or 23000, 'http_port': a.http_port or 8888, 'hosts': _hosts(a, host_ip()),
            'mode': 'storage-group', 'home': check_path(a.home or '/mysql/fastdfs/storaged', '--home'),
            'base': check_path(a.base or '/mysql/fastdfs/storage_base', '--base'), 'data': data}


def install_fdfs_storage(inst, s):
    store = os.path.dirname(s['data'])
    trackers = ''.join(f'tracker_server={t}\n' for t in s['trackers'])
    _fdfs_install(inst, s, 'storaged', 'fdfs_storaged', 'storage.conf',
                  f"group_name={s['group']}\nport={s['port']}\nbase_path={s['base']}\nstore_path_count=1\n"
                  f"store_path0={store}\n{trackers}http.server_port={s['http_port']}\n", store)


def plan_nginx(a):
    return {'group': a.group or 'group1', 'port': a.port or 8888, 'hosts': _hosts(a, host_ip()),
            'mode': 'standalone', 'home': check_path(a.home or '/mysql/fastdfs/nginx', '--home'),
            'store': check_path(a.store or '/mysql/fastdfs/storage', '--store')}


def install_nginx(inst, s):
    home = s['home']
    inst.claim('nginx', s['port'], home)
    for d in ('sbin', 'conf', 'logs'):
        os.makedirs(os.path.join(home, d), exist_ok=True)
    shutil.copy(os.path.join(STANDINS, 'bin', 'nginx'), os.path.join(home, 'sbin', 'nginx'))
    inst.write(os.path.join(home, 'conf', 'nginx.conf'),
               f"# nginx instance {inst.instance} (written by ADM)\nworker_processes 1;\nevents {{ worker_connections 1024; }}\n"
               f"http {{\n  server {{\n    listen {s['port']};\n    location ~/group[0-9]/M00 {{ ngx_fastdfs_module; }}\n  }}\n}}\n")
    inst.write(os.path.join(home, 'conf', 'mod_fastdfs.conf'),
               f"# ngx_fastdfs_module of nginx instance {inst.instance} (written by ADM)\n"
               f"group_name={s['group']}\nurl_have_group_name=true\nstore_path_count=1\nstore_path0={s['store']}\n")
    inst.add_service('nginx', home, os.path.join(home, 'sbin', 'nginx'), [], s['port'])
    inst.start_all()
