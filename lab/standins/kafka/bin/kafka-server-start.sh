#!/bin/sh
# Kafka stand-in (opsgate site lab): kafka-server-start.sh [-daemon] CONFIG/server.properties
[ "$1" = -daemon ] && shift
exec /usr/bin/python3 /lab/standins/kafka-broker.py --config "${1:?usage: kafka-server-start.sh [-daemon] server.properties}"
