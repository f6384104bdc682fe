#!/usr/bin/python3
"""`kafka-consumer-groups.sh` stand-in: `--bootstrap-server H:P[,H:P…] (--list | --describe (--all-groups | --group G))`.

Asks the first reachable broker of --bootstrap-server (the stand-in's DESCRIBE_GROUPS request) and prints
what Kafka 2.3's ConsumerGroupCommand prints: per group a blank line, the header
GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID and one row per partition.
With no broker reachable it fails like the real tool (TimeoutException, exit 1).
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
import labsvc  # noqa: E402


def fail(message):
    print(f'Error: {message}', file=sys.stderr)
    sys.exit(1)


def fetch(bootstrap):
    for item in bootstrap.split(','):
        host, port = labsvc.split_hostport(item, 9092)
        try:
            reply = labsvc.request(host, port, 'DESCRIBE_GROUPS', timeout=3).strip()
        except OSError:
            continue
        if reply.startswith('{'):
            return json.loads(reply)['groups']
    fail('Executing consumer group command failed due to org.apache.kafka.common.errors.TimeoutException: '
         'Timed out waiting for a node assignment.')
    return []


def describe(rows, groups):
    for group in groups:
        mine = [r for r in rows if r['group'] == group]
        wg = max([15, len(group)])
        wt = max([15] + [len(r['topic']) for r in mine])
        wc = max([15] + [len(r['consumer_id']) for r in mine])
        wh = max([15] + [len(r['host']) for r in mine])
        line = f'%-{wg}s %-{wt}s %-10s %-15s %-15s %-15s %-{wc}s %-{wh}s %s'
        print()
        print(line % ('GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG',
                      'CONSUMER-ID', 'HOST', 'CLIENT-ID'))
        for r in sorted(mine, key=lambda r: (r['topic'], r['partition'])):
            print(line % (group, r['topic'], r['partition'], r['current'], r['current'] + r['lag'], r['lag'],
                          r['consumer_id'], r['host'], r['client_id']))
    print()


def main():
    ap = argparse.ArgumentParser(prog='kafka-consumer-groups.sh', add_help=True)
    ap.add_argument('--bootstrap-server')
    ap.add_argument('--list', action='store_true')
    ap.add_argument('--describe', action='store_true')
    ap.add_argument('--all-groups', action='store_true')
    ap.add_argument('--group')
    args = ap.parse_args()
    if not args.bootstrap_server:
        fail('Missing required argument "[bootstrap-server]"')
    if args.list == args.describe:
        fail('Command must include exactly one action: --list, --describe')
    rows = fetch(args.bootstrap_server)
    names = sorted({r['group'] for r in rows})
    if args.list:
        print('\n'.join(names))
        return
    if args.all_groups:
        describe(rows, names)
    elif args.group:
        if args.group not in names:
            print(f"\nConsumer group '{args.group}' does not exist.")
            return
        describe(rows, [args.group])
    else:
        fail('Option [describe] takes one of these options: [all-groups], [group]')


if __name__ == '__main__':
    main()
