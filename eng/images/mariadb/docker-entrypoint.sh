#!/usr/bin/env bash
# Entrypoint of localhost/tunesculptor/mariadb: the official mariadb image's contract on Debian's MariaDB.
# On an empty /var/lib/mysql it initialises the server from the environment (each also read as NAME_FILE, and as
# its MYSQL_* alias):
#   MARIADB_ROOT_PASSWORD | MARIADB_ALLOW_EMPTY_ROOT_PASSWORD | MARIADB_RANDOM_ROOT_PASSWORD  (one is required)
#   MARIADB_ROOT_HOST [%]  MARIADB_DATABASE  MARIADB_USER  MARIADB_PASSWORD
# then runs /docker-entrypoint-initdb.d/*.sh, *.sql, *.sql.gz in name order. A data folder that is already
# initialised is used as it is. The server runs as `mysql`, never as root.
set -euo pipefail

datadir=/var/lib/mysql
socket=/run/mysqld/mysqld.sock

log() { echo "[entrypoint] $*" >&2; }
fail() { log "error: $*"; exit 1; }

# `docker run image --some-option` passes server options, as with the official image.
if [ "${1:0:1}" = - ]; then
  set -- mariadbd "$@"
fi

# Anything else (a shell, a client) runs as asked.
if [ "$1" != mariadbd ] && [ "$1" != mysqld ]; then
  exec "$@"
fi

if [ "$(id -u)" = 0 ]; then
  # A fresh volume mounted over the data folder belongs to root: hand it to the server's user, then drop root.
  chown mysql:mysql "$datadir" /run/mysqld
  find "$datadir" \! -user mysql -exec chown mysql:mysql '{}' +
  exec setpriv --reuid=mysql --regid=mysql --init-groups "${BASH_SOURCE[0]}" "$@"
fi

# The value of MARIADB_<name>, else MYSQL_<name>, each possibly given as a file (<variable>_FILE), else $2.
setting() {
  local variable
  for variable in "MARIADB_$1" "MYSQL_$1"; do
    local file_variable="${variable}_FILE"
    if [ -n "${!variable:-}" ] && [ -n "${!file_variable:-}" ]; then
      fail "both $variable and $file_variable are set; use one"
    fi
    if [ -n "${!file_variable:-}" ]; then
      cat "${!file_variable}"
      return
    fi
    if [ -n "${!variable:-}" ]; then
      printf '%s' "${!variable}"
      return
    fi
  done
  printf '%s' "${2:-}"
}

