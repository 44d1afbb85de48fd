#!/bin/bash
# Usage: bench/gate-shards.sh [--mode gate-shards flags, e.g. --rounds 5 --segments 1,2,3 --output FILE]
# Starts a Redis Cluster of three masters (no replicas, no persistence) on loopback ports 7101-7103 from the
# machine's redis-server and redis-cli, builds the bench, and runs --mode gate-shards against it: the purchase gate
# of one hot sale in one segment and in three. Everything it starts it stops, and deletes its files.
set -euo pipefail
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TMP=$(mktemp -d /tmp/stampede-gate-shards.XXXXXX)
PORTS=(7101 7102 7103)

cleanup() {
  for port in "${PORTS[@]}"; do
    redis-cli -p "$port" shutdown nosave > /dev/null 2>&1 || true
  done
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for port in "${PORTS[@]}"; do
  mkdir -p "$TMP/$port"
  redis-server --port "$port" --bind 127.0.0.1 --daemonize yes --dir "$TMP/$port" --cluster-enabled yes \
    --cluster-config-file nodes.conf --save "" --appendonly no --logfile "$TMP/$port/redis.log"
done
for port in "${PORTS[@]}"; do
  for _ in $(seq 1 50); do redis-cli -p "$port" ping > /dev/null 2>&1 && break; sleep 0.1; done
done
redis-cli --cluster create "${PORTS[@]/#/127.0.0.1:}" --cluster-yes > "$TMP/create.log"
for _ in $(seq 1 100); do
  redis-cli -p "${PORTS[0]}" cluster info | grep -q 'cluster_state:ok' && break
  sleep 0.1
done

(cd "$ROOT" && ./mvnw -q -B -pl bench -am -DskipTests package)
cd "$ROOT"
"$JAVA_HOME/bin/java" -jar bench/target/stampede-bench.jar --mode gate-shards \
  --cluster "127.0.0.1:${PORTS[0]},127.0.0.1:${PORTS[1]},127.0.0.1:${PORTS[2]}" "$@"
