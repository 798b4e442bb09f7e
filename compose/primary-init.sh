#!/bin/bash
# Runs once, when the primary's data directory is created (docker-entrypoint-initdb.d): a replication role, one
# physical slot per replica, and replication access from the compose network.
set -euo pipefail
psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" <<SQL
create role replicator with replication login password '${REPLICATION_PASSWORD}';
select pg_create_physical_replication_slot('replica1');
select pg_create_physical_replication_slot('replica2');
SQL
echo "host replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
