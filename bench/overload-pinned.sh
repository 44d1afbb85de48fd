#!/bin/bash
# Usage: bench/overload-pinned.sh [overload flags], optionally EXTRA_ENV='STAMPEDE_ADMISSION_GLOBAL_PER_SECOND=700'
# (server environment) and EDGE_FACTOR=1.5: the measured run then goes through Stampede's edge (deploy/edge/nginx.conf)
# with its rate set to EDGE_FACTOR x the S of the unmeasured run, as an operator sets it from a measured S. The edge
# stands for a load balancer on its own hardware, so it runs on the driver's core (EDGE_CORE=0), not on the core of
# the system under test. Needs the built jars, the machine's PostgreSQL (user postgres, trust) and Redis, and
# taskset; nginx for EDGE_FACTOR.
# The overload measurement of issue 7: the system under test (server, PostgreSQL, Redis) pinned to core 1, the
# driver alone on core 0, so that a driver starved for CPU cannot pass for a slow service.
set -u
pin_services() { # $1: a CPU list; every thread of Redis and of every PostgreSQL process (new backends inherit it)
  for pid in $(pgrep -x redis-server) $(pgrep -f '^postgres|/bin/postgres'); do taskset -apc "$1" "$pid" > /dev/null; done
}
pin_services 1
EDGE=/tmp/overload-edge
stop_edge() { [ -f $EDGE/nginx.pid ] && nginx -c $EDGE/nginx.conf -p $EDGE -s stop 2> /dev/null; rm -f $EDGE/nginx.pid; }
trap 'stop_edge; pin_services 0-$(($(nproc) - 1))' EXIT
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
cd "$(dirname "$0")/.."
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS stampede_overload" -c "CREATE DATABASE stampede_overload" postgres
ADMIN=overload-admin-token-0123456789
JWT=overload-jwt-secret-0123456789-0123456789-012345
SPRING_DATASOURCE_URL=jdbc:postgresql://127.0.0.1:5432/stampede_overload SPRING_DATASOURCE_USERNAME=postgres \
SPRING_DATA_REDIS_HOST=127.0.0.1 STAMPEDE_REDIS_KEY_PREFIX=overload: STAMPEDE_ADMIN_TOKEN=$ADMIN \
STAMPEDE_JWT_SECRET=$JWT STAMPEDE_DEMO_SALE=false SERVER_PORT=18080 STAMPEDE_DATA_DIR=/tmp/overload-data \
  env ${EXTRA_ENV:-} taskset -c 1 $J -jar server/target/stampede.jar > /tmp/overload-server.log 2>&1 &
SERVER=$!
for i in $(seq 1 60); do curl -sf http://127.0.0.1:18080/actuator/health >/dev/null && break; sleep 1; done
# warm the server's JIT first: two unmeasured bursts
for w in 1 2; do taskset -c 0 $J -jar bench/target/stampede-bench.jar --url http://127.0.0.1:18080 --admin-token $ADMIN \
  --jwt-secret $JWT --stock 2000 --users 20000 --attempts 20000 --replays 0 --concurrency 100 > /tmp/overload-warm-$w.log 2>&1
  grep -E "throughput|req/s" /tmp/overload-warm-$w.log | head -2; done
# and one unmeasured overload, so that the JIT has compiled the rejection path too: on one core a compiler thread
# still busy with it takes a third of the CPU away from the measured run
taskset -c 0 $J -jar bench/target/stampede-bench.jar --mode overload --url http://127.0.0.1:18080 \
  --admin-token $ADMIN --jwt-secret $JWT --factor 10 --seconds 5 "$@" > /tmp/overload-warm-3.log 2>&1
grep -E "^vs S" /tmp/overload-warm-3.log
FRONT=()
if [ -n "${EDGE_FACTOR:-}" ]; then
  S=$(grep -oE "S = [0-9.]+/s" /tmp/overload-warm-3.log | head -1 | grep -oE "[0-9.]+")
  RATE=$(awk -v s="$S" -v f="$EDGE_FACTOR" 'BEGIN { printf "%d", s * f }')
  echo "edge          nginx: at most ${EDGE_IN_FLIGHT:-256} attempts in progress and $RATE a second ($EDGE_FACTOR x S = $S of the unmeasured run)"
  mkdir -p $EDGE
  # the driver is one address standing for the whole crowd, so the per-client bound must not bind here (nginx
  # takes at most 65535)
  sed -e "s|@PREFIX@|$EDGE|g" -e "s|@LISTEN@|127.0.0.1:18081|g" -e "s|@UPSTREAM@|127.0.0.1:18080|g" \
    -e "s|@RATE@|$RATE|g" -e "s|@BURST@|$((RATE / 10 + 1))|g" -e "s|@IN_FLIGHT@|${EDGE_IN_FLIGHT:-256}|g" \
    -e "s|@PER_CLIENT@|60000|g" deploy/edge/nginx.conf > $EDGE/nginx.conf
  if [ "${RATE:-0}" -le 0 ] || ! taskset -c ${EDGE_CORE:-0} nginx -c $EDGE/nginx.conf -p $EDGE; then
    echo "no edge: S of the unmeasured run was '$S'" >&2; kill $SERVER; wait $SERVER; exit 1
  fi
  FRONT=(--overload-url http://127.0.0.1:18081)
fi
taskset -c 0 $J -jar bench/target/stampede-bench.jar --mode overload --url http://127.0.0.1:18080 \
  --admin-token $ADMIN --jwt-secret $JWT --factor 10 --seconds 10 "${FRONT[@]}" "$@"
RC=$?
kill $SERVER; wait $SERVER
redis-cli --scan --pattern 'overload:*' | xargs -r redis-cli del > /dev/null
exit $RC
