#!/usr/bin/python3
"""Kafka broker stand-in: `kafka-broker.py --config HOME/config/server.properties`.

Listens on the port of `listeners`, registers the ephemeral znode /brokers/ids/<broker.id> with the JSON a
real 2.x broker writes, competes for /controller, and answers the lab's line protocol on its port:
`VERSION` -> `kafka <version>`, `DESCRIBE_GROUPS` -> the consumer-group JSON kept in ZooKeeper at
/lab/consumer-groups (see kafka-lag.py). It keeps retrying until ZooKeeper is reachable and re-registers
after a session loss. The version comes from the name of the jar in HOME/libs (kafka_2.12-2.3.0.jar).
"""
import argparse
import glob
import json
import os
import re
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
import labsvc  # noqa: E402
from kafka_groups import load_groups  # noqa: E402

from kazoo.client import KazooClient  # noqa: E402
from kazoo.exceptions import NodeExistsError  # noqa: E402


def broker_version(home):
    for jar in glob.glob(os.path.join(home, 'libs', 'kafka_*.jar')):
        m = re.match(r'kafka_[\d.]+-([\d.]+)\.jar$', os.path.basename(jar))
        if m:
            return m.group(1)
    return 'unknown'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--config', required=True)
    args = ap.parse_args()
    conf_path = os.path.realpath(args.config)
    home = os.path.dirname(os.path.dirname(conf_path))
    conf = labsvc.read_conf(conf_path)
    broker_id = int(labsvc.conf_one(conf, 'broker.id'))
    listener = labsvc.conf_one(conf, 'listeners')
    m = re.match(r'PLAINTEXT://([^:]*):(\d+)$', listener)
    if not m:
        labsvc.die(f'listeners must be PLAINTEXT://HOST:PORT, got {listener!r}')
    host, port = m.group(1) or '0.0.0.0', int(m.group(2))
    zk_connect = labsvc.conf_one(conf, 'zookeeper.connect')
    log_dirs = labsvc.conf_one(conf, 'log.dirs', '/tmp/kafka-logs')
    version = broker_version(home)
    logfile = os.path.join(home, 'logs', 'server.log')

    os.makedirs(log_dirs, exist_ok=True)
    with open(os.path.join(log_dirs, 'meta.properties'), 'w', encoding='utf-8') as f:
        f.write(f'version=0\nbroker.id={broker_id}\n')

    sock = labsvc.listen(port)
    advertised = host if host != '0.0.0.0' else os.uname().nodename
    zk = KazooClient(hosts=zk_connect, timeout=6.0,
                     connection_retry={'max_tries': -1, 'delay': 0.5, 'max_delay': 2})
    labsvc.exit_on_term(lambda: stop_zk(zk, logfile, broker_id))
    labsvc.log(logfile, f'[KafkaServer id={broker_id}] starting, version {version}, listening on {port}')
    state = {'registered': False}
    threading.Thread(target=register_forever, args=(zk, broker_id, advertised, port, logfile, state),
                     daemon=True).start()

    def handle(line, _peer):
        if line == 'VERSION':
            return f'kafka {version}\n'
        if line == 'STATUS':
            return f"{'registered' if state['registered'] else 'unregistered'} {broker_id}\n"
        if line == 'DESCRIBE_GROUPS':
            if not zk.connected:
                return 'ERROR not connected to zookeeper\n'
            return json.dumps(load_groups(zk)) + '\n'
        return None
    labsvc.serve_lines(sock, handle)


def stop_zk(zk, logfile, broker_id):
    labsvc.log(logfile, f'[KafkaServer id={broker_id}] shutting down')
    try:
        zk.stop()
        zk.close()
    except Exception:  # noqa: BLE001 - shutting down anyway
        pass


def register_forever(zk, broker_id, host, port, logfile, state):
    """Connect (retrying forever), then keep our ephemeral broker znode present, as a broker does after a session loss."""
    while True:
        try:
            zk.start(timeout=5)
            break
        except Exception:  # noqa: BLE001 - ZooKeeper not up yet: retry like a booting broker
            labsvc.log(logfile, 'waiting for zookeeper')
            time.sleep(1)
    path = f'/brokers/ids/{broker_id}'
    while True:
        try:
            stat = zk.exists(path) if zk.connected else None
            state['registered'] = bool(stat and stat.ephemeralOwner == zk.client_id[0])
            if zk.connected and not stat:
                body = {
                    'listener_security_protocol_map': {'PLAINTEXT': 'PLAINTEXT'},
                    'endpoints': [f'PLAINTEXT://{host}:{port}'],
                    'jmx_port': -1, 'host': host, 'timestamp': str(int(time.time() * 1000)),
                    'port': port, 'version': 4,
                }
                zk.create(path, json.dumps(body).encode(), ephemeral=True, makepath=True)
                labsvc.log(logfile, f'registered broker {broker_id} at path {path}')
                state['registered'] = True
            if zk.connected and not zk.exists('/controller'):
                try:
                    ctrl = {'version': 1, 'brokerid': broker_id, 'timestamp': str(int(time.time() * 1000))}
                    zk.create('/controller', json.dumps(ctrl).encode(), ephemeral=True)
                except NodeExistsError:
                    pass
        except NodeExistsError:
            pass  # the previous process's session still owns the node until it expires
        except Exception as e:  # noqa: BLE001 - connection trouble: keep trying
            labsvc.log(logfile, f'zookeeper: {e!r}')
        time.sleep(1)


if __name__ == '__main__':
    main()
