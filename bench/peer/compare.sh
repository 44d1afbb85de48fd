#!/usr/bin/env bash
# Stampede against the open-source peer zaiyunduan123/springboot-seckill, the same burst on the same machine, rounds
# alternating: N distinct buyers, one attempt each, on an item of S units, C requests in flight, after an unmeasured
# warm-up of W buyers on another item; each side started afresh for each measurement (the peer keeps its sold-out flag
# in its JVM and loads its stock into Redis only at start, so it must be). Stampede is measured with DIRECT and with
# QUEUED intake (RabbitMQ, the peer's design), on MariaDB like the peer, with its admission limits raised as the
# peer's limiter is lifted. See README.md beside this file for what the figures mean; nothing here builds the peer.
#
#   PEER_JAR=/path/to/peer.jar [PEER_JAVA=/path/to/java-17] bench/peer/compare.sh [--rounds 2] [--buyers 20000] [--stock 1000] [--concurrency 200] [--warmup 2000]
#
# Needs: java 21+ on PATH (or JAVA_HOME), the built bench/target/stampede-bench.jar and server/target/stampede.jar,
# MariaDB on 127.0.0.1:3306 (root, no password) with the peer's schema in database peer_seckill, Redis on 6379
# (Stampede's, keys under stampede-peer-cmp:) and 6391 (the peer's own), RabbitMQ on 5672 (guest).
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=2 buyers=20000 stock=1000 concurrency=200 warmup=2000
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --buyers) buyers=$2; shift 2 ;;
    --stock) stock=$2; shift 2 ;;
    --concurrency) concurrency=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
: "${PEER_JAR:?set PEER_JAR to the jar of the peer, built from its own repository}"
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
work=$(mktemp -d -t stampede-peer-XXXXXX)
port=18180
admin=$(head -c 24 /dev/urandom | base64 | tr -dc A-Za-z0-9)
jwt=$(head -c 32 /dev/urandom | base64 | tr -dc A-Za-z0-9)
pay=$(head -c 24 /dev/urandom | base64 | tr -dc A-Za-z0-9)
server=
stop_server() { if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; server=; fi; }
trap 'stop_server; redis-cli -p 6379 --scan --pattern "stampede-peer-cmp:*" | xargs -r redis-cli -p 6379 del > /dev/null' EXIT

echo "machine   $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); logs in $work"
for round in $(seq 1 "$rounds"); do
  "$java" bench/peer/PeerBurst.java --jar "$PEER_JAR" --buyers "$buyers" --stock "$stock" \
      --concurrency "$concurrency" --warmup-buyers "$warmup" --warmup-stock $((warmup / 10)) --login mint \
      --max-settle-seconds 600 --peer-java "${PEER_JAVA:-java}" --peer-log "$work/peer-$round.log" > "$work/peer-$round.out" 2>&1 || true
  line=$(grep '^peer_burst' "$work/peer-$round.out" || echo "peer_burst status=failed (see $work/peer-$round.out)")
  field() { echo "$line" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
  first=$(field first_order_ms); last=$(field last_order_ms)
  echo "round $round  peer                 attempts/s $(field attempts_per_s)  answered $(field answered) of $buyers" \
       " orders $(field orders)  first to last order written $((${last:-0} - ${first:-0})) ms" \
       " oversold $(field oversold)  undersold $(field undersold)  told queued without an order $(field queued_no_order)"
  for intake in DIRECT QUEUED; do
    mariadb -h127.0.0.1 -uroot -e "DROP DATABASE IF EXISTS stampede_peer; CREATE DATABASE stampede_peer"
    redis-cli -p 6379 --scan --pattern "stampede-peer-cmp:*" | xargs -r redis-cli -p 6379 del > /dev/null
    SERVER_PORT=$port SPRING_DATASOURCE_URL=jdbc:mariadb://127.0.0.1:3306/stampede_peer SPRING_DATASOURCE_USERNAME=root \
    SPRING_DATASOURCE_PASSWORD= SPRING_DATA_REDIS_HOST=127.0.0.1 SPRING_DATA_REDIS_PORT=6379 \
    STAMPEDE_REDIS_KEY_PREFIX=stampede-peer-cmp: STAMPEDE_ADMIN_TOKEN=$admin STAMPEDE_JWT_SECRET=$jwt \
    STAMPEDE_PAYMENT_SECRET=$pay STAMPEDE_DATA_DIR=$work/data STAMPEDE_DEMO_SALE=false STAMPEDE_DEMO_LOGIN=false \
    SPRING_RABBITMQ_HOST=127.0.0.1 SPRING_RABBITMQ_USERNAME=guest SPRING_RABBITMQ_PASSWORD=guest \
      "$java" -jar server/target/stampede.jar --stampede.admission.per-user-per-second=1000000 \
      --stampede.admission.global-per-second=100000000 --stampede.admission.max-in-flight=1000000 \
      > "$work/stampede-$round-$intake.log" 2>&1 &
    server=$!
    for _ in $(seq 1 120); do curl -sf "127.0.0.1:$port/actuator/health" > /dev/null && break; sleep 1; done
    "$java" -jar bench/target/stampede-bench.jar --url "http://127.0.0.1:$port" --admin-token "$admin" \
        --jwt-secret "$jwt" --users "$buyers" --attempts "$buyers" --replays 0 --stock "$stock" \
        --concurrency "$concurrency" --warmup "$warmup" --intake "$intake" --settle-seconds 60 \
        > "$work/burst-$round-$intake.out" 2>&1 || true
    rate=$(awk '/^throughput/ {print $2}' "$work/burst-$round-$intake.out")
    check=$(grep -o 'OVERSELL CHECK: [A-Z]*' "$work/burst-$round-$intake.out" || echo "no check")
    # written: DIRECT orders are committed before their 201; QUEUED ones when the consumer turns them PENDING_PAYMENT
    span=$(mariadb -N -h127.0.0.1 -uroot stampede_peer -e "SELECT COUNT(*), COALESCE(ROUND(TIMESTAMPDIFF(MICROSECOND,
        MIN(o.created_at), MAX(o.updated_at)) / 1000), 0) FROM orders o JOIN sales s ON s.id = o.sale_id
        WHERE s.name NOT LIKE 'bench warmup%' AND o.status = 'PENDING_PAYMENT'")
    echo "round $round  stampede $intake   attempts/s $rate  orders $(echo "$span" | cut -f1)" \
         " first to last order written $(echo "$span" | cut -f2) ms  $check"
    stop_server
  done
done
