#!/usr/bin/env bash
# dev/guest-smoke.sh [file|rbd] [--watchdog] — boot the test guest once under the dev libvirtd and
# check what the ITs rely on; prints timings.
#
#   file  boots from a sparse copy of the raw image (needs dev/libvirt.sh and dev/guest-image.sh)
#   rbd   boots from an RBD clone, as the engine does: rbd import into the images pool,
#         snapshot v1, clone into the agents pool, network disk authenticated as the hypervisor
#         user through an ephemeral private libvirt secret. Needs the dev Ceph cluster running;
#         this script never starts or stops it.
#   --watchdog  also stops the guest's watchdog feeder and waits for libvirt's watchdog event
#               (30 s with the i6300esb default; EXTRA_CMDLINE=i6300esb.heartbeat=10 shortens it)
# EXTRA_CMDLINE is appended to the guest's kernel command line.
#
# Checks: READY on the serial console, guest-ping, guest-exec with captured output (fstrim -v /),
# the echo service on io.jenkins.rbd-cloud.agent.0 through the channel's UNIX socket.
# Everything created (domain, secret, images, work dir) is removed on exit, also on failure.
source "$(dirname "$0")/lib.sh"
dev_dir_check # its work dir (with the Ceph key in secret.xml) goes under the data directory

MODE=${1:-file}
WATCHDOG=${2:-}
case $MODE in file | rbd) ;; *) die "usage: $0 [file|rbd] [--watchdog]" ;; esac
case $WATCHDOG in '' | --watchdog) ;; *) die "usage: $0 [file|rbd] [--watchdog]" ;; esac
need_cmd jq jq
need_cmd /usr/bin/python3 python3
eval "$("$DEV_SCRIPTS/libvirt.sh" env)"
eval "$("$DEV_SCRIPTS/guest-image.sh" env)"
[ -f "$RBD_CLOUD_GUEST_IMAGE" ] || die "no guest image: run dev/guest-image.sh start"

CEPH_CONF=${RBD_CLOUD_CEPH_CONF:-$RBD_CLOUD_DEV_DIR/ceph/ceph.conf}
HV_USER=${RBD_CLOUD_CEPH_HV_USER:-rbd-cloud-hv}
HV_KEY_FILE=${RBD_CLOUD_CEPH_HV_KEY_FILE:-$RBD_CLOUD_DEV_DIR/ceph/client.$HV_USER.key}
IMAGES_POOL=${RBD_CLOUD_IMAGES_POOL:-images}
AGENTS_POOL=${RBD_CLOUD_AGENTS_POOL:-agents}
ECHO_PORT=io.jenkins.rbd-cloud.agent.0
TIMEOUT=60

NAME=smoke-$MODE-$(tr -dc a-z0-9 </dev/urandom | head -c 6 || true)
WORK=$RBD_CLOUD_DEV_DIR/smoke/$NAME
CONSOLE=$WORK/console.log
GOLDEN=$IMAGES_POOL/$NAME
CLONE=$AGENTS_POOL/$NAME
SECRET_UUID=
EVENTS_PID=
T0=

lv() { virsh -q -c "$RBD_CLOUD_LIBVIRT_URI" "$@"; }
rbd_() { rbd -c "$CEPH_CONF" "$@"; }
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }'; }
ga() { lv qemu-agent-command "$NAME" "$1"; }

