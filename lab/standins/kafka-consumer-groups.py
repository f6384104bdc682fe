#!/usr/bin/python3
"""`kafka-consumer-groups.sh` stand-in: kafka.admin.ConsumerGroupCommand as the install's version has it.

Imitates apache/kafka core/src/main/scala/kafka/admin/ConsumerGroupCommand.scala at tag 2.3.0 (and at 2.2.1 for
installs older than 2.3.0), with its option parser jopt-simple 5.0.4 and kafka.utils.CommandLineUtils:
- options are parsed first; an unknown one is jopt-simple's UnrecognizedOptionException, uncaught: stderr
  `Exception in thread "main" joptsimple.UnrecognizedOptionException: all-groups is not a recognized option` and a
  stack trace, exit 1. `--all-groups` (KIP-379, KAFKA-7471) and `--version` exist from 2.3.0 on, not in 2.2.x.
- usage errors (printUsageAndDie) print the message and the option help on stderr and exit 1: no arguments,
  `Command must include exactly one action: --list, --describe, --delete, --reset-offsets`,
  `Missing required argument "[bootstrap-server]"`, 2.3.0's `Option [describe] takes one of these options:
  [group], [all-groups]` (2.2.x: `Missing required argument "[group]"`).
- `--list`: one group id per line, nothing else.
- `--describe`: per group (sorted), on stdout a blank line, the header and one row per partition, columns padded
  to the widest value (at least 15): 2.3.0 `GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID
  HOST CLIENT-ID`, 2.2.x the same without GROUP; `-` where a value is unknown. A group that does not exist:
  stdout `\nError: Consumer group 'G' does not exist.` (2.2.x without the blank line). A group without members:
  stderr `\nConsumer group 'G' has no active members.` (2.2.x without the blank line), rows still printed; a
  rebalancing one: stderr `\nWarning: Consumer group 'G' is rebalancing.`.
- any failure once the command runs (e.g. no broker answers) is caught in main: stdout `\nError: Executing
  consumer group command failed due to org.apache.kafka.common.errors.TimeoutException: Timed out waiting for a
  node assignment.`, the stack trace on stderr, and exit code 0 (main returns normally; true up to 3.7).
The group state comes from the brokers (the lab's DESCRIBE_GROUPS request, see kafka_groups.py); the real tool
waits its --timeout (5 s) before failing, the stand-in 1 s.
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
import labsvc  # noqa: E402
from kafka_dist import install_version, version_string, version_tuple  # noqa: E402

WITH_ARG = {'bootstrap-server', 'group', 'topic', 'timeout', 'command-config', 'to-offset', 'from-file',
            'to-datetime', 'by-duration', 'shift-by'}
FLAGS = {'all-topics', 'list', 'describe', 'delete', 'reset-offsets', 'dry-run', 'execute', 'export', 'to-earliest',
         'to-latest', 'to-current', 'members', 'verbose', 'offsets', 'state', 'help'}
SINCE_2_3 = {'all-groups', 'version'}
HELP = '''Option                                  Description
------                                  -----------
--all-groups                            Apply to all consumer groups.
--bootstrap-server <String: server to   REQUIRED: The server(s) to connect to.
  connect to>
--describe                              Describe consumer group and list offset lag (number of messages not yet
                                          processed) related to given group.
--group <String: consumer group>        The consumer group we wish to act on.
--help                                  Print usage information.
--list                                  List all consumer groups.
--timeout <Long: timeout (ms)>          The timeout that can be set for some use cases. (default: 5000)
--version                               Display Kafka version.'''
TIMEOUT = 'org.apache.kafka.common.errors.TimeoutException: Timed out waiting for a node assignment.'


class Tool:
    def __init__(self, version):
        self.version = version
        self.v23 = version_tuple(version) >= (2, 3, 0)

    def die_usage(self, message):
        print(message, file=sys.stderr)
        print(HELP if self.v23 else '\n'.join(line for line in HELP.split('\n') if 'all-groups' not in line
                                                and 'version' not in line.lower()), file=sys.stderr)
        sys.exit(1)

    def error(self, message):
        print(f"{chr(10) if self.v23 else ''}Error: {message}")

    def parse(self, argv):
        known = WITH_ARG | FLAGS | (SINCE_2_3 if self.v23 else set())
        opts, i = {}, 0
        while i < len(argv):
            token = argv[i]
            i += 1
            if not token.startswith('-') or token in ('-', '--'):
                continue  # jopt-simple keeps non-option arguments; ConsumerGroupCommand ignores them
            name, _, inline = token.lstrip('-').partition('=')
            if name not in known:
                self.uncaught('joptsimple.UnrecognizedOptionException', f'{name} is not a recognized option')
            if name in WITH_ARG:
                if not inline:
                    if i >= len(argv):
                        self.uncaught('joptsimple.OptionMissingRequiredArgumentException',
                                      f'Option {name} requires an argument')
                    inline = argv[i]
                    i += 1
                opts.setdefault(name, []).append(inline)
            else:
                opts[name] = [True]
        return opts

    @staticmethod
    def uncaught(cls, message):
        print(f'Exception in thread "main" {cls}: {message}', file=sys.stderr)
        for frame in ('joptsimple.OptionException.unrecognizedOption(OptionException.java:108)',
                      'joptsimple.OptionParser.handleLongOptionToken(OptionParser.java:510)',
                      'joptsimple.OptionParserState$2.handleArgument(OptionParserState.java:56)',
                      'joptsimple.OptionParser.parse(OptionParser.java:396)',
                      'kafka.admin.ConsumerGroupCommand$ConsumerGroupCommandOptions.<init>(ConsumerGroupCommand.scala)',
                      'kafka.admin.ConsumerGroupCommand$.main(ConsumerGroupCommand.scala)',
                      'kafka.admin.ConsumerGroupCommand.main(ConsumerGroupCommand.scala)'):
            print(f'\tat {frame}', file=sys.stderr)
        sys.exit(1)

    def check(self, opts, argv):
        if not argv or 'help' in opts:
            self.die_usage('This tool helps to list all consumer groups, describe a consumer group, delete consumer '
                           'group info, or reset consumer group offsets.')
        if 'version' in opts:
            print(version_string(self.version))
            sys.exit(0)
        if sum(1 for a in ('list', 'describe', 'delete', 'reset-offsets') if a in opts) != 1:
            self.die_usage('Command must include exactly one action: --list, --describe, --delete, --reset-offsets')
        if 'bootstrap-server' not in opts:
            self.die_usage('Missing required argument "[bootstrap-server]"')
        if 'describe' in opts and 'group' not in opts:
            if not self.v23:
                self.die_usage('Missing required argument "[group]"')
            if 'all-groups' not in opts:
                self.die_usage('Option [describe] takes one of these options: [group], [all-groups]')
        if 'group' in opts:
            for other in ('all-groups', 'list'):
                if other in opts:
                    self.die_usage(f'Option "[group]" can\'t be used with option "[{other}]"')
        if 'delete' in opts or 'reset-offsets' in opts:
            self.die_usage('the site lab stand-in answers --list and --describe only')

    def fetch(self, bootstrap):
        for item in bootstrap.split(','):
            host, port = labsvc.split_hostport(item, 9092)
            try:
                reply = labsvc.request(host, port, 'DESCRIBE_GROUPS', timeout=3).strip()
            except OSError:
                continue
            if reply.startswith('{'):
                return json.loads(reply)
        time.sleep(1)
        self.error(f'Executing consumer group command failed due to {TIMEOUT}')
        print(f'java.util.concurrent.ExecutionException: {TIMEOUT}\n'
              '\tat org.apache.kafka.common.internals.KafkaFutureImpl.wrapAndThrow(KafkaFutureImpl.java:45)\n'
              '\tat org.apache.kafka.common.internals.KafkaFutureImpl.access$000(KafkaFutureImpl.java:32)\n'
              '\tat org.apache.kafka.common.internals.KafkaFutureImpl$SingleWaiter.await(KafkaFutureImpl.java:89)\n'
              '\tat org.apache.kafka.common.internals.KafkaFutureImpl.get(KafkaFutureImpl.java:260)\n'
              f'Caused by: {TIMEOUT}', file=sys.stderr)
        sys.exit(0)

    def describe(self, state, groups):
        rows_of = {}
        for r in state.get('groups', []):
            rows_of.setdefault(r['group'], []).append(r)
        states = state.get('states', {})
        for group in sorted(groups):
            rows = rows_of.get(group, [])
            st = states.get(group, 'Stable' if rows else 'Dead')
            nl = '\n' if self.v23 else ''
            if st == 'Dead':
                self.error(f"Consumer group '{group}' does not exist.")
                continue
            if st == 'Empty':
                print(f"{nl}Consumer group '{group}' has no active members.", file=sys.stderr)
            elif st in ('PreparingRebalance', 'CompletingRebalance'):
                print(f"{nl}Warning: Consumer group '{group}' is rebalancing.", file=sys.stderr)
            if rows:
                self.table(group, rows, member=st != 'Empty')
            sys.stdout.flush()

    def table(self, group, rows, member):
        def cells(r):
            c = (r['consumer_id'], r['host'], r['client_id']) if member else ('-', '-', '-')
            known = r.get('current') is not None
            cur, lag = (r['current'], r['lag']) if known else ('-', '-')
            end = r['current'] + r['lag'] if known else r.get('end', '-')
            return [group, r['topic'], r['partition'], cur, end, lag, *c]
        body = [cells(r) for r in sorted(rows, key=lambda r: (r['topic'], r['partition']))]
        head = ['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST',
                'CLIENT-ID']
        widths = [max([15] + [len(str(b[0])) for b in body]), max([15] + [len(str(b[1])) for b in body]), 10, 15,
                  15, 15, max([15] + [len(str(b[6])) for b in body]), max([15] + [len(str(b[7])) for b in body])]
        start = 0 if self.v23 else 1

        def line(values):
            vals = [str(v) for v in values][start:]
            ws = widths[start:]
            return ' '.join(v.ljust(w) for v, w in zip(vals[:-1], ws)) + ' ' + vals[-1]
        print()
        print(line(head))
        for b in body:
            print(line(b))


def main():
    home = os.environ.get('KAFKA_STANDIN_HOME') or os.path.dirname(os.path.dirname(os.path.abspath(sys.argv[0])))
    version = install_version(home)
    if version is None:
        print(f'kafka-consumer-groups.sh (lab stand-in): no single libs/kafka_*-X.Y.Z.jar under {home}',
              file=sys.stderr)
        sys.exit(1)
    tool = Tool(version)
    argv = sys.argv[1:]
    opts = tool.parse(argv)
    tool.check(opts, argv)
    state = tool.fetch(opts['bootstrap-server'][-1])
    names = [r['group'] for r in state.get('groups', [])]
    names = list(dict.fromkeys(names + list(state.get('states', {}))))
    names = [n for n in names if state.get('states', {}).get(n) != 'Dead']
    if 'list' in opts:
        for n in names:
            print(n)
        return
    groups = names if 'all-groups' in opts else (opts['group'] if tool.v23 else opts['group'][:1])
    tool.describe(state, groups)


if __name__ == '__main__':
    main()
