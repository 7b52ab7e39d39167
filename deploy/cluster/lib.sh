# shellcheck shell=bash disable=SC2034 # constants are used by the scripts sourcing this
# Shared helpers of the production topology on one machine (deploy/cluster/up, down,
# status, promote): three clustered RabbitMQ nodes, a PostgreSQL primary with a streaming
# hot standby, TLS listeners with a test CA, and two supervised instances of every
# service. Sourced, never executed. It builds on deploy/local/lib.sh (step, die,
# run_logged, as_pg_user, ...) with that file's state directory moved to .local/cluster/,
# so deploy/local/provision provisions this topology too. Everything listens on
# 127.0.0.1 only, on ports of its own (below), beside a running deploy/local stack.

CLUSTER_REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
CLUSTER_DIR="$CLUSTER_REPO_ROOT/.local/cluster"

# ---------------------------------------------------------------------------
# Ports: the one place to change them. Node x of a b c is number i = 1 2 3.
# ---------------------------------------------------------------------------
RABBIT_NODES=(a b c)
RABBIT_AMQP_BASE=5780        # amqp://127.0.0.1:5781..5783
RABBIT_AMQPS_BASE=5790       # amqps (TLS) 5791..5793
RABBIT_MANAGEMENT_BASE=15780 # management UI and HTTP API 15781..15783
RABBIT_PROMETHEUS_BASE=15790 # Prometheus metrics 15791..15793
RABBIT_DIST_BASE=25780       # Erlang distribution 25781..25783
PG_SERVERS=(1 2)
PG_PORT_BASE=5480            # PostgreSQL server n = 1, 2 on 5481, 5482 (TLS on the same port)
CLUSTER_SMTP_PORT=2581       # the mail relay the notification instances send to
INSTANCES=(1 2)              # instances of every service
# HTTP port of instance n: intake 811n, referral 812n, escalation 813n, notification 814n.
declare -A SERVICE_HTTP_BASE=([intake]=8110 [referral]=8120 [escalation]=8130 [notification]=8140)

# How the services reach the servers (set the variables and run up again: only the
# environment files change).
#   CLIENT_TLS=on      amqps:// to the TLS listeners with AMQP_CA_FILE and a client
#                      certificate; sslmode=verify-full&sslrootcert=... for PostgreSQL.
#   SERVER_LISTS=on    every broker node in AMQP_URL (comma-separated, each instance
#                      starting with another node), both PostgreSQL servers in
#                      DATABASE_URL with target_session_attrs=read-write.
CLIENT_TLS="${REINTEGRATION_CLUSTER_CLIENT_TLS:-on}"
SERVER_LISTS="${REINTEGRATION_CLUSTER_SERVER_LISTS:-on}"
# The build the instances run: release (the default), or debug (REINTEGRATION_CLUSTER_BUILD=
# debug, as the test run's small drill does with the binaries it has just built).
BUILD_CONFIGURATION="${REINTEGRATION_CLUSTER_BUILD:-release}"
# Allowed for a graceful stop of a service; the supervisor waits longer before SIGKILL.
SERVICE_SHUTDOWN_GRACE_SECONDS=20
SERVICE_STOP_WAIT_SECONDS=35

READY_TIMEOUT_SECONDS=180
RABBIT_BOOT_TIMEOUT_SECONDS=180

rabbit_index() {
    case "$1" in a) echo 1 ;; b) echo 2 ;; c) echo 3 ;; *) return 1 ;; esac
}
rabbit_node_name() { printf 'rabbit-%s@localhost\n' "$1"; }
rabbit_amqp_port() { echo $((RABBIT_AMQP_BASE + $(rabbit_index "$1"))); }
rabbit_amqps_port() { echo $((RABBIT_AMQPS_BASE + $(rabbit_index "$1"))); }
rabbit_management_port() { echo $((RABBIT_MANAGEMENT_BASE + $(rabbit_index "$1"))); }
rabbit_prometheus_port() { echo $((RABBIT_PROMETHEUS_BASE + $(rabbit_index "$1"))); }
rabbit_dist_port() { echo $((RABBIT_DIST_BASE + $(rabbit_index "$1"))); }
pg_port() { echo $((PG_PORT_BASE + $1)); }
instance_http_port() { echo $((SERVICE_HTTP_BASE[$1] + $2)); }

# Which PostgreSQL server is the primary (1 or 2); `promote` changes it.
PG_PRIMARY_FILE="$CLUSTER_DIR/postgres/primary"
pg_primary() {
    local primary
    primary="$(cat "$PG_PRIMARY_FILE" 2>/dev/null || true)"
    [[ "$primary" == 2 ]] && echo 2 || echo 1
}
pg_standby() { [[ "$(pg_primary)" == 1 ]] && echo 2 || echo 1; }

# deploy/local/lib.sh and deploy/local/provision read these: node a, the primary and the
# state under .local/cluster/ (credentials.env, logs/, run/, rabbitmq/, postgres/).
export REINTEGRATION_LOCAL_DIR="$CLUSTER_DIR"
export REINTEGRATION_RABBITMQ_NODENAME="rabbit-a@localhost"
export REINTEGRATION_AMQP_PORT="$((RABBIT_AMQP_BASE + 1))"
export REINTEGRATION_MANAGEMENT_PORT="$((RABBIT_MANAGEMENT_BASE + 1))"
export REINTEGRATION_PROMETHEUS_PORT="$((RABBIT_PROMETHEUS_BASE + 1))"
export REINTEGRATION_DIST_PORT="$((RABBIT_DIST_BASE + 1))"
REINTEGRATION_PG_PORT="$(pg_port "$(pg_primary)")"
export REINTEGRATION_PG_PORT
export REINTEGRATION_SMTP_PORT="$CLUSTER_SMTP_PORT"

