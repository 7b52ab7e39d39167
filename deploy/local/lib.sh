# shellcheck shell=bash disable=SC2034 # constants are used by the scripts sourcing this
# Shared helpers for the local stack scripts (up, down, status, test, provision).
# Sourced, never executed. Everything the stack creates lives under .local/ of the
# repository; every server listens on 127.0.0.1 only.

# ---------------------------------------------------------------------------
# Locations and ports
# ---------------------------------------------------------------------------

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
# deploy/cluster points this at .local/cluster/ to reuse provision for its own servers.
LOCAL_DIR="${REINTEGRATION_LOCAL_DIR:-$REPO_ROOT/.local}"
LOG_DIR="$LOCAL_DIR/logs"
RUN_DIR="$LOCAL_DIR/run"
CREDENTIALS_FILE="$LOCAL_DIR/credentials.env"

RABBIT_DIR="$LOCAL_DIR/rabbitmq"
RABBIT_SBIN="/usr/lib/rabbitmq/bin"
# Overridable so a second checkout on the same machine can run its own node.
RABBIT_NODENAME="${REINTEGRATION_RABBITMQ_NODENAME:-reintegration@localhost}"
RABBIT_PID_FILE="$RUN_DIR/rabbitmq.pid"
EPMD_PID_FILE="$RUN_DIR/epmd.pid"

# Coordination between concurrent runs sharing one checkout (see acquire_stack_lock).
STACK_LOCK_DIR="$RUN_DIR/stack.lock"
TEST_RUNS_DIR="$RUN_DIR/test-runs"
RABBIT_STARTED_BY_TEST="$RUN_DIR/rabbitmq.started-by-test"
PG_STARTED_BY_TEST="$RUN_DIR/postgres.started-by-test"

PG_DIR="$LOCAL_DIR/postgres"
PG_DATA="$PG_DIR/data"
PG_SOCKET_DIR="$PG_DIR/run"
PG_LOG="$LOG_DIR/postgresql.log"
PG_SUPERUSER="postgres"
# Server binaries of the newest installed version (Debian 12 ships 15); refreshed after installs.
PG_BIN="$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)"

AMQP_PORT="${REINTEGRATION_AMQP_PORT:-5672}"
# The same node's TLS listener, with a local test CA (TLS_DIR): tests of amqps:// use it.
AMQPS_PORT="${REINTEGRATION_AMQPS_PORT:-5671}"
MANAGEMENT_PORT="${REINTEGRATION_MANAGEMENT_PORT:-15672}"
PROMETHEUS_PORT="${REINTEGRATION_PROMETHEUS_PORT:-15692}"
DIST_PORT="${REINTEGRATION_DIST_PORT:-25672}"
PG_PORT="${REINTEGRATION_PG_PORT:-5432}"
# The local mail relay the notification service sends to (aiosmtpd, into a maildir).
SMTP_PORT="${REINTEGRATION_SMTP_PORT:-2525}"
MAIL_DIR="$LOCAL_DIR/mail"
# Short deadlines, an escalation ladder in seconds and fictional people, for demos and drills.
DEMO_DIR="$REPO_ROOT/deploy/local/demo"
TLS_DIR="$LOCAL_DIR/tls"
MAIL_RELAY_PID_FILE="$RUN_DIR/mail-relay.pid"
# Which deadlines the running services were started with: "contract" or "demo" (up writes it).
MODE_FILE="$RUN_DIR/cluster.mode"
MAIL_RELAY_LOG="$LOG_DIR/mail-relay.log"
# The working group's live view (`reintegrationctl dashboard`), started by `up --demo`.
DASHBOARD_PORT="${REINTEGRATION_DASHBOARD_PORT:-8090}"
DASHBOARD_TOKEN_FILE="$LOCAL_DIR/dashboard.token"
DASHBOARD_PID_FILE="$RUN_DIR/dashboard.pid"
DASHBOARD_LOG="$LOG_DIR/dashboard.log"
# The demo's district office (deploy/local/demo/district-office), started by `up --demo`:
# the district authority that takes its referrals with `reintegrationctl agency pull`.
DISTRICT_OFFICE_AGENCY="local.binagadi"
DISTRICT_OFFICE_DIR="$LOCAL_DIR/district-office"
DISTRICT_OFFICE_PID_FILE="$RUN_DIR/district-office.pid"
DISTRICT_OFFICE_LOG="$LOG_DIR/district-office.log"

# The cluster's vhost and database; tests use their own pair (see deploy/local/test).
CLUSTER_VHOST="reintegration"
CLUSTER_DATABASE="reintegration"
TEST_VHOST="reintegration_test"
TEST_DATABASE="reintegration_test"

SERVICES=(intake referral escalation notification)

# chromium: the dashboard's tests load its page in headless Chromium.
REQUIRED_PACKAGES=(
    rabbitmq-server postgresql librabbitmq-dev libpq-dev libcurl4-openssl-dev
    pkg-config curl python3-aiosmtpd ca-certificates openssl chromium
)

# State (credentials, data, logs) is private to the invoking user; swift commands
# reset this so build products keep their usual modes.
umask 077

# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------

# One short line per step.
step() { printf '==> %s\n' "$*"; }
note() { printf '    %s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

# Paths relative to the repository read better in messages.
relative() { printf '%s' "${1#"$REPO_ROOT"/}"; }

# Runs a command with its output appended to a log; on failure shows the log's tail.
run_logged() {
    local log="$1"
    shift
    local status=0
    "$@" >>"$log" 2>&1 || status=$?
    if ((status != 0)); then
        # Name the real program, not the wrappers around it.
        local program
        for program in "$@"; do
            case "$program" in as_root | as_pg_user | env | *=*) continue ;; esac
            break
        done
        printf 'error: %s failed (exit %d); last lines of %s:\n' "${program##*/}" "$status" "$(relative "$log")" >&2
        tail -n 20 "$log" | sed 's/^/    /' >&2
    fi
    return "$status"
}

# ---------------------------------------------------------------------------
# Privileges
# ---------------------------------------------------------------------------

is_root() { ((EUID == 0)); }

# Runs a command as root, through sudo when the caller is not root.
as_root() {
    if is_root; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "\"$1\" needs root and sudo is not available; run this script as root"
    fi
}

# PostgreSQL refuses to run as root: as root it runs as the postgres user, otherwise
# as the invoking user. The working directory moves to / so the postgres user never
# trips over a directory it cannot read.
pg_os_user() { if is_root; then echo postgres; else id -un; fi; }
as_pg_user() {
    if is_root; then
        (cd / && runuser -u postgres -- "$@")
    else
        (cd / && "$@")
    fi
}

# ---------------------------------------------------------------------------
# Prerequisites
# ---------------------------------------------------------------------------

validate_ports() {
    local variable value
    for variable in REINTEGRATION_AMQP_PORT REINTEGRATION_AMQPS_PORT REINTEGRATION_MANAGEMENT_PORT REINTEGRATION_PROMETHEUS_PORT \
        REINTEGRATION_DIST_PORT REINTEGRATION_PG_PORT REINTEGRATION_SMTP_PORT REINTEGRATION_INTAKE_HTTP_PORT \
        REINTEGRATION_REFERRAL_HTTP_PORT REINTEGRATION_ESCALATION_HTTP_PORT \
        REINTEGRATION_NOTIFICATION_HTTP_PORT REINTEGRATION_DASHBOARD_PORT; do
        value="${!variable:-}"
        if [[ -n "$value" ]] && ! [[ "$value" =~ ^[0-9]+$ && "$value" -ge 1 && "$value" -le 65535 ]]; then
            die "$variable=$value is not a TCP port number"
        fi
    done
}

missing_packages() {
    local package
    for package in "${REQUIRED_PACKAGES[@]}"; do
        if [[ "$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null)" != "installed" ]]; then
            printf '%s\n' "$package"
        fi
    done
}

# Checks for Swift, installs missing Debian packages, and creates the state folders.
ensure_prerequisites() {
    validate_ports
    command -v swift >/dev/null 2>&1 ||
        die "swift is not on PATH: install Swift 6 (https://www.swift.org/install/linux/) and retry; these scripts do not install it"
    command -v dpkg-query >/dev/null 2>&1 ||
        die "dpkg-query not found: these scripts expect Debian 12 (or a close relative)"

    prepare_state_dirs

    local missing
    missing="$(missing_packages | tr '\n' ' ')"
    missing="${missing% }"
    if [[ -n "$missing" ]]; then
        step "installing missing packages: $missing"
        local apt_log="$LOG_DIR/apt.log"
        run_logged "$apt_log" as_root env DEBIAN_FRONTEND=noninteractive apt-get update ||
            die "apt-get update failed"
        # shellcheck disable=SC2086 # the list is split on purpose
        run_logged "$apt_log" as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y $missing ||
            die "apt-get install failed"
    else
        step "prerequisites: swift and all required packages are present"
    fi

    [[ -x "$RABBIT_SBIN/rabbitmq-server" ]] || die "$RABBIT_SBIN/rabbitmq-server not found (is rabbitmq-server installed?)"
    # Packages may have just arrived: look for the server binaries again.
    PG_BIN="$(find_pg_bin)"
    [[ -x "$PG_BIN/pg_ctl" ]] || die "no PostgreSQL server binaries under /usr/lib/postgresql (is postgresql installed?)"
}

# The newest installed server version's binaries (Debian 12 ships 15).
find_pg_bin() {
    find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1
}

prepare_state_dirs() {
    mkdir -p "$LOCAL_DIR" "$LOG_DIR" "$RUN_DIR" "$RABBIT_DIR" "$PG_DIR"
    # .local, its logs and postgres folders are traversable (not listable) by others,
    # so the postgres user can reach its data directory, socket and log file.
    chmod 711 "$LOCAL_DIR" "$LOG_DIR" "$PG_DIR"
    chmod 700 "$RUN_DIR" "$RABBIT_DIR"
}

# ---------------------------------------------------------------------------
# Processes and ports
# ---------------------------------------------------------------------------