xml_escape() {
  local s=${1//&/&amp;}
  s=${s//</&lt;}
  s=${s//>/&gt;}
  s=${s//\'/&apos;}
  printf '%s' "${s//\"/&quot;}"
}

cleanup() {
  set +e
  [ -n "$EVENTS_PID" ] && kill "$EVENTS_PID" 2>/dev/null
  lv domstate "$NAME" >/dev/null 2>&1 && lv destroy "$NAME" >/dev/null
  [ -n "$SECRET_UUID" ] && lv secret-undefine "$SECRET_UUID" >/dev/null
  if [ "$MODE" = rbd ]; then
    rbd_ rm --no-progress "$CLONE" 2>/dev/null
    rbd_ snap unprotect "$GOLDEN@v1" 2>/dev/null
    rbd_ snap rm --no-progress "$GOLDEN@v1" 2>/dev/null
    rbd_ rm --no-progress "$GOLDEN" 2>/dev/null
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# render_domain DISK_XML: example-domain.xml.in with the placeholders filled in and its disk
# element replaced by DISK_XML.
render_domain() {
  local disk=$1 line skipping=
  local -A values=(
    [NAME]=$NAME [KERNEL]=$RBD_CLOUD_GUEST_KERNEL [INITRD]=$RBD_CLOUD_GUEST_INITRD
    [CMDLINE]="$RBD_CLOUD_GUEST_CMDLINE${EXTRA_CMDLINE:+ $EXTRA_CMDLINE}" [CONSOLE_LOG]=$CONSOLE
  )
  while IFS= read -r line; do
    if [[ $line == *"<disk type='network'"* ]]; then
      skipping=1
      printf '%s\n' "$disk"
      continue
    fi
    if [ -n "$skipping" ]; then
      [[ $line == *"</disk>"* ]] && skipping=
      continue
    fi
    for key in "${!values[@]}"; do
      line=${line//@$key@/$(xml_escape "${values[$key]}")}
    done
    printf '%s\n' "$line"
  done <"$DEV_SCRIPTS/guest/example-domain.xml.in"
}

file_disk() {
  cp --sparse=always "$RBD_CLOUD_GUEST_IMAGE" "$WORK/disk.raw"
  cat <<EOF
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw' cache='writeback' discard='unmap'/>
      <source file='$(xml_escape "$WORK/disk.raw")'/>
      <target dev='sda' bus='scsi'/>
    </disk>
EOF
}

rbd_disk() {
  local t
  [ -f "$CEPH_CONF" ] || die "no $CEPH_CONF: the dev Ceph cluster is not set up (dev/ceph.sh start)"
  ceph -c "$CEPH_CONF" --connect-timeout 5 health >/dev/null 2>&1 || die "Ceph does not answer (dev/ceph.sh start)"
  [ -r "$HV_KEY_FILE" ] || die "no key file $HV_KEY_FILE for client.$HV_USER"
  t=$EPOCHREALTIME
  rbd_ import --no-progress "$RBD_CLOUD_GUEST_IMAGE" "$GOLDEN" >&2
  log "rbd import: $(since "$t") s"
  t=$EPOCHREALTIME
  rbd_ snap create --no-progress "$GOLDEN@v1" >&2
  rbd_ snap protect "$GOLDEN@v1" >&2
  rbd_ clone "$GOLDEN@v1" "$CLONE" >&2
  log "snapshot + protect + clone: $(since "$t") s"
  # The key goes to libvirt from its file, never on a command line. Ephemeral: kept in memory
  # only; private: no API call reads it back.
  SECRET_UUID=$(cat /proc/sys/kernel/random/uuid)
  cat >"$WORK/secret.xml" <<EOF
<secret ephemeral='yes' private='yes'>
  <uuid>$SECRET_UUID</uuid>
  <usage type='ceph'><name>client.$HV_USER $NAME</name></usage>
</secret>
EOF
  lv secret-define "$WORK/secret.xml" >/dev/null
  lv secret-set-value --secret "$SECRET_UUID" --file "$HV_KEY_FILE" >/dev/null
  ! lv secret-get-value "$SECRET_UUID" >/dev/null 2>&1 || die "secret $SECRET_UUID is readable, expected private"
  cat <<EOF
    <disk type='network' device='disk'>
      <driver name='qemu' type='raw' cache='writeback' discard='unmap'/>
      <auth username='$(xml_escape "$HV_USER")'>
        <secret type='ceph' uuid='$SECRET_UUID'/>
      </auth>
      <source protocol='rbd' name='$(xml_escape "$CLONE")'>
        <host name='${RBD_CLOUD_CEPH_MON_HOST:-127.0.0.1}' port='${RBD_CLOUD_CEPH_MON_PORT:-6789}'/>
      </source>
      <target dev='sda' bus='scsi'/>
    </disk>
EOF
}

# boot: create the domain, report when READY appears and when guest-ping first answers.
boot() {
  local ready='' ping='' deadline
  T0=$EPOCHREALTIME
  lv create "$WORK/domain.xml" >/dev/null
  log "virsh create returned after $(since "$T0") s"
  deadline=$((SECONDS + TIMEOUT))
  while [ -z "$ready" ] || [ -z "$ping" ]; do
    if [ -z "$ready" ] && grep -q '^READY' "$CONSOLE" 2>/dev/null; then
      ready=$(since "$T0")
      log "READY on the console after $ready s"
    fi
    grep -q '^FAILED' "$CONSOLE" 2>/dev/null && die "guest reported: $(cat "$CONSOLE")"
    if [ -z "$ping" ] && ga '{"execute":"guest-ping"}' >/dev/null 2>&1; then
      ping=$(since "$T0")
      log "guest-ping answered after $ping s"
    fi
    [ $SECONDS -lt $deadline ] || die "guest not ready after ${TIMEOUT}s; console: $(tail -n 20 "$CONSOLE" 2>/dev/null)"
    sleep 0.1
  done
}

# guest_exec PATH ARG...: run a command through qemu-ga, print its stdout, fail on non-zero exit.
guest_exec() {
  local path=$1 args pid status i
  shift
  args=$(printf '%s\n' "$@" | jq -R . | jq -sc .)
  pid=$(ga "{\"execute\":\"guest-exec\",\"arguments\":{\"path\":$(jq -Rn --arg p "$path" '$p'),\"arg\":$args,\"capture-output\":true}}" | jq .return.pid)
  for ((i = 0; i < 100; i++)); do
    status=$(ga "{\"execute\":\"guest-exec-status\",\"arguments\":{\"pid\":$pid}}")
    [ "$(jq .return.exited <<<"$status")" = true ] && break
    sleep 0.1
  done
  jq -r '.return["out-data"] // empty' <<<"$status" | base64 -d
  [ "$(jq .return.exitcode <<<"$status")" = 0 ] || die "guest-exec $path $*: $status"
}

# check_echo: a line sent on the channel's UNIX socket comes back. The first line is a sync token
# (bytes left over from an earlier client would come before it).
check_echo() {
  local sock
  sock=$(lv dumpxml "$NAME" | grep -B1 "name='$ECHO_PORT'" | sed -n "s/.*<source mode='bind' path='\([^']*\)'.*/\1/p")
  [ -S "$sock" ] || die "no UNIX socket for $ECHO_PORT in the live XML"
  /usr/bin/python3 - "$sock" <<'EOF' || die "echo on $ECHO_PORT failed"
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.settimeout(10)
for line in (b"sync-%d\n" % time.time_ns(), b"hello from the host\n"):
    started = time.monotonic()
    s.sendall(line)
    got = b""
    while not got.endswith(line):
        got += s.recv(4096)
    print("echo %r in %.0f ms" % (line.strip().decode(), (time.monotonic() - started) * 1000), file=sys.stderr)
EOF
}

check_watchdog() {
  local events=$WORK/events t
  lv event --domain "$NAME" --event watchdog --timeout 120 >"$events" 2>&1 &
  EVENTS_PID=$!
  sleep 0.5
  t=$EPOCHREALTIME
  guest_exec /bin/touch /run/stop-watchdog
  while ! grep -q "event 'watchdog'" "$events"; do
    [ "$(since "$t" | cut -d. -f1)" -lt 120 ] || die "no watchdog event within 120 s"
    sleep 0.2
  done
  log "watchdog event $(grep -o "event 'watchdog'.*" "$events") after $(since "$t") s"
}

mkdir -p "$WORK"
chmod 0755 "$RBD_CLOUD_DEV_DIR/smoke" "$WORK"
"${MODE}_disk" >"$WORK/disk.xml"
render_domain "$(cat "$WORK/disk.xml")" >"$WORK/domain.xml"
log "booting $NAME from $([ "$MODE" = rbd ] && echo "RBD clone $CLONE" || echo "a copy of $RBD_CLOUD_GUEST_IMAGE")"
boot
# On a clone, trimming blocks that come from the parent makes librbd write placeholder objects:
# usage grows (see environment notes). Shown here so nobody mistakes it for a leak.
[ "$MODE" = rbd ] && log "rbd du before fstrim: $(rbd_ du "$CLONE" 2>/dev/null | tail -n1)"
log "guest-exec fstrim -v /: $(guest_exec /sbin/fstrim -v /)"
[ "$MODE" = rbd ] && log "rbd du after fstrim:  $(rbd_ du "$CLONE" 2>/dev/null | tail -n1)"
check_echo
[ -n "$WATCHDOG" ] && check_watchdog
log "OK ($MODE)"