# shellcheck source-path=SCRIPTDIR source=../local/lib.sh
source "$CLUSTER_REPO_ROOT/deploy/local/lib.sh"

REQUIRED_PACKAGES+=(supervisor)
TLS_DIR="$CLUSTER_DIR/tls"
ENV_DIR="$CLUSTER_DIR/env"
SUPERVISOR_DIR="$CLUSTER_DIR/supervisor"
SUPERVISOR_CONF="$SUPERVISOR_DIR/supervisord.conf"
SUPERVISOR_SOCKET="$RUN_DIR/supervisor.sock"
SUPERVISOR_PID_FILE="$RUN_DIR/supervisord.pid"
BINARIES_STAMP="$RUN_DIR/binaries.started"
PG_ARCHIVE_DIR="$PG_DIR/wal-archive"
PG_REPLICATION_PASSFILE="$PG_DIR/replication.pgpass"
PG_REPLICATION_ROLE="replicator"
# The deadlines the instances run with: "contract", or "drill" (`up --drill-deadlines`:
# deploy/local/demo/'s policies, acknowledge within 20 s, complete within 60 s, the ladder in
# seconds, so the fault drill sees answers, escalations and alerts within minutes).
DEADLINES_FILE="$CLUSTER_DIR/deadlines"
cluster_deadlines() { [[ "$(cat "$DEADLINES_FILE" 2>/dev/null || true)" == drill ]] && echo drill || echo contract; }

prepare_cluster_dirs() {
    prepare_state_dirs
    mkdir -p "$TLS_DIR" "$ENV_DIR" "$SUPERVISOR_DIR"
    chmod 700 "$TLS_DIR" "$ENV_DIR" "$SUPERVISOR_DIR"
}

# ---------------------------------------------------------------------------
# Test CA and certificates (openssl, EC P-256): the CA, one server certificate per
# RabbitMQ node and PostgreSQL server (SAN localhost and 127.0.0.1), one client
# certificate per service account. Created once; renewed when expiring within 30 days.
# ---------------------------------------------------------------------------

tls_key() {
    [[ -s "$1" ]] || openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
}

# Arguments: name, common name, extendedKeyUsage (serverAuth or clientAuth).
tls_certificate() {
    local name="$1" common_name="$2" usage="$3" crt="$TLS_DIR/$1.crt" extensions
    if [[ -s "$crt" ]] && openssl x509 -in "$crt" -noout -checkend 2592000 >/dev/null 2>&1 &&
        [[ "$crt" -nt "$TLS_DIR/ca.crt" || ! "$TLS_DIR/ca.crt" -nt "$crt" ]]; then
        return 0
    fi
    tls_key "$TLS_DIR/$name.key"
    extensions="$(mktemp "$TLS_DIR/ext.XXXXXX")"
    {
        printf 'basicConstraints = critical, CA:FALSE\n'
        printf 'keyUsage = critical, digitalSignature, keyEncipherment\n'
        printf 'extendedKeyUsage = %s\n' "$usage"
        [[ "$usage" == serverAuth ]] && printf 'subjectAltName = DNS:localhost, IP:127.0.0.1\n'
    } >"$extensions"
    if ! {
        openssl req -new -key "$TLS_DIR/$name.key" -subj "/O=reintegration test CA/CN=$common_name" -out "$TLS_DIR/$name.csr" 2>/dev/null &&
            openssl x509 -req -in "$TLS_DIR/$name.csr" -CA "$TLS_DIR/ca.crt" -CAkey "$TLS_DIR/ca.key" -CAcreateserial \
                -days 397 -sha256 -extfile "$extensions" -out "$crt" 2>/dev/null
    }; then
        die "openssl could not issue the certificate $name"
    fi
    rm -f "$extensions" "$TLS_DIR/$name.csr"
}

