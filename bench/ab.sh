#!/bin/bash
# Usage: bench/ab.sh <git-ref-before> [<git-ref-after>|worktree] [--mode ab flags, e.g. --rounds 5 --db mariadb]
# Builds the server jar of <git-ref-before> in a temporary git worktree under /tmp (removed again) and copies it to
# /tmp/stampede-ab-<commit>.jar (kept: the next run for the same commit reuses it; AB_REBUILD=1 builds it again).
# B is <git-ref-after> built the same way, or the working tree as it is now ("worktree", the default). Then it builds
# the bench from the working tree and runs --mode ab with A = before, B = after. Needs the machine's PostgreSQL (or
# MariaDB, --db mariadb) and Redis, and a JDK 21+ (JAVA_HOME, default Temurin 25). Everything it starts it stops.
set -euo pipefail
if [ $# -lt 1 ] || [[ $1 == --* ]]; then sed -n '2,7p' "$0" | cut -c3-; exit 2; fi
BEFORE=$1; shift
AFTER=worktree
if [ $# -ge 1 ] && [[ $1 != --* ]]; then AFTER=$1; shift; fi
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TMP=$(mktemp -d /tmp/stampede-ab.XXXXXX)
WORKTREES=()
BENCH_PID=

cleanup() {
  if [ -n "$BENCH_PID" ] && kill -0 "$BENCH_PID" 2> /dev/null; then
    kill "$BENCH_PID" # SIGTERM: the bench's shutdown hook stops the server it runs and deletes its Redis keys
    wait "$BENCH_PID" 2> /dev/null || true
  fi
  for wt in ${WORKTREES[@]+"${WORKTREES[@]}"}; do
    [ -d "$wt" ] && git -C "$ROOT" worktree remove --force "$wt" 2> /dev/null || true
  done
  git -C "$ROOT" worktree prune
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Sets JAR to the server jar of commit $1, built in a temporary worktree unless /tmp already holds it.
build_ref() {
  local commit
  commit=$(git -C "$ROOT" rev-parse --verify "$1^{commit}")
  JAR=/tmp/stampede-ab-${commit:0:12}.jar
  if [ -f "$JAR" ] && [ -z "${AB_REBUILD:-}" ]; then
    echo "ab.sh: $1 = ${commit:0:12}: reusing $JAR"
    return
  fi
  local wt=$TMP/worktree-${commit:0:12}
  echo "ab.sh: $1 = ${commit:0:12}: building its server jar in $wt"
  WORKTREES+=("$wt")
  git -C "$ROOT" worktree add --quiet --detach "$wt" "$commit"
  (cd "$wt" && ./mvnw -q -DskipTests -pl server -am package)
  cp "$wt/server/target/stampede.jar" "$JAR.part" && mv "$JAR.part" "$JAR"
  git -C "$ROOT" worktree remove --force "$wt"
}

build_ref "$BEFORE"; JAR_A=$JAR
if [ "$AFTER" = worktree ]; then
  echo "ab.sh: building the working tree's server jar"
  (cd "$ROOT" && ./mvnw -q -DskipTests -pl server -am package)
  JAR_B=$TMP/worktree.jar
  cp "$ROOT/server/target/stampede.jar" "$JAR_B"
else
  build_ref "$AFTER"; JAR_B=$JAR
fi
echo "ab.sh: building the bench from the working tree"
(cd "$ROOT" && ./mvnw -q -DskipTests -pl bench -am package)
cp "$ROOT/bench/target/stampede-bench.jar" "$TMP/bench.jar"

LABEL_A=${BEFORE:0:24}; LABEL_B=${AFTER:0:24}
if [ "$LABEL_A" = "$LABEL_B" ]; then LABEL_A=A:${BEFORE:0:22}; LABEL_B=B:${AFTER:0:22}; fi
RC=0
"$JAVA_HOME/bin/java" -jar "$TMP/bench.jar" --mode ab --jar-a "$JAR_A" --jar-b "$JAR_B" \
  --label-a "$LABEL_A" --label-b "$LABEL_B" "$@" &
BENCH_PID=$!
wait "$BENCH_PID" || RC=$?
BENCH_PID=
exit $RC
