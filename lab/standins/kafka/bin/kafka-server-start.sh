#!/bin/sh
# Kafka stand-in (opsgate site lab) of bin/kafka-server-start.sh (apache/kafka 2.3.0): the same usage line and exit
# code without arguments, `-daemon` accepted, then the broker runs as `… kafka.Kafka server.properties [--override
# property=value]*`, so that its command line holds kafka.Kafka and the config path as a real broker's does.
if [ $# -lt 1 ]; then
  echo "USAGE: $0 [-daemon] server.properties [--override property=value]*"
  exit 1
fi
[ "$1" = -daemon ] && shift
exec /usr/bin/python3 /lab/standins/kafka-broker.py kafka.Kafka "$@"