ensure_tls() {
    if ! openssl x509 -in "$TLS_DIR/ca.crt" -noout -checkend 2592000 >/dev/null 2>&1; then
        step "TLS: creating the test CA in $(relative "$TLS_DIR")"
        tls_key "$TLS_DIR/ca.key"
        openssl req -x509 -new -key "$TLS_DIR/ca.key" -subj "/O=reintegration test CA/CN=reintegration cluster test CA" \
            -days 825 -sha256 -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign' \
            -out "$TLS_DIR/ca.crt" 2>/dev/null || die "openssl could not create the test CA"
    fi
    local x n service
    for x in "${RABBIT_NODES[@]}"; do tls_certificate "rabbit-$x" "rabbit-$x" serverAuth; done
    for n in "${PG_SERVERS[@]}"; do tls_certificate "postgres-$n" "postgres-$n" serverAuth; done
    for service in "${SERVICES[@]}"; do tls_certificate "client-$service" "svc-$service" clientAuth; done
    chmod 600 "$TLS_DIR"/*.key
    step "TLS: test CA and certificates ready in $(relative "$TLS_DIR") (server names localhost, 127.0.0.1)"
}

# ---------------------------------------------------------------------------
# RabbitMQ: three nodes sharing HOME (one Erlang cookie) and the Mnesia base (a folder
# per node name inside), each with its own configuration, ports, logs and pid file.
# ---------------------------------------------------------------------------

rabbit_pid_file() { printf '%s\n' "$RUN_DIR/rabbit-$1.pid"; }
rabbit_node_pid() { live_pid "$(rabbit_pid_file "$1")" beam.smp; }
rabbit_console_log() { printf '%s\n' "$LOG_DIR/rabbit-$1.log"; }

# Call in a subshell: it changes HOME.
rabbit_node_environment() {
    local x="$1"
    rabbit_environment
    export RABBITMQ_NODENAME="rabbit-$x@localhost"
    RABBITMQ_NODE_PORT="$(rabbit_amqp_port "$x")"
    RABBITMQ_DIST_PORT="$(rabbit_dist_port "$x")"
    RABBITMQ_PID_FILE="$(rabbit_pid_file "$x")"
    export RABBITMQ_NODE_PORT RABBITMQ_DIST_PORT RABBITMQ_PID_FILE
    export RABBITMQ_CONFIG_FILE="$RABBIT_DIR/$x/rabbitmq.conf"
    export RABBITMQ_ADVANCED_CONFIG_FILE="$RABBIT_DIR/$x/advanced.config"
    export RABBITMQ_FEATURE_FLAGS_FILE="$RABBIT_DIR/$x/feature_flags"
    export RABBITMQ_LOG_BASE="$RABBIT_DIR/$x/log"
    # Three nodes share two cores with everything else: no busy-waiting schedulers.
    export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="$RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS +sbwt none +sbwtdcpu none +sbwtdio none"
}

# rabbitmqctl (or another CLI such as rabbitmq-queues) against node x.
rabbit_cli() {
    local x="$1" tool="$2"
    shift 2
    (
        rabbit_node_environment "$x"
        exec "$RABBIT_SBIN/$tool" -n "rabbit-$x@localhost" "$@"
    )
}

write_rabbit_node_config() {
    local x="$1"
    mkdir -p "$RABBIT_DIR/$x/log" "$RABBIT_DIR/mnesia"
    printf '%s\n' '[rabbitmq_management,rabbitmq_prometheus].' >"$RABBIT_DIR/enabled_plugins"
    printf '%s\n' '# Intentionally empty: deploy/cluster sets everything through the environment.' >"$RABBIT_DIR/rabbitmq-env.conf"
    cat >"$RABBIT_DIR/$x/rabbitmq.conf" <<EOF
# Written by deploy/cluster/lib.sh on every start: edit that, not this.
# Node rabbit-$x of the one-machine rehearsal: every listener on loopback.
listeners.ssl.default = 127.0.0.1:$(rabbit_amqps_port "$x")
ssl_options.cacertfile = $TLS_DIR/ca.crt
ssl_options.certfile = $TLS_DIR/rabbit-$x.crt
ssl_options.keyfile = $TLS_DIR/rabbit-$x.key
ssl_options.versions.1 = tlsv1.3
ssl_options.versions.2 = tlsv1.2
# Client certificates are verified when given (the services send theirs); not required, so
# outside parties that log in with a password alone still connect.
ssl_options.verify = verify_peer
ssl_options.fail_if_no_peer_cert = false
management.tcp.ip = 127.0.0.1
management.tcp.port = $(rabbit_management_port "$x")
prometheus.tcp.ip = 127.0.0.1
prometheus.tcp.port = $(rabbit_prometheus_port "$x")
log.file.level = info
max_message_size = 1048576
cluster_partition_handling = pause_minority
EOF
}

ensure_erlang_cookie() {
    local cookie="$RABBIT_DIR/.erlang.cookie"
    if [[ ! -s "$cookie" ]]; then
        openssl rand -hex 20 | tr -d '\n' >"$cookie"
    fi
    chmod 400 "$cookie"
}

# Starts the nodes that are not running, all at once (clustered nodes wait for each
# other at boot), and waits until each has booted.
start_rabbit_nodes() {
    local x pid started=() port entry label epmd_was_running=false
    ensure_erlang_cookie
    pgrep -x epmd >/dev/null 2>&1 && epmd_was_running=true
    for x in "${RABBIT_NODES[@]}"; do
        if pid="$(rabbit_node_pid "$x")"; then
            step "RabbitMQ rabbit-$x: already running (pid $pid), reusing it"
            continue
        fi
        for entry in "AMQP:$(rabbit_amqp_port "$x")" "AMQPS:$(rabbit_amqps_port "$x")" \
            "management:$(rabbit_management_port "$x")" "Prometheus:$(rabbit_prometheus_port "$x")" \
            "Erlang distribution:$(rabbit_dist_port "$x")"; do
            label="${entry%:*}" port="${entry##*:}"
            port_in_use "$port" &&
                die "port $port ($label of rabbit-$x) on 127.0.0.1 is in use by $(port_holder "$port"); stop it or change the ports in deploy/cluster/lib.sh"
        done
        write_rabbit_node_config "$x"
        rm -f "$(rabbit_pid_file "$x")"
        step "RabbitMQ rabbit-$x: starting on 127.0.0.1:$(rabbit_amqp_port "$x") (TLS $(rabbit_amqps_port "$x"))"
        (
            rabbit_node_environment "$x"
            cd "$RABBIT_DIR" || exit 1
            exec setsid nohup "$RABBIT_SBIN/rabbitmq-server" >>"$(rabbit_console_log "$x")" 2>&1 </dev/null
        ) &
        started+=("$x")
    done
    ((${#started[@]} > 0)) || return 0
    step "RabbitMQ: waiting for ${started[*]/#/rabbit-} to boot (up to $RABBIT_BOOT_TIMEOUT_SECONDS s)"
    declare -A waiter=()
    for x in "${started[@]}"; do
        rabbit_cli "$x" rabbitmqctl wait --timeout "$RABBIT_BOOT_TIMEOUT_SECONDS" "$(rabbit_pid_file "$x")" \
            >>"$LOG_DIR/rabbitmqctl.log" 2>&1 &
        waiter[$x]=$!
    done
    local failed=()
    for x in "${started[@]}"; do
        if ! wait "${waiter[$x]}" || ! rabbit_node_pid "$x" >/dev/null; then failed+=("$x"); fi
    done
    for x in "${failed[@]}"; do
        printf 'error: rabbit-%s did not boot within %s s; last lines of %s:\n' "$x" "$RABBIT_BOOT_TIMEOUT_SECONDS" \
            "$(relative "$(rabbit_console_log "$x")")" >&2
        tail -n 15 "$(rabbit_console_log "$x")" | sed 's/^/    /' >&2
    done
    ((${#failed[@]} == 0)) || die "RabbitMQ did not start (node logs: $(relative "$RABBIT_DIR")/<node>/log/)"
    # Remember an epmd these nodes brought up, so `down` stops that one and no other.
    if [[ "$epmd_was_running" == false ]]; then
        pgrep -n -x epmd >"$EPMD_PID_FILE" 2>/dev/null || rm -f "$EPMD_PID_FILE"
    fi
    for x in "${started[@]}"; do step "RabbitMQ rabbit-$x: running (pid $(rabbit_node_pid "$x"))"; done
}

# Nodes of the cluster node x belongs to, one per line ("running" or "disk").
rabbit_cluster_nodes() {
    local x="$1" kind="$2"
    rabbit_cli "$x" rabbitmqctl cluster_status --formatter json 2>>"$LOG_DIR/rabbitmqctl.log" |
        python3 -c 'import json,sys; print("\n".join(json.load(sys.stdin).get(sys.argv[1], [])))' \
            "$([[ "$kind" == running ]] && echo running_nodes || echo disk_nodes)"
}

# Joins b and c to a's cluster (once; a node already in it is left alone).
join_rabbit_cluster() {
    local x leader="rabbit-a@localhost" log="$LOG_DIR/rabbitmqctl.log"
    for x in "${RABBIT_NODES[@]:1}"; do
        if rabbit_cluster_nodes "$x" disk | grep -qx "$leader"; then continue; fi
        step "RabbitMQ rabbit-$x: joining the cluster of $leader"
        if ! {
            run_logged "$log" rabbit_cli "$x" rabbitmqctl stop_app &&
                run_logged "$log" rabbit_cli "$x" rabbitmqctl reset &&
                run_logged "$log" rabbit_cli "$x" rabbitmqctl join_cluster "$leader" &&
                run_logged "$log" rabbit_cli "$x" rabbitmqctl start_app
        }; then
            die "rabbit-$x could not join the cluster (see $(relative "$log"))"
        fi
    done
    local running
    running="$(rabbit_cluster_nodes a running | wc -l)"
    ((running == ${#RABBIT_NODES[@]})) ||
        die "the RabbitMQ cluster runs $running of ${#RABBIT_NODES[@]} nodes (rabbitmqctl -n rabbit-a@localhost cluster_status; logs in $(relative "$RABBIT_DIR")/<node>/log/)"
    step "RabbitMQ: cluster of ${#RABBIT_NODES[@]} nodes running (${RABBIT_NODES[*]/#/rabbit-})"
}

stop_rabbit_node() {
    local x="$1" pid
    if ! pid="$(rabbit_node_pid "$x")"; then
        rm -f "$(rabbit_pid_file "$x")"
        step "RabbitMQ rabbit-$x: not running"
        return
    fi
    step "RabbitMQ rabbit-$x: stopping (pid $pid)"
    run_logged "$LOG_DIR/rabbitmqctl.log" rabbit_cli "$x" rabbitmqctl stop "$(rabbit_pid_file "$x")" ||
        terminate_pid "$pid" 30
    rm -f "$(rabbit_pid_file "$x")"
}

# Stops the nodes together (a clustered node stopped last must otherwise start first).
stop_rabbit_nodes() {
    local x
    for x in "${RABBIT_NODES[@]}"; do stop_rabbit_node "$x" & done
    wait
    stop_idle_epmd
}

# Quorum queues of the vhost and their member count: "name members" per line.
quorum_queue_members() {
    rabbit_cli a rabbitmqctl list_queues -p "$CLUSTER_VHOST" name type members --formatter json 2>>"$LOG_DIR/rabbitmqctl.log" |
        python3 -c '
import json, sys
for q in json.load(sys.stdin):
    if q.get("type") == "quorum":
        print(q["name"], len(q.get("members", [])))'
}

# ---------------------------------------------------------------------------
# PostgreSQL: server n in $PG_DIR/pg<n> on port 548n, as the postgres user. The primary
# archives its WAL to $PG_DIR/wal-archive; the standby streams from the primary over TLS
# as the replication role (and reads the archive when it fell behind).
# ---------------------------------------------------------------------------

pg_data_dir() { printf '%s\n' "$PG_DIR/pg$1"; }
pg_server_log() { printf '%s\n' "$LOG_DIR/postgresql-$1.log"; }
pg_server_pid() { live_pid "$(pg_data_dir "$1")/postmaster.pid" postgres; }

# psql as the bootstrap superuser over the private socket to server n.
pg_superuser_psql() {
    local n="$1"
    shift
    "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCKET_DIR" -p "$(pg_port "$n")" -U "$PG_SUPERUSER" "$@"
}

# "t" while server n is in recovery (a standby), "f" when it is a primary.
pg_in_recovery() { pg_superuser_psql "$1" -d postgres -At -c 'SELECT pg_is_in_recovery()' 2>/dev/null; }

init_pg_primary() {
    local n="$1" data owner locale
    data="$(pg_data_dir "$n")"
    [[ -f "$data/PG_VERSION" ]] && return 0
    owner="$(pg_os_user)"
    mkdir -p "$data"
    chmod 700 "$data"
    chown "$owner:" "$data"
    if locale -a 2>/dev/null | grep -qix 'c\.utf-\?8'; then locale="C.UTF-8"; else locale="C"; fi
    step "PostgreSQL $n: creating the primary's cluster in $(relative "$data") (locale $locale)"
    run_logged "$LOG_DIR/postgresql-init.log" as_pg_user "$PG_BIN/initdb" -D "$data" -U "$PG_SUPERUSER" \
        -E UTF8 --locale="$locale" --auth-local=trust --auth-host=scram-sha-256 || die "initdb failed"
    # The private socket for the postgres superuser; passwords over loopback TCP, with TLS
    # offered on every connection. The plain `host` line is there until the services
    # connect with sslmode=verify-full: delete it then, and TLS is required of everyone.
    cat >"$data/pg_hba.conf" <<EOF
# Cluster rehearsal of deploy/cluster (copied to the standby by pg_basebackup).
# TYPE     DATABASE     USER        ADDRESS        METHOD
local      all          all                        trust
local      replication  all                        trust
hostssl    replication  $PG_REPLICATION_ROLE  127.0.0.1/32   scram-sha-256
hostssl    all          all         127.0.0.1/32   scram-sha-256
host       all          all         127.0.0.1/32   scram-sha-256
EOF
    printf '\n%s\n' "include_if_exists = 'cluster.conf'" >>"$data/postgresql.conf"
    chown "$owner:" "$data/pg_hba.conf"
}

# Writes server n's settings and TLS files into its data directory (every start).
write_pg_server_config() {
    local n="$1" data owner
    data="$(pg_data_dir "$n")"
    owner="$(pg_os_user)"
    install -m 644 -o "$owner" "$TLS_DIR/postgres-$n.crt" "$data/server.crt"
    install -m 600 -o "$owner" "$TLS_DIR/postgres-$n.key" "$data/server.key"
    install -m 644 -o "$owner" "$TLS_DIR/ca.crt" "$data/ca.crt"
    cat >"$data/cluster.conf" <<EOF
# Written by deploy/cluster/lib.sh on every start: edit that, not this.
listen_addresses = '127.0.0.1'
port = $(pg_port "$n")
unix_socket_directories = '$PG_SOCKET_DIR'
unix_socket_permissions = 0700
password_encryption = 'scram-sha-256'
ssl = on
ssl_cert_file = 'server.crt'
ssl_key_file = 'server.key'
ssl_ca_file = 'ca.crt'
ssl_min_protocol_version = 'TLSv1.2'
wal_level = replica
max_wal_senders = 5
wal_keep_size = '256MB'
hot_standby = on
archive_mode = on
archive_command = 'test ! -f "$PG_ARCHIVE_DIR/%f" && cp "%p" "$PG_ARCHIVE_DIR/%f"'
restore_command = 'cp "$PG_ARCHIVE_DIR/%f" "%p"'
EOF
    chown "$owner:" "$data/cluster.conf"
}

start_pg_server() {
    local n="$1" pid data
    data="$(pg_data_dir "$n")"
    if pid="$(pg_server_pid "$n")"; then
        step "PostgreSQL $n: already running (pid $pid, port $(pg_port "$n")), reusing it"
        return
    fi
    port_in_use "$(pg_port "$n")" &&
        die "port $(pg_port "$n") (PostgreSQL $n) on 127.0.0.1 is in use by $(port_holder "$(pg_port "$n")"); stop it or change PG_PORT_BASE in deploy/cluster/lib.sh"
    write_pg_server_config "$n"
    touch "$(pg_server_log "$n")"
    chown "$(pg_os_user):" "$(pg_server_log "$n")"
    step "PostgreSQL $n: starting on 127.0.0.1:$(pg_port "$n")"
    if ! run_logged "$LOG_DIR/pg_ctl.log" as_pg_user "$PG_BIN/pg_ctl" -D "$data" -l "$(pg_server_log "$n")" -w -t 120 start; then
        printf 'last lines of %s:\n' "$(relative "$(pg_server_log "$n")")" >&2
        tail -n 20 "$(pg_server_log "$n")" | sed 's/^/    /' >&2
        die "PostgreSQL $n did not start"
    fi
}

stop_pg_server() {
    local n="$1" pid
    if ! pid="$(pg_server_pid "$n")"; then
        step "PostgreSQL $n: not running"
        return
    fi
    step "PostgreSQL $n: stopping (pid $pid)"
    run_logged "$LOG_DIR/pg_ctl.log" as_pg_user "$PG_BIN/pg_ctl" -D "$(pg_data_dir "$n")" -m fast -w -t 60 stop ||
        terminate_pid "$pid" 30
}

# The replication role on the primary, its password in a passfile only the postgres
# user reads (created once).
ensure_replication_role() {
    local primary="$1" password owner
    owner="$(pg_os_user)"
    if [[ -s "$PG_REPLICATION_PASSFILE" ]]; then
        password="$(cut -d: -f5 "$PG_REPLICATION_PASSFILE")"
    else
        password="$(openssl rand -hex 16)"
        printf '127.0.0.1:*:*:%s:%s\n' "$PG_REPLICATION_ROLE" "$password" >"$PG_REPLICATION_PASSFILE"
    fi
    chown "$owner:" "$PG_REPLICATION_PASSFILE"
    chmod 600 "$PG_REPLICATION_PASSFILE"
    install -m 644 -o "$owner" "$TLS_DIR/ca.crt" "$PG_DIR/ca.crt"
    mkdir -p "$PG_ARCHIVE_DIR"
    chown "$owner:" "$PG_ARCHIVE_DIR"
    chmod 700 "$PG_ARCHIVE_DIR"
    {
        printf '%s\n' "SET log_min_error_statement = panic;" "SET log_statement = none;"
        printf "SELECT 'CREATE ROLE %s' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '%s') \\\\gexec\n" \
            "$PG_REPLICATION_ROLE" "$PG_REPLICATION_ROLE"
        printf "ALTER ROLE %s WITH LOGIN REPLICATION NOSUPERUSER PASSWORD '%s';\n" "$PG_REPLICATION_ROLE" "$password"
    } | run_logged "$LOG_DIR/provision.log" pg_superuser_psql "$primary" -d postgres || die "could not create the replication role"
}

# The standby: a base backup of the primary streamed over TLS (-R writes its
# primary_conninfo and standby.signal). A directory that is no standby (the primary
# before a promotion) is replaced: its data continues on the new primary.
ensure_pg_standby() {
    local primary="$1" standby="$2" data conninfo
    data="$(pg_data_dir "$standby")"
    if [[ -f "$data/PG_VERSION" && -f "$data/standby.signal" ]]; then
        return 0
    fi
    if [[ -e "$data" ]]; then
        pg_server_pid "$standby" >/dev/null && stop_pg_server "$standby"
        step "PostgreSQL $standby: its data is no standby of server $primary (a former primary): replacing it with a new base backup"
        rm -rf "$data"
    fi
    conninfo="host=127.0.0.1 port=$(pg_port "$primary") user=$PG_REPLICATION_ROLE sslmode=verify-full"
    conninfo+=" sslrootcert=$PG_DIR/ca.crt passfile=$PG_REPLICATION_PASSFILE application_name=postgres-$standby"
    step "PostgreSQL $standby: base backup of server $primary (pg_basebackup -R -X stream, over TLS)"
    mkdir -p "$data"
    chmod 700 "$data"
    chown "$(pg_os_user):" "$data"
    run_logged "$LOG_DIR/pg_basebackup.log" as_pg_user "$PG_BIN/pg_basebackup" -D "$data" -R -X stream -c fast \
        -d "$conninfo" || die "pg_basebackup failed"
}

# Waits until the primary reports the standby streaming.
wait_for_streaming() {
    local primary="$1" standby="$2" seconds=60 state
    while ((seconds-- > 0)); do
        state="$(pg_superuser_psql "$primary" -d postgres -At \
            -c "SELECT state FROM pg_stat_replication WHERE application_name = 'postgres-$standby'" 2>/dev/null || true)"
        if [[ "$state" == streaming ]]; then
            step "PostgreSQL $standby: hot standby streaming from server $primary (over TLS)"
            return 0
        fi
        sleep 1
    done
    die "PostgreSQL $standby does not stream from server $primary after 60 s (state \"${state:-none}\"); see $(relative "$(pg_server_log "$standby")")"
}

# Points deploy/local/provision (PG_DATA = $PG_DIR/data, RabbitMQ pid file) at the
# primary and node a.
point_provision_at_primary() {
    ln -sfn "pg$(pg_primary)" "$PG_DIR/data"
    ln -sfn "rabbit-a.pid" "$RUN_DIR/rabbitmq.pid"
}

# Makes server n the primary: the current primary is stopped first when it runs (one
# primary at a time), then `pg_ctl promote` on the standby.
promote_pg_standby() {
    local old new seconds=60
    old="$(pg_primary)" new="$(pg_standby)"
    pg_server_pid "$new" >/dev/null || die "PostgreSQL $new (the standby) is not running: nothing to promote"
    [[ "$(pg_in_recovery "$new")" == t ]] || die "PostgreSQL $new is not in recovery: it is no standby"
    if pg_server_pid "$old" >/dev/null; then
        step "PostgreSQL $old: the primary runs; stopping it first so only one primary exists"
        stop_pg_server "$old"
    fi
    step "PostgreSQL $new: promoting (pg_ctl promote)"
    run_logged "$LOG_DIR/pg_ctl.log" as_pg_user "$PG_BIN/pg_ctl" -D "$(pg_data_dir "$new")" -w -t 60 promote ||
        die "pg_ctl promote failed; see $(relative "$(pg_server_log "$new")")"
    while [[ "$(pg_in_recovery "$new")" != f ]]; do
        ((seconds-- > 0)) || die "PostgreSQL $new still in recovery 60 s after promote; see $(relative "$(pg_server_log "$new")")"
        sleep 1
    done
    printf '%s\n' "$new" >"$PG_PRIMARY_FILE"
    REINTEGRATION_PG_PORT="$(pg_port "$new")" PG_PORT="$(pg_port "$new")"
    point_provision_at_primary
    step "PostgreSQL $new: primary on 127.0.0.1:$(pg_port "$new"); server $old must be rebuilt as its standby (deploy/cluster/up does it)"
}

# ---------------------------------------------------------------------------
# Services: one environment file per instance, written here only; the supervisor and
# the systemd units (deploy/systemd/) read the same KEY=VALUE format.
# ---------------------------------------------------------------------------

instance_name() { printf '%s-%s\n' "$1" "$2"; }
instance_env_file() { printf '%s\n' "$ENV_DIR/$1-$2.env"; }
instance_log() { printf '%s\n' "$LOG_DIR/$1-$2.log"; }

# The broker URL of an instance: one node (instance n on node n of a b c), or all the
# nodes starting with that one.
instance_amqp_url() {
    local service="$1" n="$2" password="$3" scheme=amqp host=127.0.0.1 urls=() i x port
    [[ "$CLIENT_TLS" == on ]] && scheme=amqps host=localhost
    for ((i = 0; i < ${#RABBIT_NODES[@]}; i++)); do
        x="${RABBIT_NODES[$(((n - 1 + i) % ${#RABBIT_NODES[@]}))]}"
        if [[ "$CLIENT_TLS" == on ]]; then port="$(rabbit_amqps_port "$x")"; else port="$(rabbit_amqp_port "$x")"; fi
        urls+=("$scheme://svc-$service:$password@$host:$port/$CLUSTER_VHOST")
        [[ "$SERVER_LISTS" == on ]] || break
    done
    local IFS=,
    printf '%s\n' "${urls[*]}"
}

instance_database_url() {
    local service="$1" n="$2" password="$3" hosts parameters host=127.0.0.1
    [[ "$CLIENT_TLS" == on ]] && host=localhost
    hosts="$host:$(pg_port "$(pg_primary)")"
    parameters="application_name=$service-$n"
    if [[ "$SERVER_LISTS" == on ]]; then
        hosts="$host:$(pg_port 1),$host:$(pg_port 2)"
        parameters+="&target_session_attrs=read-write"
    fi
    [[ "$CLIENT_TLS" == on ]] && parameters+="&sslmode=verify-full&sslrootcert=$TLS_DIR/ca.crt"
    printf 'postgresql://%s:%s@%s/%s?%s\n' "$service" "$password" "$hosts" "$CLUSTER_DATABASE" "$parameters"
}

# An account's broker URL from credentials.env (one plain node) over TLS through every
# node, as outside parties and operators' tools reach the cluster.
every_node_url() {
    local rest="${1#amqp://}" x urls=()
    for x in "${RABBIT_NODES[@]}"; do
        urls+=("amqps://${rest%%@*}@localhost:$(rabbit_amqps_port "$x")/${rest#*/}?cacertfile=$TLS_DIR/ca.crt")
    done
    local IFS=,
    printf '%s\n' "${urls[*]}"
}

