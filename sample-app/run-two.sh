#!/usr/bin/env bash
# Two instances of the forum behind nginx, on this machine (loopback only):
#   sample-app/run-two.sh              # http://127.0.0.1:8080/ (nginx), instances on 8081 and 8082
#   NGINX_CACHE=off sample-app/run-two.sh
# Starts the embedded cluster once (a JVM of its own), two app instances (profile "external") against it, and nginx
# (Debian package nginx) with a generated config in a temp dir: round-robin, and a one-second micro-cache for
# anonymous GETs of the list pages (X-Cache-Status). Ctrl-C stops all of it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
port=${PORT:-8080}; port_a=${PORT_A:-8081}; port_b=${PORT_B:-8082}

nginx_bin=$(command -v nginx || true)
[ -z "$nginx_bin" ] && [ -x /usr/sbin/nginx ] && nginx_bin=/usr/sbin/nginx
if [ -z "$nginx_bin" ]; then echo "nginx is not installed: apt-get install -y nginx" >&2; exit 1; fi

mvn_args=(-B -q -ntp)
if [ -n "${MAVEN_REPO_LOCAL:-}" ]; then mvn_args+=("-Dmaven.repo.local=$MAVEN_REPO_LOCAL"); fi
if [ "${OFFLINE:-}" = 1 ]; then mvn_args+=(-o); fi
echo "building the sample app..."
./mvnw "${mvn_args[@]}" -pl sample-app -am package -DskipTests
jar=$(ls sample-app/target/replica-router-sample-app-*-exec.jar | head -1)
launch() { java ${JAVA_OPTS:-} -cp "$jar" -Dloader.main="$1" org.springframework.boot.loader.launch.PropertiesLauncher "${@:2}"; }

work=$(mktemp -d)
chmod 755 "$work"  # nginx workers run as nobody when started as root: they must reach their dirs
pids=()
cleanup() {
  trap - INT TERM EXIT
  echo "stopping..."
  for ((i=${#pids[@]}-1; i>=0; i--)); do kill -TERM "${pids[i]}" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap "cleanup; exit 130" INT TERM  # a handler that returned would let the script go on

echo "starting the embedded cluster..."
# exec in a subshell: $! is then the JVM itself, which the cleanup TERMs (its shutdown hook stops the servers)
(exec java -cp "$jar" -Dloader.main=io.replicarouter.sample.edge.ClusterMain org.springframework.boot.loader.launch.PropertiesLauncher "$work/cluster.env") > "$work/cluster.log" 2>&1 &
pids+=($!)
until [ -s "$work/cluster.env" ]; do
  kill -0 "${pids[0]}" 2>/dev/null || { cat "$work/cluster.log"; exit 1; }; sleep 0.5
done
set -a; . "$work/cluster.env"; set +a
export FORUM_TOKEN_SECRET=${FORUM_TOKEN_SECRET:-two-instances-share-this-secret}

for inst in a b; do
  p=$port_a; [ $inst = b ] && p=$port_b
  echo "starting instance $inst on 127.0.0.1:$p..."
  java ${JAVA_OPTS:-} -jar "$jar" --spring.profiles.active=external --server.port=$p --server.address=127.0.0.1 \
      --forum.instance=$inst > "$work/app-$inst.log" 2>&1 &
  pids+=($!)
  # one at a time: the first runs the migrations
  until curl -fs -o /dev/null "http://127.0.0.1:$p/actuator/health"; do
    kill -0 "${pids[-1]}" 2>/dev/null || { tail -50 "$work/app-$inst.log"; exit 1; }; sleep 1
  done
done

conf=$(launch io.replicarouter.sample.edge.NginxConfig "$work/nginx" "$port" "$port_a" "$port_b")
"$nginx_bin" -p "$work/nginx" -c "$conf" -g "daemon off;" &
pids+=($!)
echo
echo "  The forum behind nginx:  http://127.0.0.1:$port/   (instances: $port_a, $port_b; logs in $work)"
echo "  Ctrl-C stops nginx, both instances and the cluster."
wait "${pids[-1]}"
