#!/bin/sh
# Kafka stand-in (opsgate site lab) of bin/zookeeper-shell.sh (apache/kafka 2.3.0): the same usage line and exit code
# without arguments, then the ZooKeeper 3.4.14 CLI (`ZooKeeperMain -server "$@"`) as the stand-in imitates it.
if [ $# -lt 1 ];
then
	echo "USAGE: $0 zookeeper_host:port[/path] [args...]"
	exit 1
fi
exec /usr/bin/python3 /lab/standins/zookeeper-shell.py -server "$@"
