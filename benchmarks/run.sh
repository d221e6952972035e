#!/usr/bin/env bash
# Side-by-side benchmarks with the placement controlled: the servers (Redis, etcd, PostgreSQL,
# MariaDB, started by the testkit) on one CPU, the benchmark JVM and its forks on another, so every
# call is a real round trip between cores and every library gets the same placement.
#
#   benchmarks/run.sh                       # every group, 3 forks
#   benchmarks/run.sh --include 'RedisLock|JdbcLock' --forks 5
#   benchmarks/run.sh --quick               # 1 fork, short iterations: to see that it runs
#   benchmarks/run.sh --jmh '-p database=postgresql,mariadb'
#
# Writes benchmarks/results/<time>/{results.json,table.md,results.csv,jmh.log} and prints the
# tables: each Baton row's ratio to every row of its group (Baton ÷ row).
set -euo pipefail
cd "$(dirname "$0")/.."

include='RedisLockBenchmark|JdbcLockBenchmark|EtcdLockBenchmark|TxBenchmark|HandOffBenchmark|StampedeBenchmark|CacheHitBenchmark|ValidationBenchmark|LocalLockBenchmark'
forks=3
jmh_extra=""
server_cpu=0
bench_cpu=1
while [ $# -gt 0 ]; do
  case "$1" in
    --include) include="$2"; shift 2 ;;
    --forks) forks="$2"; shift 2 ;;
    --jmh) jmh_extra="$jmh_extra $2"; shift 2 ;;
    --quick) forks=1; jmh_extra="$jmh_extra -wi 1 -w 1 -i 2 -r 1"; shift ;;
    --server-cpu) server_cpu="$2"; shift 2 ;;
    --bench-cpu) bench_cpu="$2"; shift 2 ;;
    *) echo "run.sh: unknown argument '$1' (see the comment at the top of $0)" >&2; exit 2 ;;
  esac
done
case "$forks" in ''|*[!0-9]*) echo "run.sh: --forks must be a positive number, got '$forks'" >&2; exit 2 ;; esac

pin_servers=(); pin_bench=()
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  pin_servers=(taskset -c "$server_cpu"); pin_bench=(taskset -c "$bench_cpu")
else
  echo "run.sh: fewer than 2 CPUs or no taskset: running unpinned (figures will swing)" >&2
fi

out="$PWD/benchmarks/results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
./mvnw -q -pl benchmarks -am install -DskipTests
./mvnw -q -pl benchmarks dependency:build-classpath -Dmdep.outputFile="$out/classpath.txt" >/dev/null
cp="$PWD/benchmarks/target/classes:$(cat "$out/classpath.txt")"

# The servers run until their input closes (file descriptor 3 here).
exec 3> >("${pin_servers[@]}" java -cp "$cp" dev.baton.benchmarks.BenchServers "$out/servers.env" > "$out/servers.log" 2>&1)
for _ in $(seq 1 240); do [ -f "$out/servers.env" ] && break; sleep 0.5; done
if [ ! -f "$out/servers.env" ]; then
  echo "run.sh: the servers did not start within 2 minutes; see $out/servers.log" >&2
  exit 1
fi
set -a; . "$out/servers.env"; set +a

echo "[run.sh] servers on CPU $server_cpu, benchmarks on CPU $bench_cpu, $forks forks: $include"
# shellcheck disable=SC2086
"${pin_bench[@]}" java -cp "$cp" org.openjdk.jmh.Main "$include" -f "$forks" -foe true \
  -rf json -rff "$out/results.json" $jmh_extra 2>&1 | tee "$out/jmh.log"
exec 3>&-

java -cp "$cp" dev.baton.benchmarks.Report "$out/results.json" "$out/table.md" "$out/results.csv"
echo "[run.sh] written: $out/table.md, $out/results.csv, $out/results.json"