# A database URL from credentials.env (the primary when it was written) through both
# servers with verify-full: it follows a promotion as the services' URLs do.
every_server_url() {
    local url="${1/@127.0.0.1:[0-9]*\//@localhost:$(pg_port 1),localhost:$(pg_port 2)/}"
    printf '%s?target_session_attrs=read-write&sslmode=verify-full&sslrootcert=%s\n' "${url%%\?*}" "$TLS_DIR/ca.crt"
}

# Writes every instance's environment file from credentials.env; prints the instances
# whose file changed (they need a restart to see it).
write_service_environments() {
    load_credentials
    local service n file temporary amqp_variable database_variable amqp_password database_password
    for service in "${SERVICES[@]}"; do
        amqp_variable="${service^^}_AMQP_URL" database_variable="${service^^}_DATABASE_URL"
        amqp_password="$(password_in_url "${!amqp_variable}")" || die "no password for svc-$service in $(relative "$CREDENTIALS_FILE")"
        database_password="$(password_in_url "${!database_variable}")" || die "no password for $service in $(relative "$CREDENTIALS_FILE")"
        for n in "${INSTANCES[@]}"; do
            file="$(instance_env_file "$service" "$n")"
            temporary="$(mktemp "$file.XXXXXX")"
            {
                printf '# %s: written by deploy/cluster/lib.sh (write_service_environments) on every up; edit that, not this.\n' \
                    "$(instance_name "$service" "$n")"
                printf 'AMQP_URL=%s\n' "$(instance_amqp_url "$service" "$n" "$amqp_password")"
                printf 'DATABASE_URL=%s\n' "$(instance_database_url "$service" "$n" "$database_password")"
                if [[ "$CLIENT_TLS" == on ]]; then
                    printf 'AMQP_CA_FILE=%s\n' "$TLS_DIR/ca.crt"
                    printf 'AMQP_CERT_FILE=%s\n' "$TLS_DIR/client-$service.crt"
                    printf 'AMQP_KEY_FILE=%s\n' "$TLS_DIR/client-$service.key"
                fi
                printf 'HTTP_HOST=127.0.0.1\n'
                printf 'HTTP_PORT=%s\n' "$(instance_http_port "$service" "$n")"
                printf 'LOG_FORMAT=json\n'
                printf 'SHUTDOWN_GRACE=%ss\n' "$SERVICE_SHUTDOWN_GRACE_SECONDS"
                [[ "$service" == notification ]] && printf 'SMTP_URL=smtp://127.0.0.1:%s\n' "$CLUSTER_SMTP_PORT"
                if [[ "$(cluster_deadlines)" == drill ]]; then
                    printf 'REFERRAL_POLICY_FILE=%s\n' "$DEMO_DIR/referral-policy.json"
                    printf 'ESCALATION_POLICY_FILE=%s\n' "$DEMO_DIR/escalation-policy.json"
                fi
            } >"$temporary"
            chmod 600 "$temporary"
            if cmp -s "$temporary" "$file"; then
                rm -f "$temporary"
            else
                mv -f "$temporary" "$file"
                printf '%s\n' "$(instance_name "$service" "$n")"
            fi
        done
    done
}

