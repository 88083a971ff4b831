# shellcheck shell=bash
# A throwaway PostgreSQL cluster for tests, benchmarks and the demo: initdb + pg_ctl
# in a folder, reached only through a Unix socket inside that folder (no TCP port,
# so several clusters run side by side). Sourced, not run.
#
#   pg_start DIR [SETTING ...]
#                  creates and starts a cluster in DIR/pg (each SETTING a postgresql.conf
#                  line, e.g. "synchronous_commit = on"); exports PGHOST, PGPORT,
#                  PGUSER, PGDATABASE and CCHC_DSN (a libpq connection string)
#   pg_restart_server DIR  starts a stopped cluster again
#   pg_stop DIR    stops it (fast shutdown); pg_kill DIR stops it immediately
#   pg_psql ...    psql on that cluster, quiet, stop on error
#
# initdb refuses to run as root: as root the cluster runs as the unprivileged user
# named by CCHC_PG_USER (default: postgres, created by Debian's postgresql package,
# else nobody), and DIR is made theirs. As any other user it runs as that user.

CCHC_PG_BIN=${CCHC_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}

pg__as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u "$CCHC_PG_RUNAS" -- "$@"
  else
    "$@"
  fi
}

pg_start() {
  local dir=$1; shift
  if [ ! -x "$CCHC_PG_BIN/initdb" ]; then
    echo "pg.sh: no PostgreSQL server binaries in '$CCHC_PG_BIN'; install Debian's 'postgresql' package" >&2
    return 1
  fi
  if [ "$(id -u)" -eq 0 ]; then
    CCHC_PG_RUNAS=${CCHC_PG_USER:-$(id -u postgres >/dev/null 2>&1 && echo postgres || echo nobody)}
    echo "pg.sh: running as root; the throwaway PostgreSQL runs as the unprivileged user '$CCHC_PG_RUNAS' (initdb refuses root)" >&2
  else
    CCHC_PG_RUNAS=$(id -un)
  fi
  export CCHC_PG_RUNAS
  mkdir -p "$dir/pg"
  [ "$(id -u)" -eq 0 ] && chown "$CCHC_PG_RUNAS" "$dir/pg" && chmod 0755 "$dir"
  pg__as_owner "$CCHC_PG_BIN/initdb" -D "$dir/pg/data" -U postgres --auth=trust \
    --encoding=UTF8 --locale=C.UTF-8 >"$dir/pg/initdb.log" 2>&1 \
    || { echo "pg.sh: initdb failed, see $dir/pg/initdb.log" >&2; cat "$dir/pg/initdb.log" >&2; return 1; }
  # Settings go into the cluster's own file so that a restart (pg_restart_server) keeps them.
  {
    echo "listen_addresses = ''"
    echo "unix_socket_directories = '$dir/pg'"
    echo "port = 5432"
    echo "fsync = ${CCHC_PG_FSYNC:-on}"
    echo "max_connections = 200"
    for opt in "$@"; do echo "$opt"; done
  } >>"$dir/pg/data/postgresql.conf"
  pg_restart_server "$dir" \
    || { echo "pg.sh: PostgreSQL did not start, see $dir/pg/server.log" >&2; cat "$dir/pg/server.log" >&2; return 1; }
  export PGHOST="$dir/pg" PGPORT=5432 PGUSER=postgres PGDATABASE=postgres
  export CCHC_DSN="host=$dir/pg port=5432 user=postgres dbname=postgres"
}

pg_restart_server() {
  local dir=$1
  pg__as_owner "$CCHC_PG_BIN/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/server.log" -w -t 30 start >/dev/null
}

pg_stop() {
  local dir=$1
  [ -d "$dir/pg/data" ] || return 0
  pg__as_owner "$CCHC_PG_BIN/pg_ctl" -D "$dir/pg/data" -m fast -w -t 30 stop >/dev/null 2>&1 || true
}

pg_kill() {
  local dir=$1
  pg__as_owner "$CCHC_PG_BIN/pg_ctl" -D "$dir/pg/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
}

pg_psql() {
  psql -X -q -v ON_ERROR_STOP=1 "$@"
}