# A string literal for SQL: backslashes and quotes escaped.
sql_literal() {
  local value=${1//\\/\\\\}
  printf "'%s'" "${value//\'/\\\'}"
}

# An identifier for SQL: backticks doubled.
sql_identifier() { printf '`%s`' "${1//\`/\`\`}"; }

# As root over the socket; the password (empty until initialise sets it) goes through the environment, never argv.
root_password=""
run_sql() { MYSQL_PWD=$root_password mariadb --protocol=socket --socket="$socket" -uroot --binary-mode "$@"; }

initialise() {
  local new_root_password allow_empty random database user password root_host
  new_root_password=$(setting ROOT_PASSWORD)
  allow_empty=$(setting ALLOW_EMPTY_ROOT_PASSWORD)
  random=$(setting RANDOM_ROOT_PASSWORD)
  root_host=$(setting ROOT_HOST %)
  database=$(setting DATABASE)
  user=$(setting USER)
  password=$(setting PASSWORD)

  if [ -z "$new_root_password" ] && [ -z "$allow_empty" ] && [ -z "$random" ]; then
    fail "the database is uninitialised and no root password is given: set MARIADB_ROOT_PASSWORD," \
      "MARIADB_ALLOW_EMPTY_ROOT_PASSWORD or MARIADB_RANDOM_ROOT_PASSWORD"
  fi
  if [ -n "$random" ]; then
    new_root_password=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
    log "GENERATED ROOT PASSWORD: $new_root_password"
  fi
  if [ "$user" = root ]; then
    fail "MARIADB_USER=root: the root user is set up with MARIADB_ROOT_PASSWORD"
  fi
  if [ -n "$user" ] && [ -z "$password" ]; then
    fail "MARIADB_USER is set without MARIADB_PASSWORD"
  fi

  log "initialising the database in $datadir"
  mariadb-install-db --user=mysql --datadir="$datadir" --auth-root-authentication-method=normal \
    --skip-test-db --skip-name-resolve --rpm > /dev/null

  mariadbd --skip-networking --socket="$socket" --datadir="$datadir" --skip-log-error &
  local server_pid=$!
  local _
  for _ in $(seq 60); do
    run_sql -e 'SELECT 1' > /dev/null 2>&1 && break
    kill -0 "$server_pid" 2> /dev/null || fail "the server stopped while initialising"
    sleep 0.5
  done
  run_sql -e 'SELECT 1' > /dev/null || fail "the server did not start for initialisation within 30 s"

  local healthcheck_password
  healthcheck_password=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
  {
    # sql_log_bin=0: the setup is not replicated, as in the official image.
    echo "SET @@SESSION.SQL_LOG_BIN=0;"
    echo "DELETE FROM mysql.global_priv WHERE User = '' OR (User = 'root' AND Host NOT IN ('localhost'));"
    echo "DELETE FROM mysql.proxies_priv WHERE Host NOT IN ('localhost');"
    echo "ALTER USER 'root'@'localhost' IDENTIFIED BY $(sql_literal "$new_root_password");"
    if [ "$root_host" != localhost ]; then
      echo "CREATE USER 'root'@$(sql_literal "$root_host") IDENTIFIED BY $(sql_literal "$new_root_password");"
      echo "GRANT ALL ON *.* TO 'root'@$(sql_literal "$root_host") WITH GRANT OPTION;"
      echo "GRANT PROXY ON ''@'%' TO 'root'@$(sql_literal "$root_host") WITH GRANT OPTION;"
    fi
    echo "CREATE USER 'healthcheck'@'localhost' IDENTIFIED BY $(sql_literal "$healthcheck_password");"
    echo "GRANT USAGE ON *.* TO 'healthcheck'@'localhost';"
    if [ -n "$database" ]; then
      echo "CREATE DATABASE IF NOT EXISTS $(sql_identifier "$database");"
    fi
    if [ -n "$user" ]; then
      echo "CREATE USER $(sql_literal "$user")@'%' IDENTIFIED BY $(sql_literal "$password");"
      if [ -n "$database" ]; then
        echo "GRANT ALL ON $(sql_identifier "${database//_/\\_}").* TO $(sql_literal "$user")@'%';"
      fi
    fi
    echo "FLUSH PRIVILEGES;"
  } | run_sql
  # From here on root has its password.
  root_password=$new_root_password

  (umask 077 && cat > "$datadir/.my-healthcheck.cnf" <<CNF
[mariadb-client]
socket=$socket
user=healthcheck
password=$healthcheck_password
CNF
  )

  local script
  for script in /docker-entrypoint-initdb.d/*; do
    case "$script" in
      *.sh)
        log "running $script"
        if [ -x "$script" ]; then "$script"; else . "$script"; fi ;;
      *.sql)
        log "running $script"
        run_sql ${database:+"$database"} < "$script" ;;
      *.sql.gz)
        log "running $script"
        gunzip -c "$script" | run_sql ${database:+"$database"} ;;
      */\*) ;;
      *)
        log "ignoring $script (not .sh, .sql or .sql.gz)" ;;
    esac
  done

  MYSQL_PWD=$root_password mariadb-admin --socket="$socket" -uroot shutdown
  wait "$server_pid"
  log "initialisation done"
}

if [ ! -d "$datadir/mysql" ]; then
  initialise
fi

exec "$@"