# ---------------------------------------------------------------------------
# Supervisor: a supervisord of the cluster's own (not the system one), its
# configuration under .local/cluster/supervisor/, its socket in .local/cluster/run/.
# ---------------------------------------------------------------------------

supervisorctl_cluster() { supervisorctl -c "$SUPERVISOR_CONF" "$@"; }
supervisord_pid() { live_pid "$SUPERVISOR_PID_FILE" supervisord; }

# The state of one program: RUNNING, STARTING, BACKOFF, STOPPED, EXITED, FATAL, ...
program_state() {
    supervisorctl_cluster status "$1" 2>/dev/null | awk '{ print $2 }'
}

write_supervisor_config() {
    local bin_dir="$1" service n temporary changed=false
    temporary="$(mktemp "$SUPERVISOR_CONF.XXXXXX")"
    {
        cat <<EOF
; Written by deploy/cluster/lib.sh (write_supervisor_config) on every up: edit that, not this.
[unix_http_server]
file = $SUPERVISOR_SOCKET
chmod = 0700

[supervisord]
identifier = reintegration-cluster
logfile = $LOG_DIR/supervisord.log
logfile_maxbytes = 10MB
logfile_backups = 3
pidfile = $SUPERVISOR_PID_FILE
childlogdir = $LOG_DIR
directory = $CLUSTER_DIR
user = $(id -un)
umask = 077

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl = unix://$SUPERVISOR_SOCKET

[program:mail-relay]
command = /usr/bin/python3 -m aiosmtpd -n -l 127.0.0.1:$CLUSTER_SMTP_PORT -c aiosmtpd.handlers.Mailbox "$MAIL_DIR"
autorestart = true
startsecs = 2
stopsignal = TERM
stopwaitsecs = 10
redirect_stderr = true
stdout_logfile = $MAIL_RELAY_LOG
stdout_logfile_maxbytes = 10MB
EOF
        for service in "${SERVICES[@]}"; do
            for n in "${INSTANCES[@]}"; do
                cat <<EOF

[program:$(instance_name "$service" "$n")]
command = "$CLUSTER_REPO_ROOT/deploy/cluster/run-instance" "$(instance_env_file "$service" "$n")" "$bin_dir/$service"
autostart = true
autorestart = true
startsecs = 5
startretries = 10
stopsignal = TERM
stopwaitsecs = $SERVICE_STOP_WAIT_SECONDS
redirect_stderr = true
stdout_logfile = $(instance_log "$service" "$n")
stdout_logfile_maxbytes = 50MB
stdout_logfile_backups = 2
EOF
            done
            printf '\n[group:%s]\nprograms = %s\n' "$service" \
                "$(for n in "${INSTANCES[@]}"; do printf '%s,' "$(instance_name "$service" "$n")"; done | sed 's/,$//')"
        done
    } >"$temporary"
    if cmp -s "$temporary" "$SUPERVISOR_CONF"; then
        rm -f "$temporary"
    else
        mv -f "$temporary" "$SUPERVISOR_CONF"
        changed=true
    fi
    [[ "$changed" == true ]]
}

