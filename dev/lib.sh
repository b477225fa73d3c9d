# Shared helpers for the dev/ scripts. Sourced, not executed.
# All state lives under one data directory. It defaults to /var/tmp/rbd-cloud-dev rather than
# ~/.cache: QEMU runs as libvirt-qemu and must traverse to the guest kernel/initrd, which a
# 0700 /root forbids. Override with RBD_CLOUD_DEV_DIR.
set -euo pipefail

RBD_CLOUD_DEV_DIR=${RBD_CLOUD_DEV_DIR:-/var/tmp/rbd-cloud-dev}
DEV_SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$DEV_SCRIPTS/.." && pwd)

log() { printf '[%s] %s\n' "$(basename "$0")" "$*" >&2; }
die() { printf '[%s] ERROR: %s\n' "$(basename "$0")" "$*" >&2; exit 1; }

# need_cmd CMD PACKAGE: fail naming the Debian package when a command is missing.
need_cmd() {
  command -v "$1" >/dev/null 2>&1 || [ -x "$1" ] ||
    die "'$1' not found: install the Debian package '$2' (apt-get install -y --no-install-recommends $2; see dev/packages.txt)"
}

# need_file PATH PACKAGE: same for a file a package ships (kernel, busybox, ...).
need_file() {
  [ -e "$1" ] || die "'$1' not found: install the Debian package '$2'"
}

# pid_alive PIDFILE: true when the pidfile names a live process.
pid_alive() {
  [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null
}

# stop_pid PIDFILE NAME [TIMEOUT_S]: SIGTERM the process in PIDFILE (ours only), wait, then SIGKILL.
stop_pid() {
  local pidfile=$1 name=$2 timeout=${3:-20} pid i
  if ! pid_alive "$pidfile"; then rm -f "$pidfile"; return 0; fi
  pid=$(cat "$pidfile")
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < timeout * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$pidfile"; log "$name stopped"; return 0; }
    sleep 0.1
  done
  log "$name (pid $pid) did not stop in ${timeout}s, killing"
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$pidfile"
}

# wait_for SECONDS DESCRIPTION CMD...: poll CMD every 0.2 s until it succeeds or time runs out.
wait_for() {
  local timeout=$1 what=$2 i
  shift 2
  for ((i = 0; i < timeout * 5; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  die "timed out after ${timeout}s waiting for $what"
}

# env_line KEY VALUE: one KEY=VALUE line of the env contract, single-quoted when the value holds
# anything beyond plain path/URI characters, so the output is both eval-able and easy to parse.
env_line() {
  if [[ $2 =~ ^[A-Za-z0-9_./:@%+,=-]*$ ]]; then
    printf '%s=%s\n' "$1" "$2"
  else
    printf "%s='%s'\n" "$1" "${2//\'/\'\\\'\'}"
  fi
}
