#!/bin/sh
# Kafka stand-in (opsgate site lab): prints Kafka 2.3's consumer-group columns, asking the brokers given.
exec /usr/bin/python3 /lab/standins/kafka-consumer-groups.py "$@"
