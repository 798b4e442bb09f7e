#!/usr/bin/env bash
# The sample forum on the embedded cluster, in one command (from a fresh clone, with only Java 17):
#   sample-app/run.sh            # http://127.0.0.1:8080/
#   PORT=9090 sample-app/run.sh  # another port
# Builds what it needs (the wrapper fetches Maven; the first build downloads the dependencies), starts a PostgreSQL
# primary and two streaming replicas from Java (the starter's dev services, profile "embedded"), migrates and seeds
# them (Flyway), starts the app and prints the URL. Ctrl-C stops the app and every PostgreSQL server it started.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

mvn_args=(-B -q -ntp)
if [ -n "${MAVEN_REPO_LOCAL:-}" ]; then mvn_args+=("-Dmaven.repo.local=$MAVEN_REPO_LOCAL"); fi
if [ "${OFFLINE:-}" = 1 ]; then mvn_args+=(-o); fi

echo "building the sample app (and the modules it needs)..."
./mvnw "${mvn_args[@]}" -pl sample-app -am package -DskipTests

jar=(sample-app/target/replica-router-sample-app-*-exec.jar)
echo "starting the embedded cluster and the forum..."
# exec: Ctrl-C reaches the JVM, whose shutdown closes the context, which stops the servers
exec java ${JAVA_OPTS:-} -jar "${jar[0]}" --spring.profiles.active="${FORUM_PROFILE:-embedded}" "$@"
