# Shared helpers for the dev/ scripts. Sourced, not executed.
# All state lives under one data directory. It defaults to /var/tmp/rbd-cloud-dev rather than
# ~/.cache: QEMU runs as libvirt-qemu and must traverse to the guest kernel/initrd, which a
# 0700 /root forbids. Override with RBD_CLOUD_DEV_DIR. /var/tmp is world-writable and the scripts
# run as root, so the directory is checked before use (dev_dir_check, below).
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

# --- The data directory -------------------------------------------------------------------------
# Anyone can create /var/tmp/rbd-cloud-dev, or a symbolic link there, before root does: root would
# then write keys into someone else's directory, or write through the link into any file. So the
# directory must be a real directory owned by the running user and writable by nobody else (the
# guest-image part adds o+x, traversal only, for QEMU); new ones are made 0700. Files in it are
# never written through a symbolic link, and wipe removes only a directory that carries
# DEV_DIR_MARKER, written by these scripts. A directory made by older scripts (no marker) is
# adopted by the first start or stop that finds it ours and closed.
DEV_DIR_MARKER=$RBD_CLOUD_DEV_DIR/.rbd-cloud-dev

# mode_of PATH: "UID OCTAL-MODE TYPE" of PATH itself (a link is not followed).
mode_of() {
  stat -c '%u %a %F' -- "$1"
}

# check_ancestors PATH: every existing directory above PATH (as written and as resolved) can only
# be changed by root or us: owned by one of them, and writable by others only with the sticky bit.
check_ancestors() {
  local p uid owner mode type
  uid=$(id -u)
  for p in "$(dirname -- "$1")" "$(realpath -m -- "$(dirname -- "$1")")"; do
    while :; do
      if [ -e "$p" ] || [ -L "$p" ]; then
        read -r owner mode type < <(mode_of "$p")
        if [ "$owner" != 0 ] && [ "$owner" != "$uid" ]; then
          die "refusing data directory $RBD_CLOUD_DEV_DIR: $p above it is owned by uid $owner, so that user could replace it"
        fi
        if [ "$type" = directory ] && (((8#$mode & 8#022) != 0 && (8#$mode & 8#1000) == 0)); then
          die "refusing data directory $RBD_CLOUD_DEV_DIR: $p above it is writable by others without the sticky bit (mode $mode)"
        fi
      fi
      [ "$p" != / ] && [ "$p" != . ] || break
      p=$(dirname -- "$p")
    done
  done
}

# dev_dir_check: refuse RBD_CLOUD_DEV_DIR unless it is absent, or a real directory owned by the
# running user and not group- or world-writable. Every command of the dev/ scripts runs it first.
dev_dir_check() {
  local d=$RBD_CLOUD_DEV_DIR owner mode type uid
  uid=$(id -u)
  [[ $d == /* ]] || die "RBD_CLOUD_DEV_DIR must be an absolute path, got '$d'"
  check_ancestors "$d"
  if [ -L "$d" ]; then
    die "refusing data directory $d: it is a symbolic link (to $(readlink -- "$d")); remove it, or set RBD_CLOUD_DEV_DIR to a directory of your own"
  fi
  [ -e "$d" ] || return 0
  read -r owner mode type < <(mode_of "$d")
  [ "$type" = directory ] || die "refusing data directory $d: it is a $type, not a directory"
  if [ "$owner" != "$uid" ]; then
    die "refusing data directory $d: it is owned by uid $owner ($(id -nu "$owner" 2>/dev/null || echo unknown)), not by $(id -un); someone else may have prepared it: remove it, or set RBD_CLOUD_DEV_DIR elsewhere"
  fi
  if (((8#$mode & 8#022) != 0)); then
    die "refusing data directory $d: it is group- or world-writable (mode $mode); if it is yours: chmod go-w $d"
  fi
}

# dev_dir_ready: dev_dir_check, then create the directory (0700) if missing and mark it as ours.
dev_dir_ready() {
  dev_dir_check
  if [ ! -e "$RBD_CLOUD_DEV_DIR" ]; then
    mkdir -p -- "$(dirname -- "$RBD_CLOUD_DEV_DIR")"
    # Not -p: if someone else made it meanwhile, mkdir fails and the check below judges theirs.
    mkdir -m 0700 -- "$RBD_CLOUD_DEV_DIR" 2>/dev/null || true
    dev_dir_check
    [ -d "$RBD_CLOUD_DEV_DIR" ] || die "cannot create data directory $RBD_CLOUD_DEV_DIR"
  fi
  if [ ! -f "$DEV_DIR_MARKER" ] || [ -L "$DEV_DIR_MARKER" ]; then
    printf 'rbd-cloud dev data directory: made or adopted by dev/ scripts; dev/env wipe removes only a directory carrying this file\n' |
      write_file 0644 "$DEV_DIR_MARKER"
  fi
}

# dev_dir_wipeable: for wipe. False when there is no directory (nothing to wipe); dies unless it
# passes dev_dir_check and carries the marker.
dev_dir_wipeable() {
  dev_dir_check
  [ -e "$RBD_CLOUD_DEV_DIR" ] || return 1
  if [ ! -f "$DEV_DIR_MARKER" ] || [ -L "$DEV_DIR_MARKER" ]; then
    die "refusing to wipe $RBD_CLOUD_DEV_DIR: it does not carry $(basename -- "$DEV_DIR_MARKER"), the marker these scripts write (run 'dev/env start' once to adopt a directory older scripts made, or remove it by hand)"
  fi
}

# refuse_link PATH: die when PATH is a symbolic link (someone planted it: never write through it).
refuse_link() {
  if [ -L "$1" ]; then
    die "refusing to write $1: it is a symbolic link (to $(readlink -- "$1")); remove it if you did not make it"
  fi
}

# write_file MODE FILE: stdin into FILE with MODE, never through a symbolic link: written to a new
# temporary file (mktemp: O_EXCL, 0600) in the same directory, then renamed over FILE.
write_file() {
  local mode=$1 file=$2 tmp
  refuse_link "$file"
  tmp=$(mktemp -- "$(dirname -- "$file")/.write.XXXXXX") || die "cannot write in $(dirname -- "$file")"
  if ! chmod "$mode" -- "$tmp" || ! cat >"$tmp" || ! mv -fT -- "$tmp" "$file"; then
    rm -f -- "$tmp"
    die "cannot write $file"
  fi
}

# dev_lock NAME TIMEOUT_S: hold $RBD_CLOUD_DEV_DIR/.NAME.lock on fd 9 (one start/stop/wipe of a
# part at a time). Opened for append (never truncates), and refused when it is, or was swapped
# for, a symbolic link.
dev_lock() {
  local file opened
  file=$(cd -P -- "$RBD_CLOUD_DEV_DIR" && pwd -P)/.$1.lock
  refuse_link "$file"
  exec 9>>"$file"
  opened=$(readlink "/proc/$$/fd/9")
  [ "$opened" = "$file" ] || die "refusing lock file $file: it led to $opened (a symbolic link was swapped in)"
  flock -w "$2" 9 || die "another $(basename "$0") holds $file"
}
