#!/usr/bin/python3
"""`zookeeper-shell.sh SERVER[/chroot] CMD ARGS…` stand-in: the ZooKeeper CLI as Kafka 2.3.0 ships it.

Kafka 2.3.0's bin/zookeeper-shell.sh runs `org.apache.zookeeper.ZooKeeperMain -server "$@"` from the
zookeeper-3.4.14 jar in libs/ (apache/kafka 2.3.0 gradle/dependencies.gradle). What it imitates of
apache/zookeeper release-3.4.14 zookeeper-server/src/main/java/org/apache/zookeeper/ZooKeeperMain.java, for the
commands a runbook uses (`ls PATH`, `get PATH`):
- stdout `Connecting to SERVER`, then the watcher's `\\nWATCHER::` and `\\nWatchedEvent state:SyncConnected
  type:None path:null` once connected, then the answer: `ls` prints the children as a Java list (`[1, 2, 3]`,
  `[]` when none), `get` the data and the stat lines;
- a missing node: stderr `Node does not exist: PATH` and exit code 0 (processCmd catches NoNodeException and
  run() returns normally; 3.4's main has no System.exit on this path);
- no server answering: the request fails with ConnectionLoss, which processCmd does not catch: stderr
  `Exception in thread "main" org.apache.zookeeper.KeeperException$ConnectionLossException: KeeperErrorCode =
  ConnectionLoss for PATH` and a stack trace, exit 1;
- a chroot in SERVER (`h:2181,h:2181/kafka`) makes every path relative to it, as the Java client does.
"""
import logging
import sys
import time

from kazoo.client import KazooClient
from kazoo.exceptions import NoNodeError


def connection_loss(path):
    print('Exception in thread "main" org.apache.zookeeper.KeeperException$ConnectionLossException: '
          f'KeeperErrorCode = ConnectionLoss for {path}\n'
          '\tat org.apache.zookeeper.KeeperException.create(KeeperException.java:102)\n'
          '\tat org.apache.zookeeper.KeeperException.create(KeeperException.java:54)\n'
          '\tat org.apache.zookeeper.ZooKeeper.getChildren(ZooKeeper.java:1541)\n'
          '\tat org.apache.zookeeper.ZooKeeperMain.processZKCmd(ZooKeeperMain.java:732)\n'
          '\tat org.apache.zookeeper.ZooKeeperMain.processCmd(ZooKeeperMain.java:600)\n'
          '\tat org.apache.zookeeper.ZooKeeperMain.run(ZooKeeperMain.java:363)\n'
          '\tat org.apache.zookeeper.ZooKeeperMain.main(ZooKeeperMain.java:291)', file=sys.stderr)
    sys.exit(1)


def main():
    args = sys.argv[1:]
    if args[:1] == ['-server']:
        args = args[1:]
    if not args:
        print('ZooKeeper -server host:port cmd args', file=sys.stderr)
        sys.exit(0)
    server, cmd = args[0], args[1:]
    servers, slash, chroot = server.partition('/')
    chroot = ('/' + chroot).rstrip('/') if slash else ''
    print(f'Connecting to {server}', flush=True)
    if not cmd:
        print('Welcome to ZooKeeper!\nJLine support is disabled')
        return
    path = cmd[1] if len(cmd) > 1 else '/'
    zk = KazooClient(hosts=servers, timeout=6.0)
    try:
        zk.start(timeout=4)
    except Exception:  # noqa: BLE001 - no server answered within the session's first connect attempts
        connection_loss(path)
    print('\nWATCHER::\n\nWatchedEvent state:SyncConnected type:None path:null', flush=True)
    try:
        full = (chroot + path) if path != '/' else (chroot or '/')
        if cmd[0] == 'ls' and len(cmd) >= 2:
            print('[' + ', '.join(sorted(zk.get_children(full), key=lambda c: (len(c), c))) + ']')
        elif cmd[0] == 'get' and len(cmd) >= 2:
            data, stat = zk.get(full)
            print(data.decode('utf-8', 'replace'))
            for name, value in (('cZxid', hex(stat.czxid)), ('ctime', time.ctime(stat.ctime / 1000)),
                                ('mZxid', hex(stat.mzxid)), ('mtime', time.ctime(stat.mtime / 1000)),
                                ('pZxid', hex(stat.pzxid)), ('cversion', stat.cversion),
                                ('dataVersion', stat.version), ('aclVersion', stat.aversion),
                                ('ephemeralOwner', hex(stat.ephemeralOwner)), ('dataLength', stat.dataLength),
                                ('numChildren', stat.numChildren)):
                print(f'{name} = {value}')
        else:
            print('ZooKeeper -server host:port cmd args\n\tls path [watch]\n\tget path [watch]', file=sys.stderr)
    except NoNodeError:
        print(f'Node does not exist: {path}', file=sys.stderr)
    finally:
        zk.stop()
        zk.close()


if __name__ == '__main__':
    logging.getLogger('kazoo').addHandler(logging.NullHandler())
    logging.getLogger('kazoo').propagate = False
    main()
