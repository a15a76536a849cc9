#!/usr/bin/env bash
# Runs a private MariaDB server for the `mysql` resource when no container runtime is available.
# Inputs (environment, set by the AppHost): DATA_DIR, MYSQL_TCP_PORT (the port, under the name MariaDB's own tools
# read), MARIADB_ROOT_PASSWORD (the official image's name for it, so the model sets the same name for both forms).
set -euo pipefail
: "${DATA_DIR:?}" "${MYSQL_TCP_PORT:?}" "${MARIADB_ROOT_PASSWORD:?}"

mysql_data="$DATA_DIR/data"
mkdir -p "$DATA_DIR"
chmod 700 "$DATA_DIR"

if [ ! -d "$mysql_data/mysql" ]; then
  echo "Initialising a new MariaDB data folder in $mysql_data"
  mariadb-install-db --no-defaults --user="$(id -un)" --datadir="$mysql_data" \
    --auth-root-authentication-method=normal --skip-test-db > "$DATA_DIR/install.log" 2>&1 \
    || { cat "$DATA_DIR/install.log" >&2; exit 1; }
fi

# Applied at every start, so the root password always matches the AppHost's (generated, persisted) parameter,
# even if it changed since the data folder was created. Doubling quotes escapes them inside the SQL literal.
password_sql=${MARIADB_ROOT_PASSWORD//\'/\'\'}
init_file="$DATA_DIR/init.sql"
umask 077
cat > "$init_file" <<SQL
CREATE USER IF NOT EXISTS 'root'@'%' IDENTIFIED BY '$password_sql';
ALTER USER 'root'@'%' IDENTIFIED BY '$password_sql';
ALTER USER 'root'@'localhost' IDENTIFIED BY '$password_sql';
GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION;
-- mariadb-install-db also creates password-less root@127.0.0.1 and root@::1 (which would win over root@'%')
-- and root@<hostname> (which --skip-name-resolve can never match).
DROP USER IF EXISTS 'root'@'127.0.0.1', 'root'@'::1', 'root'@'$(hostname)';
DELETE FROM mysql.proxies_priv WHERE Host NOT IN ('localhost', '127.0.0.1', '::1', '%');
FLUSH PRIVILEGES;
SQL

exec mariadbd --no-defaults --user="$(id -un)" --datadir="$mysql_data" \
  --socket="$DATA_DIR/mysqld.sock" --pid-file="$DATA_DIR/mysqld.pid" \
  --port="$MYSQL_TCP_PORT" --bind-address=127.0.0.1 --skip-name-resolve \
  --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
  --init-file="$init_file"
