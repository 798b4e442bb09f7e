#!/bin/bash
# A streaming replica of $PRIMARY_HOST: on first start, clone the primary with pg_basebackup into $PGDATA
# (-R writes standby.signal and primary_conninfo, -X stream copies the WAL, -S uses this replica's slot), then run
# the image's own entrypoint as usual.
set -euo pipefail
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  mkdir -p "$PGDATA"
  chown -R postgres:postgres "$(dirname "$PGDATA")"
  chmod 0700 "$PGDATA"
  until pg_isready -h "$PRIMARY_HOST" -U "$POSTGRES_USER"; do sleep 1; done
  gosu postgres env PGPASSWORD="$REPLICATION_PASSWORD" \
    pg_basebackup -h "$PRIMARY_HOST" -U replicator -D "$PGDATA" -R -X stream -S "$REPLICATION_SLOT"
fi
exec docker-entrypoint.sh postgres -c hot_standby=on -c hot_standby_feedback=on -c max_connections=200
