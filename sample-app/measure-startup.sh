#!/usr/bin/env bash
# Usage: sample-app/measure-startup.sh [PORT]   (OFFLINE=1, MAVEN_REPO_LOCAL=... as for run.sh)
# start-to-first-page of sample-app/run.sh, then Ctrl-C as a terminal sends it (SIGINT to the whole foreground
# process group: the JVM and the PostgreSQL servers), then what is left
port=${1:-18181}
log=$(mktemp)
start=$(date +%s.%N)
# setsid: a process group of its own; SIGINT back to default (a background job of a script starts with it ignored)
setsid python3 -c 'import os,signal,sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])' \
  env PORT=$port MAVEN_REPO_LOCAL="${MAVEN_REPO_LOCAL:-}" OFFLINE="${OFFLINE:-}" "$(dirname "$0")/run.sh" > "$log" 2>&1 &
pid=$!
until curl -fs -o /dev/null http://127.0.0.1:$port/; do sleep 0.2; if ! kill -0 $pid 2>/dev/null; then echo died; exit 1; fi; done
end=$(date +%s.%N)
echo "first page after $(echo "$end - $start" | bc) s (load: $(cut -d' ' -f1-3 /proc/loadavg))"
grep -E "Started ForumApplication|cluster .* started|The forum is up" "$log" | sed 's/.*: //'
kill -INT -- -$pid
t0=$(date +%s.%N)
for i in $(seq 1 120); do kill -0 $pid 2>/dev/null || break; sleep 0.25; done
kill -0 $pid 2>/dev/null && echo "still running after 30 s" || echo "stopped $(echo "$(date +%s.%N) - $t0" | bc) s after Ctrl-C"
sleep 1
echo "processes left in its group: $(ps -eo pgid= | awk -v g=$pid '$1==g' | wc -l)"
