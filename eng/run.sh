#!/usr/bin/env bash
# Sets up what is missing and runs the whole system from the AppHost, with the Aspire dashboard.
# Stops everything on Ctrl+C or SIGTERM. Settings (environment variables, defaults in brackets):
#   INFRASTRUCTURE_RUNTIME [auto]  auto | containers | host-processes
#   INFRASTRUCTURE_IMAGES [auto]   auto | official | local  (containers: pulled, or built here by eng/images/build.sh)
#   DASHBOARD_PORT [15888]  GATEWAY_PORT [8080]  RABBITMQ_MANAGEMENT_PORT [15672]  MAIL_UI_PORT [8025]
#   HOST_PROCESSES_DATA_ROOT [~/.local/share/tunesculptor]  where host-process servers keep their data
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$repo_root/eng/bootstrap.sh" run

dashboard_port=${DASHBOARD_PORT:-15888}
gateway_port=${GATEWAY_PORT:-8080}
rabbitmq_ui_port=${RABBITMQ_MANAGEMENT_PORT:-15672}
mail_ui_port=${MAIL_UI_PORT:-8025}
apphost="$repo_root/TuneSculptor.AppHost"

echo "Building…"
dotnet build "$apphost" -v quiet -nologo -clp:ErrorsOnly

log=$(mktemp -t tunesculptor-apphost.XXXXXX.log)
run_id=$(basename "$log" .log)
# The dashboard serves plain HTTP on localhost (development only); its login token is printed below.
ASPNETCORE_ENVIRONMENT=Development DOTNET_ENVIRONMENT=Development \
ASPNETCORE_URLS="http://localhost:$dashboard_port" \
ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL="http://localhost:${OTLP_PORT:-18890}" \
ASPIRE_ALLOW_UNSECURED_TRANSPORT=true \
GATEWAY_PORT=$gateway_port RABBITMQ_MANAGEMENT_PORT=$rabbitmq_ui_port MAIL_UI_PORT=$mail_ui_port \
TUNESCULPTOR_RUN_ID=$run_id \
  dotnet run --project "$apphost" --no-build --no-launch-profile > >(tee "$log") 2>&1 &
apphost_pid=$!

# A background `dotnet run` ignores SIGINT; SIGTERM stops the AppHost and everything it started. Whatever ends
# this script (Ctrl+C, SIGTERM, an error) stops the AppHost first.
stop() {
  trap - INT TERM EXIT
  kill -TERM "$apphost_pid" 2> /dev/null || true
  wait "$apphost_pid" 2> /dev/null || true
  # The AppHost exits at once and Aspire's orchestrator (DCP) then stops what it started, which takes ~15 s.
  # Every one of those processes inherited TUNESCULPTOR_RUN_ID: wait for them, so a new run finds its ports free.
  echo "Stopping…"
  local _
  for _ in $(seq 120); do
    grep -qsz "^TUNESCULPTOR_RUN_ID=$run_id\$" /proc/[0-9]*/environ || { echo "Stopped."; return; }
    sleep 0.5
  done
  echo "Some processes of this run are still stopping:" >&2
  grep -lsz "^TUNESCULPTOR_RUN_ID=$run_id\$" /proc/[0-9]*/environ >&2 || true
}
trap stop INT TERM EXIT

# Ready when the AppHost says every resource is healthy (TuneSculptor.AppHost/ReadinessLog.cs).
until grep -q "resources are healthy" "$log"; do
  if ! kill -0 "$apphost_pid" 2> /dev/null; then
    echo "The AppHost stopped before the system was ready; its log: $log" >&2
    exit 1
  fi
  sleep 1
done

login_url=$(grep -o "http://localhost:$dashboard_port/login?t=[0-9a-f]*" "$log" | head -n 1 || true)
# Generated on first run and kept in the AppHost's user secrets (also shown as a parameter in the dashboard).
rabbitmq_password=$(dotnet user-secrets list --project "$apphost" 2> /dev/null | sed -n 's/^Parameters:rabbitmq-password = //p')
rabbitmq_password=${rabbitmq_password:-"(the rabbitmq-password parameter in the dashboard)"}
cat <<INFO

  TuneSculptor is up: $(grep -o "All [0-9]* resources are healthy, [0-9.]* s after start" "$log" | head -n 1).

  Aspire dashboard   ${login_url:-http://localhost:$dashboard_port}
  Gateway (API)      http://localhost:$gateway_port
  RabbitMQ UI        http://localhost:$rabbitmq_ui_port   (user tunesculptor, password $rabbitmq_password)
  Mail UI            http://localhost:$mail_ui_port
  AppHost log        $log

  Ctrl+C stops everything.

INFO

wait "$apphost_pid" || true
stop
