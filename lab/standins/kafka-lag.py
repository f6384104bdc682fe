#!/usr/bin/python3
"""Test hook of the Kafka stand-in (not a Kafka tool): set or reset consumer lag, cluster-wide.

    kafka-lag set --group G --topic T --partition P --lag N [--zookeeper H:2181,…]
    kafka-lag state --group G --state Stable|Empty|PreparingRebalance|Dead [--zookeeper …]
    kafka-lag clear [--zookeeper …]      # the cluster has no consumer group at all
    kafka-lag reset [--zookeeper …]      # back to the defaults: every partition at lag 0
    kafka-lag show  [--zookeeper …]

Installed on the Kafka hosts as /usr/local/bin/kafka-lag; a test runs it with `opsgate lab exec kafka-1 --`.
The state lives in ZooKeeper (/lab/consumer-groups), so every broker reports it.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
from kafka_groups import ZNODE, load_groups, save_groups  # noqa: E402

from kazoo.client import KazooClient  # noqa: E402


def main():
    ap = argparse.ArgumentParser(prog='kafka-lag')
    ap.add_argument('action', choices=['set', 'state', 'clear', 'reset', 'show'])
    ap.add_argument('--state', choices=['Stable', 'Empty', 'PreparingRebalance', 'Dead'])
    ap.add_argument('--zookeeper', default='127.0.0.1:2181')
    ap.add_argument('--group')
    ap.add_argument('--topic')
    ap.add_argument('--partition', type=int)
    ap.add_argument('--lag', type=int)
    args = ap.parse_args()
    zk = KazooClient(hosts=args.zookeeper, timeout=6.0)
    try:
        zk.start(timeout=10)
    except Exception:  # noqa: BLE001
        print(f'kafka-lag: cannot reach zookeeper at {args.zookeeper}', file=sys.stderr)
        sys.exit(1)
    try:
        if args.action == 'reset':
            if zk.exists(ZNODE):
                zk.delete(ZNODE)
        elif args.action == 'clear':
            save_groups(zk, {'groups': [], 'states': {}})
        elif args.action == 'state':
            if args.group is None or args.state is None:
                ap.error('state needs --group and --state')
            state = load_groups(zk)
            state.setdefault('states', {})[args.group] = args.state
            save_groups(zk, state)
        elif args.action == 'set':
            missing = [n for n in ('group', 'topic', 'partition', 'lag') if getattr(args, n) is None]
            if missing:
                ap.error('set needs ' + ', '.join('--' + n for n in missing))
            if args.lag < 0:
                ap.error('--lag must be >= 0')
            state = load_groups(zk)
            hits = [r for r in state['groups'] if (r['group'], r['topic'], r['partition'])
                    == (args.group, args.topic, args.partition)]
            if not hits:
                known = sorted({(r['group'], r['topic'], r['partition']) for r in state['groups']})
                ap.error(f'no partition {args.group}/{args.topic}/{args.partition}; known: {known}')
            hits[0]['lag'] = args.lag
            save_groups(zk, state)
        print(json.dumps(load_groups(zk), indent=1))
    finally:
        zk.stop()


if __name__ == '__main__':
    main()
