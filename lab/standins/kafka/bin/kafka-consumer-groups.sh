#!/bin/sh
# Kafka stand-in (opsgate site lab) of bin/kafka-consumer-groups.sh (apache/kafka 2.3.0: `exec kafka-run-class.sh
# kafka.admin.ConsumerGroupCommand "$@"`): behaves as the version of this install's libs/kafka_*.jar.
KAFKA_STANDIN_HOME=$(cd "$(dirname "$0")/.." && pwd)
export KAFKA_STANDIN_HOME
exec /usr/bin/python3 /lab/standins/kafka-consumer-groups.py "$@"
