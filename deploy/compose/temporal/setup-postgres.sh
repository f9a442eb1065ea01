#!/bin/sh
# Creates Temporal's two PostgreSQL databases on the first start and brings their schemas to the server's
# version on every start (update-schema applies only what is missing). Runs in temporalio/admin-tools.
set -eu
: "${POSTGRES_SEEDS:?POSTGRES_SEEDS must name the PostgreSQL host}"
: "${POSTGRES_USER:?POSTGRES_USER must be set}"
: "${SQL_PASSWORD:?SQL_PASSWORD must be set}"
port=${DB_PORT:-5432}
schemas=/etc/temporal/schema/postgresql/v12

until nc -z "$POSTGRES_SEEDS" "$port"; do
  echo "waiting for PostgreSQL at $POSTGRES_SEEDS:$port"
  sleep 1
done

sql() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -u "$POSTGRES_USER" -p "$port" "$@"
}

for db in temporal temporal_visibility; do
  if sql --db "$db" create; then
    echo "created database $db"
    sql --db "$db" setup-schema -v 0.0
  else
    echo "database $db exists"
  fi
done
sql --db temporal update-schema -d "$schemas/temporal/versioned"
sql --db temporal_visibility update-schema -d "$schemas/visibility/versioned"
echo "Temporal schemas are current"
