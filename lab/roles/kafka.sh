#!/usr/bin/env bash
# Role kafka=<broker id> (kafka-1..3): the site's hand-installed Kafka 2.3.0, a stand-in broker in the seed's
# layout /app/soft/kafka_2.12-2.3.0 (bin/ config/server.properties libs/ logs/) with /etc/init.d/kafka,
# data in /app/kafka-logs, registered in the ZooKeeper ensemble of the zookeeper role. See docs/lab.md, Fixtures.
# Variant conf-syntax: server.properties in the syntax java.util.Properties accepts (Kafka reads it with
# Utils.loadProps): `key = value`, `key: value`, `key value`, # and ! comments, a continued line, a repeated key
# whose last value wins, a trailing slash on the data directory, a listener with no host.
# Variant systemd: /etc/systemd/system/kafka.service (Type=simple) instead of /etc/init.d/kafka.
set -euo pipefail
. /lab/host/lib.sh
. /lab/host/initd.sh
id=${1:?kafka role needs the broker id: kafka=1}
[[ $id =~ ^[0-9]+$ ]] || { echo "kafka role: broker id must be a number, got '$id'" >&2; exit 2; }
K=/app/soft/kafka_2.12-2.3.0
zk=$(lab_hosts_with zookeeper | awk '{ printf "%s%s:2181", (NR > 1 ? "," : ""), $2 }')
[[ -n $zk ]] || { echo "kafka role: no host has the zookeeper role" >&2; exit 2; }

mkdir -p "$K/config" "$K/libs" "$K/logs" /app/kafka-logs
cp -r /lab/standins/kafka/bin "$K/"
/lab/standins/fake_jar.py "$K/libs/kafka_2.12-2.3.0.jar" --title kafka --version 2.3.0 --built 2019-06-19
if lab_variant conf-syntax; then
  continued=${zk//,/,\\$'\n'    }
  cat > "$K/config/server.properties" <<EOT
# Kafka 2.3.0 broker (hand-installed at the site, not by ADM)
! edited by hand since
broker.id = $id
listeners = PLAINTEXT://:9092
log.dirs=/tmp/kafka-logs
num.partitions    3
zookeeper.connect: $continued
zookeeper.connection.timeout.ms=6000
log.dirs = /app/kafka-logs/
EOT
else
  cat > "$K/config/server.properties" <<EOT
# Kafka 2.3.0 broker (hand-installed at the site, not by ADM)
broker.id=$id
listeners=PLAINTEXT://$IP:9092
log.dirs=/app/kafka-logs
num.partitions=3
zookeeper.connect=$zk
zookeeper.connection.timeout.ms=6000
EOT
fi
if lab_variant systemd; then
  # A unit as sites write one for Kafka: the broker in the foreground (kafka-server-start.sh without -daemon).
  write_unit kafka "Apache Kafka 2.3.0 ($K)" simple /run/kafka/kafka.pid \
    "$K/bin/kafka-server-start.sh $K/config/server.properties"
else
  /lab/standins/initd.py kafka --home "$K" --pidfile /run/kafka/kafka.pid --log "$K/logs/kafkaServer.out" \
    --port 9092 -- "$K/bin/kafka-server-start.sh" "$K/config/server.properties"
fi
ln -sf /lab/standins/kafka-lag.py /usr/local/bin/kafka-lag
lab_service start kafka