# True while a process exists and is not a zombie waiting to be reaped.
process_alive() {
    local state
    kill -0 "$1" 2>/dev/null || return 1
    state="$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1 || true)"
    [[ "$state" != "Z" ]]
}

# Prints the pid in a pid file when that process is alive and runs the expected
# program (guards against a stale file whose pid was reused).
live_pid() {
    local pid_file="$1" expected_command="$2" pid command
    [[ -f "$pid_file" ]] || return 1
    pid="$(head -n 1 "$pid_file" 2>/dev/null | tr -dc '0-9')"
    [[ -n "$pid" ]] || return 1
    process_alive "$pid" || return 1
    command="$(cat "/proc/$pid/comm" 2>/dev/null || true)"
    [[ "$command" == "$expected_command" ]] || return 1
    printf '%s\n' "$pid"
}

# True when something accepts TCP connections on 127.0.0.1:port.
port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Names the process listening on a port, when ss can tell.
port_holder() {
    local port="$1" line
    if command -v ss >/dev/null 2>&1; then
        line="$(ss -Hltnp "sport = :$port" 2>/dev/null | grep -o 'users:(("[^"]*",pid=[0-9]*' | head -n 1 || true)"
        if [[ -n "$line" ]]; then
            line="${line#users:((\"}"
            printf '%s (pid %s)' "${line%%\"*}" "${line##*pid=}"
            return
        fi
    fi
    printf 'another process'
}

wait_for_port_free() {
    local port="$1" seconds="$2"
    while ((seconds > 0)); do
        port_in_use "$port" || return 0
        sleep 1
        seconds=$((seconds - 1))
    done
    ! port_in_use "$port"
}

# Sends SIGTERM, waits up to `grace` seconds, then SIGKILL.
terminate_pid() {
    local pid="$1" grace="$2"
    kill -TERM "$pid" 2>/dev/null || return 0
    while ((grace > 0)); do
        process_alive "$pid" || return 0
        sleep 1
        grace=$((grace - 1))
    done
    note "pid $pid did not stop in time: sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
}

# Makes sure our ports are free before starting a server. A Debian system instance
# (auto-started after apt-get install) holding one of them is stopped; anything
# else fails naming the port and the variable that moves it.
# Arguments: system service name, then "label:port:VARIABLE" triples.
claim_ports() {
    local system_service="$1"
    shift
    local entry label port variable
    for entry in "$@"; do
        IFS=: read -r label port variable <<<"$entry"
        port_in_use "$port" || continue
        if system_instance_running "$system_service"; then
            step "stopping the system $system_service service: it holds port $port ($label) that this stack uses"
            stop_system_instance "$system_service"
            wait_for_port_free "$port" 30 || true
        fi
        port_in_use "$port" &&
            die "port $port ($label) on 127.0.0.1 is in use by $(port_holder "$port"); stop it or set $variable to another port"
    done
    return 0
}

# Debian's own instances: a RabbitMQ node runs as the rabbitmq user (ours runs as
# the invoking user), a PostgreSQL cluster is listed online by pg_lsclusters (ours
# is not a Debian cluster).
system_instance_running() {
    case "$1" in
    rabbitmq-server) pgrep -u rabbitmq -x beam.smp >/dev/null 2>&1 ;;
    postgresql) [[ -n "$(online_system_clusters)" ]] ;;
    *) return 1 ;;
    esac
}

online_system_clusters() {
    command -v pg_lsclusters >/dev/null 2>&1 || return 0
    pg_lsclusters -h 2>/dev/null | awk '$4 == "online" { print $1, $2 }'
}

stop_system_instance() {
    local service_log="$LOG_DIR/system-services.log"
    as_root service "$1" stop >>"$service_log" 2>&1 || true
    system_instance_running "$1" || return 0
    # Without an init system `service` may not reach it: stop it directly.
    case "$1" in
    rabbitmq-server)
        as_root pkill -TERM -u rabbitmq -x beam.smp || true
        ;;
    postgresql)
        local version cluster
        while read -r version cluster; do
            as_root pg_ctlcluster "$version" "$cluster" stop -m fast >>"$service_log" 2>&1 || true
        done < <(online_system_clusters)
        ;;
    esac
    local seconds=30
    while ((seconds > 0)) && system_instance_running "$1"; do
        sleep 1
        seconds=$((seconds - 1))
    done
}

# ---------------------------------------------------------------------------
# Concurrent runs
# ---------------------------------------------------------------------------

