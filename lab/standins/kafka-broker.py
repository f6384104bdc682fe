#!/usr/bin/python3
"""Kafka broker stand-in: `kafka-broker.py kafka.Kafka HOME/config/server.properties [--override key=value]…`.

Started by bin/kafka-server-start.sh as the real one starts `java … kafka.Kafka server.properties` (apache/kafka
2.3.0 bin/kafka-server-start.sh), so its command line holds `kafka.Kafka` and the config path as at a site. What it
imitates of Kafka 2.3.0 (core/src/main/scala/kafka/server/KafkaConfig.scala, KafkaServer.scala, zk/ZkData.scala):
- server.properties is read as java.util.Properties (java_properties.py: comments, `=`/`:`/space separators,
  continuations, the last repeated key wins), values trimmed; `--override key=value` wins over the file;
- `listeners` (default `PLAINTEXT://:9092`, or `port`/`host.name` when only those are set): it listens on the
  PLAINTEXT port; an empty host binds every address and registers `InetAddress.getLocalHost.getCanonicalHostName`;
- `log.dirs`, else `log.dir`, else /tmp/kafka-logs: a comma-separated list; each gets meta.properties;
- `zookeeper.connect` `h:p,h:p[/chroot]`: the chroot is created first (KafkaServer.initZkClient), then the broker
  registers the ephemeral znode <chroot>/brokers/ids/<broker.id> with BrokerIdZNode's JSON (version 4: host, port,
  endpoints, jmx_port, timestamp, listener_security_protocol_map) and competes for <chroot>/controller
  (ControllerZNode: version, brokerid, timestamp). It retries until ZooKeeper answers and registers again after a
  session loss, as a broker does.
The lab's own line protocol on the port (not Kafka's): `VERSION` → `kafka <version>` (from libs/kafka_*.jar),
`STATUS` → `registered|unregistered <id>`, `DESCRIBE_GROUPS` → the consumer groups kept in ZooKeeper at
/lab/consumer-groups, outside any chroot (see kafka_groups.py).
"""
import json
import os
import re
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
import java_properties  # noqa: E402
import labsvc  # noqa: E402
from kafka_dist import install_version  # noqa: E402
from kafka_groups import load_groups  # noqa: E402

from kazoo.client import KazooClient  # noqa: E402
from kazoo.exceptions import NodeExistsError  # noqa: E402


def read_args(argv):
    """`[kafka.Kafka] CONFIG [--override k=v]…` (or `--config CONFIG`): the config path and the overrides."""
    args = [a for a in argv if a != 'kafka.Kafka']
    config, overrides, i = None, {}, 0
    while i < len(args):
        if args[i] == '--override' and i + 1 < len(args):
            key, _, value = args[i + 1].partition('=')
            overrides[key.strip()] = value
            i += 2
        elif args[i] == '--config' and i + 1 < len(args):
            config, i = args[i + 1], i + 2
        elif config is None and not args[i].startswith('--'):
            config, i = args[i], i + 1
        else:
            labsvc.die(f'unexpected argument {args[i]!r}')
    if config is None:
        labsvc.die('USAGE: kafka-server-start.sh [-daemon] server.properties [--override property=value]*', 1)
    return config, overrides


def plaintext_endpoint(props):
    value = java_properties.value(props, 'listeners')
    if value is None:
        value = f"PLAINTEXT://{java_properties.value(props, 'host.name', '')}:{java_properties.value(props, 'port', '9092')}"
    for item in (x.strip() for x in value.split(',') if x.strip()):
        m = re.match(r'^PLAINTEXT://(\[[^\]]*\]|[^:]*):(\d+)$', item)
        if m:
            return m.group(1), int(m.group(2))
    labsvc.die(f'listeners has no PLAINTEXT://HOST:PORT (the stand-in speaks PLAINTEXT only): {value!r}')
    return '', 0


def main():
    conf_arg, overrides = read_args(sys.argv[1:])
    conf_path = os.path.realpath(conf_arg)
    home = os.path.dirname(os.path.dirname(conf_path))
    props = java_properties.load(conf_path)
    props.update(overrides)
    broker_id = int(java_properties.value(props, 'broker.id') or labsvc.die('missing setting broker.id'))
    host, port = plaintext_endpoint(props)
    zk_connect = java_properties.value(props, 'zookeeper.connect') or labsvc.die('missing setting zookeeper.connect')
    servers, slash, chroot = zk_connect.partition('/')
    chroot = ('/' + chroot).rstrip('/') if slash else ''
    dirs = java_properties.value(props, 'log.dirs') or java_properties.value(props, 'log.dir', '/tmp/kafka-logs')
    log_dirs = [os.path.normpath(d) for d in re.split(r'\s*,\s*', dirs.strip()) if d]
    version = install_version(home) or 'unknown'
    logfile = os.path.join(home, 'logs', 'server.log')

    for d in log_dirs:
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, 'meta.properties'), 'w', encoding='utf-8') as f:
            f.write(f'version=0\nbroker.id={broker_id}\n')

    sock = labsvc.listen(port, host.strip('[]') or '0.0.0.0')
    advertised = host or socket.getfqdn()
    zk = KazooClient(hosts=servers, timeout=6.0, connection_retry={'max_tries': -1, 'delay': 0.5, 'max_delay': 2})
    labsvc.exit_on_term(lambda: stop_zk(zk, logfile, broker_id))
    labsvc.log(logfile, f'[KafkaServer id={broker_id}] starting, version {version}, listening on {port}, '
                        f'log dirs {",".join(log_dirs)}, zookeeper {zk_connect}')
    state = {'registered': False}
    threading.Thread(target=register_forever, args=(zk, chroot, broker_id, advertised, port, logfile, state),
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


def register_forever(zk, chroot, broker_id, host, port, logfile, state):
    """Connect (retrying forever), then keep our ephemeral broker znode present, as a broker does after a session loss."""
    while True:
        try:
            zk.start(timeout=5)
            break
        except Exception:  # noqa: BLE001 - ZooKeeper not up yet: retry like a booting broker
            labsvc.log(logfile, 'waiting for zookeeper')
            time.sleep(1)
    path = f'{chroot}/brokers/ids/{broker_id}'
    while True:
        try:
            if chroot and zk.connected:
                zk.ensure_path(chroot)
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
            if zk.connected and not zk.exists(f'{chroot}/controller'):
                try:
                    ctrl = {'version': 1, 'brokerid': broker_id, 'timestamp': str(int(time.time() * 1000))}
                    zk.create(f'{chroot}/controller', json.dumps(ctrl).encode(), ephemeral=True)
                except NodeExistsError:
                    pass
        except NodeExistsError:
            pass  # the previous process's session still owns the node until it expires
        except Exception as e:  # noqa: BLE001 - connection trouble: keep trying
            labsvc.log(logfile, f'zookeeper: {e!r}')
        time.sleep(1)


if __name__ == '__main__':
    main()
