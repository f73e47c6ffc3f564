# Shared shell helpers for scripts/test, scripts/bench and later scripts/cluster. Source, don't run.

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
fail() { printf '\033[31merror: %s\033[0m\n' "$*" >&2; exit 1; }

# PIDs of the servers this script started; stop_all stops them (install with `trap stop_all EXIT`).
STARTED_PIDS=()
stop_all() {
  for pid in "${STARTED_PIDS[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done
  for pid in "${STARTED_PIDS[@]:-}"; do
    [ -n "$pid" ] || continue
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    kill -9 "$pid" 2>/dev/null || true
  done
}

# wait_for PID SECONDS CMD...: retry CMD until it succeeds; fail fast if PID exits or time runs out.
wait_for() {
  local pid=$1 deadline=$(( $(date +%s) + $2 )); shift 2
  until "$@" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || fail "process $pid exited while waiting for: $*"
    [ "$(date +%s)" -lt "$deadline" ] || fail "timed out waiting for: $*"
    sleep 0.1
  done
}

# apt_install PKG...: installs Debian packages that are missing (quietly, once).
apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get install -y -q -o DPkg::Lock::Timeout=900 --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
    || { $SUDO apt-get update -q >/dev/null 2>&1 && $SUDO apt-get install -y -q -o DPkg::Lock::Timeout=900 --no-install-recommends "${missing[@]}" >/dev/null; }
}

# pip_install MODULE SPEC: installs a Python package unless MODULE imports already (quietly, once).
pip_install() {
  python3 -c "import $1" 2>/dev/null && return 0
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore "$2" >/dev/null \
    || python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --break-system-packages "$2" >/dev/null
}

# start_postgres PORT [durable]: a throwaway PostgreSQL cluster on 127.0.0.1:PORT owned by the 'postgres'
# user (initdb refuses root), with a password login 'acme' that may create databases, and a database
# 'acme_test'. Sets PGDIR (its directory), PGBIN and POSTGRES_URL; stop_postgres stops every cluster
# started this way. Test clusters skip fsync (nothing in them must survive a crash); with `durable`
# (benchmarks) every commit is flushed as in production and shared_buffers is sized for the data.
PG_CLUSTERS=()
start_postgres() {
  local port=$1 durable=${2:-}
  apt_install postgresql postgresql-contrib
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  PGDIR=$(mktemp -d /tmp/acme-pg.XXXXXX)
  PG_CLUSTERS+=("$PGDIR")
  chown postgres:postgres "$PGDIR"
  echo 'postgres_pw' >"$PGDIR/pwfile" && chown postgres "$PGDIR/pwfile"
  as_postgres "$PGBIN/initdb" -D "$PGDIR/data" -U postgres --pwfile="$PGDIR/pwfile" --auth-local=trust \
    --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$PGDIR/initdb.log" 2>&1 \
    || { cat "$PGDIR/initdb.log" >&2; fail "initdb failed"; }
  # Settings in the config file (not pg_ctl -o) so that a plain `pg_ctl start` after a stop keeps them.
  cat >>"$PGDIR/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$PGDIR'
max_connections = 400
CONF
  if [ "$durable" = durable ]; then
    echo "shared_buffers = 2GB" >>"$PGDIR/data/postgresql.conf"
  else
    printf 'fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n' >>"$PGDIR/data/postgresql.conf"
  fi
  as_postgres "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w -t 60 start >/dev/null || { cat "$PGDIR/server.log" >&2; fail "PostgreSQL did not start"; }
  as_postgres "$PGBIN/psql" -h "$PGDIR" -p "$port" -U postgres -v ON_ERROR_STOP=1 -q <<'SQL' >/dev/null
CREATE ROLE acme LOGIN CREATEDB PASSWORD 'acme_pw';
GRANT pg_checkpoint TO acme;
CREATE DATABASE acme_test OWNER acme;
SQL
  POSTGRES_URL="postgres://acme:acme_pw@127.0.0.1:$port/acme_test?sslmode=disable"
}

# The pg_ctl command line for the cluster in DIR, without its action (fault tests restart and stop it).
postgres_ctl_command() {
  echo "runuser -u postgres -- $PGBIN/pg_ctl -D $1/data -l $1/server.log"
}

stop_postgres() {
  for dir in "${PG_CLUSTERS[@]:-}"; do
    [ -n "$dir" ] || continue
    as_postgres "$PGBIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
  done
  PG_CLUSTERS=()
}

# as_postgres CMD...: run as the postgres user from a directory it can enter.
as_postgres() { (cd /tmp && runuser -u postgres -- "$@"); }
