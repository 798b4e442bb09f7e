#!/usr/bin/env bash
# Requests per second of the forum (wrk, bounded runs) on this machine with the cluster co-located:
#   the topic-list JSON endpoint (/api/topics) and a topic page (/topics/42),
#   direct to one instance, through nginx (cache off / on) over two instances, and the same endpoints on an instance
#   whose router is replaced by a plain HikariCP pool on the primary (replica-router.enabled=false) — in one run,
#   rounds interleaved, with the CPU ms per request of each process group (app JVMs, PostgreSQL, nginx, wrk, machine).
#   Needs wrk and nginx (Debian packages).  Usage: sample-app/bench.sh [SECONDS] [ROUNDS]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"; cd "$root"
secs=${1:-10}; rounds=${2:-2}; conns=${CONNS:-32}
for b in wrk nginx; do command -v $b >/dev/null || [ -x /usr/sbin/$b ] || { echo "$b is not installed" >&2; exit 1; }; done
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
jar=$(ls sample-app/target/replica-router-sample-app-*-exec.jar | head -1)
launch() { java -cp "$jar" -Dloader.main="$1" org.springframework.boot.loader.launch.PropertiesLauncher "${@:2}"; }
work=$(mktemp -d); chmod 755 "$work"; pids=()  # nginx workers (nobody) must reach their dirs
cleanup() { trap - EXIT INT TERM; for ((i=${#pids[@]}-1; i>=0; i--)); do kill -TERM "${pids[i]}" 2>/dev/null || true; done
            for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT; trap "cleanup; exit 130" INT TERM
free() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# exec in a subshell: $! is then the JVM itself, which the cleanup TERMs (its shutdown hook stops the servers)
(exec java -cp "$jar" -Dloader.main=io.replicarouter.sample.edge.ClusterMain org.springframework.boot.loader.launch.PropertiesLauncher "$work/cluster.env") > "$work/cluster.log" 2>&1 & pids+=($!)
until [ -s "$work/cluster.env" ]; do sleep 0.5; done
set -a; . "$work/cluster.env"; set +a; export FORUM_TOKEN_SECRET=bench-secret-bench-secret
quiet="--logging.level.root=WARN --forum.trending.interval=5s"
a=$(free); b=$(free); p=$(free); n1=$(free); n2=$(free)
start_app() { # name port extra-args...
  java -Xmx512m -jar "$jar" --spring.profiles.active=external --server.port=$2 --server.address=127.0.0.1 \
      --forum.instance=$1 $quiet "${@:3}" > "$work/app-$1.log" 2>&1 & pids+=($!)
  until curl -fs -o /dev/null "http://127.0.0.1:$2/api/topics"; do
    kill -0 "${pids[-1]}" 2>/dev/null || { echo "instance $1 did not start:" >&2; tail -40 "$work/app-$1.log" >&2; exit 1; }
    sleep 1
  done
}
start_app a "$a"
start_app b "$b"
# the baseline: Boot's own HikariCP DataSource on the primary, no router (same app, same pool size)
start_app plain "$p" --replica-router.enabled=false --spring.datasource.url="$DB_PRIMARY_URL" \
    --spring.datasource.hikari.maximum-pool-size=10
NGINX_CACHE=off launch io.replicarouter.sample.edge.NginxConfig "$work/n1" "$n1" "$a" "$b" > /dev/null
launch io.replicarouter.sample.edge.NginxConfig "$work/n2" "$n2" "$a" "$b" > /dev/null
"$nginx_bin" -p "$work/n1" -c "$work/n1/nginx.conf" -g "daemon off;" & pids+=($!)
"$nginx_bin" -p "$work/n2" -c "$work/n2/nginx.conf" -g "daemon off;" & pids+=($!)
sleep 1

# CPU ticks (utime+stime+cutime+cstime, /proc) per group, one line "app-a app-b app-plain db nginx1 nginx2 busy":
# db = every descendant of the cluster JVM (its three PostgreSQL servers with their backends), nginx = master and
# workers, busy = the whole machine's non-idle ticks (/proc/stat). Read just before and after each measured wrk.
cpu() { python3 - "${pids[@]}" <<'PY'
import os, sys
kids = {}
for d in os.listdir('/proc'):
    if d.isdigit():
        try:
            f = open('/proc/%s/stat' % d).read().rsplit(')', 1)[1].split()
            kids.setdefault(int(f[1]), []).append(int(d))
        except OSError:
            pass
def ticks(pid):
    try:
        f = open('/proc/%d/stat' % pid).read().rsplit(')', 1)[1].split()
        return sum(int(x) for x in f[11:15])
    except OSError:
        return 0
def tree(pid, self=True):
    t = ticks(pid) if self else 0
    for c in kids.get(pid, []):
        t += tree(c)
    return t
p = [int(x) for x in sys.argv[1:]]
busy = [int(x) for x in open('/proc/stat').readline().split()[1:9]]
print(ticks(p[1]), ticks(p[2]), ticks(p[3]), tree(p[0], False), tree(p[4]), tree(p[5]), sum(busy) - busy[3] - busy[4])
PY
}
hz=$(getconf CLK_TCK)
declare -A targets=([direct]=$a [plain-hikari]=$p [nginx-nocache]=$n1 [nginx-cache]=$n2)
order=(direct plain-hikari nginx-nocache nginx-cache)
# warm-up: JIT and pools
for t in "${order[@]}"; do for path in /api/topics /topics/42; do
  wrk -t2 -c8 -d3s "http://127.0.0.1:${targets[$t]}$path" > /dev/null; done; done
echo "date: $(date -u +%FT%TZ); load before: $(cut -d' ' -f1-3 /proc/loadavg); wrk -t2 -c$conns -d${secs}s"
echo "CPU ms per request: app = the target's app JVM(s) (direct: a; plain-hikari: plain; nginx: a+b), db = the three"
echo "PostgreSQL servers, nginx = that nginx's master+workers, wrk = wrk itself, all = the whole machine's busy time"
printf "%-6s %-14s %-12s %10s %10s %8s %7s %7s %7s %7s %7s\n" round target path req/s p50 p99 app db nginx wrk all
for r in $(seq 1 "$rounds"); do
  for path in /api/topics /topics/42; do
    for t in "${order[@]}"; do
      c0=$(cpu)
      out=$( { TIMEFORMAT='%U %S'; time wrk -t2 -c"$conns" -d"${secs}s" --latency "http://127.0.0.1:${targets[$t]}$path"; } 2>"$work/wrk.time")
      c1=$(cpu)
      rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
      reqs=$(echo "$out" | awk '/requests in/ {print $1}')
      p50=$(echo "$out" | awk '$1=="50%" {print $2}'); p99=$(echo "$out" | awk '$1=="99%" {print $2}')
      errs=$(echo "$out" | awk '/Non-2xx|Socket errors/ {printf "%s ", $0}')
      ms=$(awk -v t="$t" -v n="$reqs" -v hz="$hz" -v a="$c0" -v b="$c1" -v w="$(tail -1 "$work/wrk.time")" 'BEGIN {
        split(a, x, " "); split(b, y, " "); split(w, z, " "); for (i = 1; i <= 7; i++) d[i] = y[i] - x[i]
        app = t == "direct" ? d[1] : t == "plain-hikari" ? d[3] : d[1] + d[2]
        ng = t == "nginx-nocache" ? d[5] : t == "nginx-cache" ? d[6] : 0
        f = 1000 / hz / (n > 0 ? n : 1)
        printf "%7.3f %7.3f %7.3f %7.3f %7.3f", app * f, d[4] * f, ng * f, (z[1] + z[2]) * 1000 / (n > 0 ? n : 1), d[7] * f }')
      printf "%-6s %-14s %-12s %10s %10s %8s %s %s\n" "$r" "$t" "$path" "$rps" "$p50" "$p99" "$ms" "$errs"
    done
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