# Serialises starting, provisioning and stopping between runs of these scripts that
# share the checkout (a developer's `up` and a `test`, or two `test`s). The lock is a
# directory (mkdir is atomic) holding the owner's pid; a dead owner's lock is taken
# over. Re-entrant for the owning script; child scripts see it through the environment.
acquire_stack_lock() {
    local holder announced=false
    [[ "${REINTEGRATION_STACK_LOCK_PID:-}" == "$$" ]] && return 0
    mkdir -p "$RUN_DIR"
    while ! mkdir "$STACK_LOCK_DIR" 2>/dev/null; do
        holder="$(cat "$STACK_LOCK_DIR/pid" 2>/dev/null || true)"
        if [[ -n "${REINTEGRATION_STACK_LOCK_PID:-}" && "$holder" == "$REINTEGRATION_STACK_LOCK_PID" ]]; then
            return 0 # held by the script that started this one
        fi
        if [[ -n "$holder" ]] && ! process_alive "$holder"; then
            rm -rf "$STACK_LOCK_DIR"
            continue
        fi
        if [[ -z "$holder" && -n "$(find "$STACK_LOCK_DIR" -maxdepth 0 -mmin +1 2>/dev/null)" ]]; then
            rm -rf "$STACK_LOCK_DIR" # its owner died before writing its pid
            continue
        fi
        if [[ "$announced" == false ]]; then
            step "waiting for another deploy/local run (pid ${holder:-?}) to finish starting or stopping the stack"
            announced=true
        fi
        sleep 1
    done
    printf '%s\n' "$$" >"$STACK_LOCK_DIR/pid"
    export REINTEGRATION_STACK_LOCK_PID="$$"
}

release_stack_lock() {
    if [[ "${REINTEGRATION_STACK_LOCK_PID:-}" == "$$" && "$(cat "$STACK_LOCK_DIR/pid" 2>/dev/null || true)" == "$$" ]]; then
        rm -rf "$STACK_LOCK_DIR"
        unset REINTEGRATION_STACK_LOCK_PID
    fi
    return 0
}

# ---------------------------------------------------------------------------
# RabbitMQ
# ---------------------------------------------------------------------------

# Exports the environment that points the RabbitMQ scripts (server and CLI) at our
# node and files. Call it in a subshell: it changes HOME.
rabbit_environment() {
    export RABBITMQ_NODENAME="$RABBIT_NODENAME"
    export RABBITMQ_NODE_IP_ADDRESS="127.0.0.1"
    export RABBITMQ_NODE_PORT="$AMQP_PORT"
    export RABBITMQ_DIST_PORT="$DIST_PORT"
    export RABBITMQ_MNESIA_BASE="$RABBIT_DIR/mnesia"
    export RABBITMQ_LOG_BASE="$RABBIT_DIR/log"
    export RABBITMQ_ENABLED_PLUGINS_FILE="$RABBIT_DIR/enabled_plugins"
    export RABBITMQ_CONFIG_FILE="$RABBIT_DIR/rabbitmq.conf"
    export RABBITMQ_ADVANCED_CONFIG_FILE="$RABBIT_DIR/advanced.config"
    export RABBITMQ_CONF_ENV_FILE="$RABBIT_DIR/rabbitmq-env.conf"
    export RABBITMQ_FEATURE_FLAGS_FILE="$RABBIT_DIR/feature_flags"
    export RABBITMQ_PID_FILE="$RABBIT_PID_FILE"
    # Erlang distribution (node and CLI) on loopback only, like everything else.
    export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
    export RABBITMQ_CTL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
    export ERL_EPMD_ADDRESS="127.0.0.1"
    # The Erlang cookie lives in $HOME; server and CLI must share it.
    export HOME="$RABBIT_DIR"
}

rabbitmqctl_local() {
    (
        rabbit_environment
        exec "$RABBIT_SBIN/rabbitmqctl" "$@"
    )
}

rabbit_pid() { live_pid "$RABBIT_PID_FILE" beam.smp; }

