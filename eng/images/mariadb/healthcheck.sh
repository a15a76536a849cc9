#!/usr/bin/env bash
# The official mariadb image's health probe, for the tests the model uses:
#   healthcheck.sh --connect --innodb_initialized [--innodb_buffer_pool_loaded]
# It logs in as the `healthcheck` user the entrypoint created (credentials in the data folder), so it needs no
# password from the environment. Exit 0 when every test passes.
set -euo pipefail

defaults=/var/lib/mysql/.my-healthcheck.cnf
if [ ! -r "$defaults" ]; then
  echo "healthcheck: $defaults is missing: the server has not been initialised yet" >&2
  exit 1
fi

query() { mariadb --defaults-extra-file="$defaults" --skip-column-names --batch -e "$1"; }

[ $# -gt 0 ] || set -- --connect
for test in "$@"; do
  case "$test" in
    --connect)
      query 'SELECT 1' > /dev/null ;;
    --innodb_initialized)
      [ "$(query "SELECT 1 FROM information_schema.ENGINES WHERE ENGINE = 'InnoDB' AND SUPPORT IN ('YES', 'DEFAULT')")" = 1 ] \
        || { echo "healthcheck: InnoDB is not initialised" >&2; exit 1; } ;;
    --innodb_buffer_pool_loaded)
      query "SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_load_status'" | grep -q 'completed' \
        || { echo "healthcheck: the InnoDB buffer pool is not loaded" >&2; exit 1; } ;;
    *)
      echo "healthcheck: unsupported test '$test' (this image supports --connect, --innodb_initialized, --innodb_buffer_pool_loaded)" >&2
      exit 2 ;;
  esac
done