# All supervised programs as supervisor names them (group:program).
supervised_programs() {
    local service n
    printf 'mail-relay\n'
    for service in "${SERVICES[@]}"; do
        for n in "${INSTANCES[@]}"; do printf '%s:%s\n' "$service" "$(instance_name "$service" "$n")"; done
    done
}

# True when GET /readyz of an instance answers 200.
instance_ready() {
    local code
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "http://127.0.0.1:$(instance_http_port "$1" "$2")/readyz" 2>/dev/null || true)"
    [[ "$code" == 200 ]]
}

show_instance_log() {
    local log
    log="$(instance_log "$1" "$2")"
    printf 'last lines of %s:\n' "$(relative "$log")" >&2
    tail -n 15 "$log" 2>/dev/null | sed 's/^/    /' >&2
}

# Waits until the given instances ("service n" words, or every instance) answer 200.
wait_instances_ready() {
    local timeout="$1" pending=() deadline still service n state entry
    shift
    if (($# == 0)); then
        for service in "${SERVICES[@]}"; do for n in "${INSTANCES[@]}"; do pending+=("$service:$n"); done; done
    else
        pending=("$@")
    fi
    deadline=$((SECONDS + timeout))
    while ((${#pending[@]} > 0)); do
        still=()
        for entry in "${pending[@]}"; do
            service="${entry%:*}" n="${entry#*:}"
            if instance_ready "$service" "$n"; then
                step "$(instance_name "$service" "$n"): ready (http://127.0.0.1:$(instance_http_port "$service" "$n"))"
                continue
            fi
            state="$(program_state "$service:$(instance_name "$service" "$n")")"
            if [[ "$state" == FATAL ]]; then
                show_instance_log "$service" "$n"
                die "$(instance_name "$service" "$n") keeps exiting: supervisor gave up on it (FATAL)"
            fi
            still+=("$entry")
        done
        pending=("${still[@]}")
        ((${#pending[@]} == 0)) && break
        if ((SECONDS >= deadline)); then
            service="${pending[0]%:*}" n="${pending[0]#*:}"
            show_instance_log "$service" "$n"
            die "not ready after $timeout s: ${pending[*]} (supervisor state of the first: $(program_state "$service:$(instance_name "$service" "$n")"))"
        fi
        sleep 1
    done
}