# A local test CA and a certificate for "localhost" only (so connecting by 127.0.0.1
# fails host-name verification, which tests check), plus a second, unrelated CA. Made
# once; local development and tests only.
ensure_local_tls() {
    [[ -f "$TLS_DIR/server.pem" && -f "$TLS_DIR/other-ca.pem" ]] && return 0
    mkdir -p "$TLS_DIR"
    chmod 755 "$TLS_DIR"
    local log="$LOG_DIR/tls.log" name
    for name in ca other-ca; do
        run_logged "$log" openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj "/CN=reintegration local test $name" \
            -keyout "$TLS_DIR/$name.key" -out "$TLS_DIR/$name.pem" || die "could not make the local test CA (see $(relative "$log"))"
    done
    run_logged "$log" openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
        -keyout "$TLS_DIR/server.key" -out "$TLS_DIR/server.csr" || die "could not make the server key (see $(relative "$log"))"
    printf 'subjectAltName=DNS:localhost\n' >"$TLS_DIR/server.ext"
    run_logged "$log" openssl x509 -req -in "$TLS_DIR/server.csr" -CA "$TLS_DIR/ca.pem" -CAkey "$TLS_DIR/ca.key" \
        -CAcreateserial -days 825 -extfile "$TLS_DIR/server.ext" -out "$TLS_DIR/server.pem" ||
        die "could not sign the server certificate (see $(relative "$log"))"
    # The node reads its key as the invoking user; nobody else needs it.
    chmod 600 "$TLS_DIR"/*.key
}

write_rabbit_config() {
    mkdir -p "$RABBIT_DIR/mnesia" "$RABBIT_DIR/log"
    ensure_local_tls
    printf '%s\n' '[rabbitmq_management,rabbitmq_prometheus].' >"$RABBIT_DIR/enabled_plugins"
    cat >"$RABBIT_DIR/rabbitmq.conf" <<EOF
# Written by deploy/local/lib.sh on every start: edit that, not this.
# Local development node: every listener on loopback.
management.tcp.ip = 127.0.0.1
management.tcp.port = $MANAGEMENT_PORT
prometheus.tcp.ip = 127.0.0.1
prometheus.tcp.port = $PROMETHEUS_PORT
log.file.level = info
# The contract's bodies are at most 64 KiB; larger ones still reach intake, which refuses
# them as too-large with a cut copy. Past 1 MiB the broker itself refuses the publish.
max_message_size = 1048576
# TLS on its own port, with the local test CA (TLS 1.2 and later only).
listeners.ssl.default = 127.0.0.1:$AMQPS_PORT
ssl_options.cacertfile = $TLS_DIR/ca.pem
ssl_options.certfile = $TLS_DIR/server.pem
ssl_options.keyfile = $TLS_DIR/server.key
ssl_options.versions.1 = tlsv1.3
ssl_options.versions.2 = tlsv1.2
ssl_options.verify = verify_none
ssl_options.fail_if_no_peer_cert = false
EOF
    # Present so /etc/rabbitmq/rabbitmq-env.conf is not read: the node is ours alone.
    printf '%s\n' '# Intentionally empty: the local stack sets everything through the environment.' \
        >"$RABBIT_DIR/rabbitmq-env.conf"
}

start_rabbitmq() {
    local pid
    if pid="$(rabbit_pid)"; then
        port_in_use "$AMQP_PORT" ||
            die "our RabbitMQ node (pid $pid) is not listening on port $AMQP_PORT: run deploy/local/down, then retry"
        step "RabbitMQ: already running (pid $pid), reusing it"
        return
    fi
    claim_ports rabbitmq-server \
        "AMQP:$AMQP_PORT:REINTEGRATION_AMQP_PORT" \
        "AMQPS:$AMQPS_PORT:REINTEGRATION_AMQPS_PORT" \
        "management UI:$MANAGEMENT_PORT:REINTEGRATION_MANAGEMENT_PORT" \
        "Prometheus metrics:$PROMETHEUS_PORT:REINTEGRATION_PROMETHEUS_PORT" \
        "Erlang distribution:$DIST_PORT:REINTEGRATION_DIST_PORT"
    write_rabbit_config
    rm -f "$RABBIT_PID_FILE"
    local epmd_was_running=false
    pgrep -x epmd >/dev/null 2>&1 && epmd_was_running=true

    step "RabbitMQ: starting node $RABBIT_NODENAME on 127.0.0.1:$AMQP_PORT"
    local console_log="$LOG_DIR/rabbitmq.log" console_lines=0 launcher waiter booted=false
    [[ -f "$console_log" ]] && console_lines="$(wc -l <"$console_log")"
    (
        rabbit_environment
        cd "$RABBIT_DIR" || exit 1
        exec setsid nohup "$RABBIT_SBIN/rabbitmq-server" >>"$console_log" 2>&1 </dev/null
    ) &
    launcher=$!
    # `rabbitmqctl wait` follows the pid file and returns once the node has booted;
    # the launcher is watched too, so a node that dies while booting fails at once.
    (
        rabbit_environment
        exec "$RABBIT_SBIN/rabbitmqctl" wait --timeout 120 "$RABBIT_PID_FILE" >>"$LOG_DIR/rabbitmqctl.log" 2>&1
    ) &
    waiter=$!
    while process_alive "$waiter"; do
        if ! process_alive "$launcher"; then
            kill "$waiter" 2>/dev/null || true
            break
        fi
        sleep 1
    done
    # A killed CLI exits 0 (the VM stops gracefully on SIGTERM): check the node itself.
    wait "$waiter" && booted=true
    if ! process_alive "$launcher" || ! rabbit_pid >/dev/null; then booted=false; fi
    if [[ "$booted" == false ]]; then
        local new_output
        new_output="$(tail -n "+$((console_lines + 1))" "$console_log")"
        printf 'error: the node did not boot; %s says:\n' "$(relative "$console_log")" >&2
        { grep -m 3 'reason:' <<<"$new_output" || tail -n 20 <<<"$new_output"; } | sed 's/^/    /' >&2
        die "RabbitMQ did not start (full logs: $(relative "$RABBIT_DIR/log")/, $(relative "$console_log"))"
    fi
    # Remember an epmd this start brought up, so `down` stops that one and no other.
    if [[ "$epmd_was_running" == false ]]; then
        pgrep -n -x epmd >"$EPMD_PID_FILE" 2>/dev/null || rm -f "$EPMD_PID_FILE"
    fi
    step "RabbitMQ: running (pid $(rabbit_pid))"
}

stop_rabbitmq() {
    local pid
    if ! pid="$(rabbit_pid)"; then
        rm -f "$RABBIT_PID_FILE"
        step "RabbitMQ: not running"
        stop_idle_epmd
        return
    fi
    step "RabbitMQ: stopping (pid $pid)"
    if ! run_logged "$LOG_DIR/rabbitmqctl.log" rabbitmqctl_local stop "$RABBIT_PID_FILE"; then
        terminate_pid "$pid" 30
    fi
    rm -f "$RABBIT_PID_FILE"
    stop_idle_epmd
}

# The node starts epmd (the Erlang port mapper, 127.0.0.1:4369) when none runs, and
# leaves it behind; stop it if this stack started it and no node uses it any more.
stop_idle_epmd() {
    local pid names
    pid="$(live_pid "$EPMD_PID_FILE" epmd)" || {
        rm -f "$EPMD_PID_FILE"
        return 0
    }
    names="$(ERL_EPMD_ADDRESS=127.0.0.1 epmd -names 2>/dev/null || true)"
    grep -q '^name ' <<<"$names" && return 0
    terminate_pid "$pid" 5
    rm -f "$EPMD_PID_FILE"
}

# ---------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------

pg_pid() { live_pid "$PG_DATA/postmaster.pid" postgres; }

# The postgres user must be able to walk from / down to .local/postgres; checked
# from the top, so only the folders that really block it are opened (o+x only).
ensure_pg_path_traversable() {
    is_root || return 0
    local path="" part parts
    IFS=/ read -ra parts <<<"${PG_DIR#/}"
    for part in "${parts[@]}"; do
        path+="/$part"
        if ! runuser -u postgres -- test -x "$path"; then
            step "allowing others to traverse (not list) $path, so the postgres user reaches .local/postgres"
            chmod o+x "$path"
        fi
    done
}

init_postgres() {
    [[ -f "$PG_DATA/PG_VERSION" ]] && return 0
    local owner locale
    owner="$(pg_os_user)"
    mkdir -p "$PG_DATA" "$PG_SOCKET_DIR"
    chmod 700 "$PG_DATA" "$PG_SOCKET_DIR"
    chown "$owner:" "$PG_DATA" "$PG_SOCKET_DIR"
    if locale -a 2>/dev/null | grep -qix 'c\.utf-\?8'; then locale="C.UTF-8"; else locale="C"; fi

    step "PostgreSQL: creating a new cluster in $(relative "$PG_DATA") (locale $locale)"
    run_logged "$LOG_DIR/postgresql-init.log" as_pg_user "$PG_BIN/initdb" -D "$PG_DATA" -U "$PG_SUPERUSER" \
        -E UTF8 --locale="$locale" --auth-local=trust --auth-host=scram-sha-256 ||
        die "initdb failed"

    # Only two ways in: the private socket directory (mode 0700, so only the server's
    # OS user and root reach it) and passwords over loopback TCP.
    cat >"$PG_DATA/pg_hba.conf" <<'EOF'
# Local development cluster of deploy/local.
# TYPE  DATABASE  USER  ADDRESS        METHOD
local   all       all                  trust
host    all       all   127.0.0.1/32   scram-sha-256
EOF
    printf '\n%s\n' "include_if_exists = 'local-stack.conf'" >>"$PG_DATA/postgresql.conf"
    chown "$owner:" "$PG_DATA/pg_hba.conf"
}

write_pg_config() {
    cat >"$PG_DATA/local-stack.conf" <<EOF
# Written by deploy/local/lib.sh on every start: edit that, not this.
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_SOCKET_DIR'
unix_socket_permissions = 0700
password_encryption = 'scram-sha-256'
EOF
    chown "$(pg_os_user):" "$PG_DATA/local-stack.conf"
}

start_postgres() {
    local pid
    if pid="$(pg_pid)"; then
        as_pg_user "$PG_BIN/pg_isready" -q -h "$PG_SOCKET_DIR" -p "$PG_PORT" ||
            die "our PostgreSQL (pid $pid) does not answer on port $PG_PORT: run deploy/local/down, then retry"
        step "PostgreSQL: already running (pid $pid), reusing it"
        return
    fi
    local socket="$PG_SOCKET_DIR/.s.PGSQL.$PG_PORT"
    ((${#socket} <= 100)) ||
        die "the socket path $socket is too long for a Unix socket (limit ~100 characters): clone the repository to a shorter path"

    ensure_pg_path_traversable
    init_postgres
    claim_ports postgresql "PostgreSQL:$PG_PORT:REINTEGRATION_PG_PORT"
    write_pg_config
    mkdir -p "$PG_SOCKET_DIR"
    chown "$(pg_os_user):" "$PG_SOCKET_DIR"
    touch "$PG_LOG"
    chown "$(pg_os_user):" "$PG_LOG"

    step "PostgreSQL: starting on 127.0.0.1:$PG_PORT"
    if ! run_logged "$LOG_DIR/pg_ctl.log" as_pg_user "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 start; then
        printf 'last lines of %s:\n' "$(relative "$PG_LOG")" >&2
        tail -n 20 "$PG_LOG" | sed 's/^/    /' >&2
        die "PostgreSQL did not start"
    fi
    step "PostgreSQL: running (pid $(pg_pid))"
}

stop_postgres() {
    local pid
    if ! pid="$(pg_pid)"; then
        step "PostgreSQL: not running"
        return
    fi
    step "PostgreSQL: stopping (pid $pid)"
    run_logged "$LOG_DIR/pg_ctl.log" as_pg_user "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop ||
        terminate_pid "$pid" 30
}

# psql as the bootstrap superuser over the private socket; SQL comes on stdin.
psql_superuser() {
    "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCKET_DIR" -p "$PG_PORT" -U "$PG_SUPERUSER" "$@"
}

# ---------------------------------------------------------------------------
# Credentials
# ---------------------------------------------------------------------------

# Reads credentials.env into the current shell (KEY=URL lines; values are URL-safe).
load_credentials() {
    [[ -f "$CREDENTIALS_FILE" ]] || die "$(relative "$CREDENTIALS_FILE") is missing: run deploy/local/up (or deploy/local/test) first"
    local key value
    while IFS='=' read -r key value; do
        [[ "$key" =~ ^[A-Z_]+$ ]] || continue
        printf -v "$key" '%s' "$value"
    done <"$CREDENTIALS_FILE"
}

# The password inside scheme://user:password@host...
password_in_url() {
    local url="$1"
    [[ "$url" =~ ^[a-z]+://[^:/@]+:([^@]+)@ ]] || return 1
    printf '%s\n' "${BASH_REMATCH[1]}"
}

# Replaces the path (vhost or database) of a URL.
with_url_path() { printf '%s/%s\n' "${1%/*}" "$2"; }

# ---------------------------------------------------------------------------
# Services
# ---------------------------------------------------------------------------

service_http_port() {
    local variable="REINTEGRATION_${1^^}_HTTP_PORT"
    case "$1" in
    intake) printf '%s\n' "${!variable:-8081}" ;;
    referral) printf '%s\n' "${!variable:-8082}" ;;
    escalation) printf '%s\n' "${!variable:-8083}" ;;
    notification) printf '%s\n' "${!variable:-8084}" ;;
    *) return 1 ;;
    esac
}

service_pid_file() { printf '%s\n' "$RUN_DIR/$1.pid"; }
service_log() { printf '%s\n' "$LOG_DIR/$1.log"; }
service_pid() { live_pid "$(service_pid_file "$1")" "$1"; }

# True when GET /readyz answers 200.
service_ready() {
    local code
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$(service_http_port "$1")/readyz" 2>/dev/null || true)"
    [[ "$code" == "200" ]]
}

# Starts a service's release binary in the background ($BIN_DIR, credentials loaded), or
# restarts it when its binary is newer than its process; leaves it running when unchanged.
start_service() {
    local name="$1" binary="$BIN_DIR/$1" pid_file log port pid upper
    pid_file="$(service_pid_file "$name")"
    log="$(service_log "$name")"
    port="$(service_http_port "$name")"
    upper="${name^^}"
    [[ -x "$binary" ]] || die "$(relative "$binary") was not built"

    if pid="$(service_pid "$name")"; then
        if [[ "$binary" -nt "$pid_file" ]]; then
            step "$name: a newer build exists, restarting (pid $pid)"
            terminate_pid "$pid" 30
        else
            step "$name: already running (pid $pid), binary unchanged"
            return
        fi
    fi
    port_in_use "$port" &&
        die "port $port ($name HTTP) on 127.0.0.1 is in use by $(port_holder "$port"); stop it or set REINTEGRATION_${upper}_HTTP_PORT"

    # Keep the previous run's log next to the new one.
    [[ -s "$log" ]] && mv -f "$log" "$log.1"
    local amqp_variable="${upper}_AMQP_URL" database_variable="${upper}_DATABASE_URL"
    (
        export AMQP_URL="${!amqp_variable}" DATABASE_URL="${!database_variable}"
        export HTTP_PORT="$port" LOG_FORMAT="json" SMTP_URL="smtp://127.0.0.1:$SMTP_PORT"
        exec setsid nohup "$binary" >>"$log" 2>&1 </dev/null
    ) &
    printf '%s\n' "$!" >"$pid_file"
    step "$name: started (pid $!, http://127.0.0.1:$port, log $(relative "$log"))"
}

stop_service() {
    local name="$1" pid
    if pid="$(service_pid "$name")"; then
        step "$name: stopping (pid $pid)"
        terminate_pid "$pid" 30
    else
        step "$name: not running"
    fi
    rm -f "$(service_pid_file "$name")"
}

# ---------------------------------------------------------------------------
# Local mail relay: accepts every message on 127.0.0.1 and files it in a maildir,
# so alerts can be read (and counted) without sending anything anywhere.
# ---------------------------------------------------------------------------

mail_relay_pid() { live_pid "$MAIL_RELAY_PID_FILE" python3; }

start_mail_relay() {
    local pid
    if pid="$(mail_relay_pid)"; then
        step "mail relay: already running (pid $pid, smtp://127.0.0.1:$SMTP_PORT)"
        return
    fi
    port_in_use "$SMTP_PORT" &&
        die "port $SMTP_PORT (mail relay) on 127.0.0.1 is in use by $(port_holder "$SMTP_PORT"); stop it or set REINTEGRATION_SMTP_PORT"
    mkdir -p "$MAIL_DIR/tmp" "$MAIL_DIR/new" "$MAIL_DIR/cur"
    # Debian's Python, which has python3-aiosmtpd.
    (exec setsid nohup /usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" \
        -c aiosmtpd.handlers.Mailbox "$MAIL_DIR" >>"$MAIL_RELAY_LOG" 2>&1 </dev/null) &
    printf '%s\n' "$!" >"$MAIL_RELAY_PID_FILE"
    local tries=50
    until port_in_use "$SMTP_PORT"; do
        ((tries-- > 0)) || die "the mail relay did not listen on 127.0.0.1:$SMTP_PORT; see $(relative "$MAIL_RELAY_LOG")"
        sleep 0.2
    done
    step "mail relay: started (pid $!, smtp://127.0.0.1:$SMTP_PORT, maildir $(relative "$MAIL_DIR"))"
}

stop_mail_relay() {
    local pid
    if pid="$(mail_relay_pid)"; then
        step "mail relay: stopping (pid $pid)"
        terminate_pid "$pid" 10
    else
        step "mail relay: not running"
    fi
    rm -f "$MAIL_RELAY_PID_FILE"
}

# ---------------------------------------------------------------------------
# Dashboard: the live view, reading through the read-only reporting role.
# ---------------------------------------------------------------------------

# The kernel keeps 15 characters of a process name: "reintegrationctl" reads "reintegrationct".
dashboard_pid() { live_pid "$DASHBOARD_PID_FILE" reintegrationct; }

stop_dashboard() {
    local pid
    if pid="$(dashboard_pid)"; then
        step "dashboard: stopping (pid $pid)"
        terminate_pid "$pid" 10
    else
        step "dashboard: not running"
    fi
    rm -f "$DASHBOARD_PID_FILE"
}

# ---------------------------------------------------------------------------
# The demo's district office: pulls and answers as a district authority would.
# ---------------------------------------------------------------------------

# A script runs as "bash": its command line names it.
district_office_pid() {
    local pid
    pid="$(live_pid "$DISTRICT_OFFICE_PID_FILE" bash)" || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "demo/district-office " || return 1
    printf '%s\n' "$pid"
}

# Starts the office in the background with its agency's account from the credentials
# file (by environment, never on a command line). Arguments: the reintegrationctl binary.
start_district_office() {
    local tool="$1" pid key url
    if pid="$(district_office_pid)"; then
        step "district office: already running (pid $pid)"
        return
    fi
    key="AGENCY_$(tr '[:lower:].' '[:upper:]_' <<<"$DISTRICT_OFFICE_AGENCY")_AMQP_URL"
    url="${!key:-}"
    [[ -n "$url" ]] || die "the credentials file has no $key for the district office"
    mkdir -p "$DISTRICT_OFFICE_DIR"
    (
        export AGENCY_AMQP_URL="$url"
        exec setsid nohup "$DEMO_DIR/district-office" "$tool" "$DISTRICT_OFFICE_DIR" >>"$DISTRICT_OFFICE_LOG" 2>&1 </dev/null
    ) &
    printf '%s\n' "$!" >"$DISTRICT_OFFICE_PID_FILE"
    step "district office: $DISTRICT_OFFICE_AGENCY pulls into $(relative "$DISTRICT_OFFICE_DIR") (pid $!, log $(relative "$DISTRICT_OFFICE_LOG"))"
}

stop_district_office() {
    local pid
    if pid="$(district_office_pid)"; then
        step "district office: stopping (pid $pid)"
        terminate_pid "$pid" 30
    fi
    rm -f "$DISTRICT_OFFICE_PID_FILE"
}

# Runs a swift command with ordinary file modes for the build products.
swift_command() {
    (
        umask 022
        cd "$REPO_ROOT" || exit 1
        exec swift "$@"
    )
}

# Adds the demo people to the notification directory (people already there are kept).
# Arguments: the reintegrationctl binary, the database URL of the admin role.
seed_demo_directory() {
    local tool="$1" database_url="$2" name role agencies email language added=0 kept=0 arguments agency output
    while IFS='|' read -r name role agencies email language; do
        [[ -z "$name" || "$name" == \#* ]] && continue
        arguments=(directory add --name "$name" --role "$role" --email "$email" --language "$language")
        IFS=',' read -r -a agency_list <<<"$agencies"
        for agency in "${agency_list[@]}"; do arguments+=(--agency "$agency"); done
        # The database URL goes by environment, never on a command line others can read.
        if output="$(NOTIFICATION_DATABASE_URL="$database_url" "$tool" "${arguments[@]}" 2>&1)"; then
            added=$((added + 1))
        elif [[ "$output" == *"already in the directory"* ]]; then
            kept=$((kept + 1))
        else
            warn "demo directory: $name not added: ${output##*error: }"
        fi
    done <"$DEMO_DIR/directory.txt"
    step "demo directory: $added people added, $kept already there ($(relative "$DEMO_DIR/directory.txt"))"
}
