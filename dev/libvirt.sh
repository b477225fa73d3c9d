#!/usr/bin/env bash
# dev/libvirt.sh start|status|stop|wipe|env — a private libvirtd + virtlogd for development and ITs.
#
# No systemd here, so both daemons are started by hand. Everything they own lives under
# $RBD_CLOUD_DEV_DIR/libvirt:
#   etc/   libvirtd.conf, virtlogd.conf, qemu.conf, and (if anyone defines persistent domains or
#          secrets) their XML — this directory is what the daemons see as /etc/libvirt
#   run/   sockets (libvirt-sock, virtlogd-sock, ...), pid files, QEMU status XML — seen as
#          /run/libvirt
#   log/   libvirtd.log, virtlogd.log and qemu/<domain>.log — seen as /var/log/libvirt
#
# Why a mount namespace: a root virtlogd always listens on /run/libvirt/virtlogd-sock and the QEMU
# driver always connects there (the path is compiled in; neither virtlogd.conf nor qemu.conf can
# move it), and a root libvirtd always reads /etc/libvirt/qemu.conf and keeps QEMU state in
# /run/libvirt/qemu. So each daemon is started in its own mount namespace (unshare) in which our
# directories are bind-mounted over those three system paths. Clients outside connect through
# $DIR/libvirt/run/libvirt-sock (see `env`); a system libvirtd, if one ever runs, is not touched
# and does not collide with ours. /var/lib/libvirt (channel sockets, per-domain monitor dirs)
# and /var/cache/libvirt stay the system ones, so paths that show up in live domain XML are
# valid for every process.
#
# Listening: UNIX sockets only (no --listen, so no TCP/TLS at all; listen_addr is loopback in
# case someone adds it). Socket permissions 0700/0700, root only.
#
# stop: stops both daemons and destroys nothing. Running guests (QEMU) keep running; a restarted
#       libvirtd picks them up again from run/qemu/*.xml. Their serial/stdout logs stop while
#       virtlogd is down (QEMU writes into a closed pipe), and anything written meanwhile is lost.
# wipe: destroys every domain this libvirtd runs (otherwise QEMU processes would leak with no
#       daemon that knows them), stops both daemons and removes $DIR/libvirt.
source "$(dirname "$0")/lib.sh"

LV_DIR=$RBD_CLOUD_DEV_DIR/libvirt
LV_ETC=$LV_DIR/etc
LV_RUN=$LV_DIR/run
LV_LOG=$LV_DIR/log
LIBVIRTD_PID=$LV_RUN/libvirtd.pid
VIRTLOGD_PID=$LV_RUN/virtlogd.pid
LV_SOCK=$LV_RUN/libvirt-sock
LV_URI="qemu:///system?socket=$LV_SOCK"

# own_daemon_alive PIDFILE NAME: the pid file names a live process that is really NAME (guards
# against a recycled PID after a crash).
own_daemon_alive() {
  pid_alive "$1" && [ "$(cat "/proc/$(cat "$1")/comm" 2>/dev/null)" = "$2" ]
}

daemon_answers() {
  virsh -q -c "$LV_URI" version >/dev/null 2>&1
}

write_configs() {
  mkdir -p "$LV_ETC" "$LV_RUN" "$LV_LOG/qemu"
  chmod 0755 "$LV_DIR" "$LV_RUN"
  write_file 0644 "$LV_ETC/libvirtd.conf" <<EOF
# Written by dev/libvirt.sh — rewritten on every start.
unix_sock_dir = "$LV_RUN"
unix_sock_ro_perms = "0700"
unix_sock_rw_perms = "0700"
unix_sock_admin_perms = "0700"
auth_unix_ro = "none"
auth_unix_rw = "none"
# Only honoured with --listen, which we never pass; kept explicit as documentation.
listen_tls = 0
listen_tcp = 0
listen_addr = "127.0.0.1"
# The DMI/udev probe fails in this VM; the machine id is a stable host UUID.
host_uuid_source = "machine-id"
log_outputs = "3:file:$LV_LOG/libvirtd.log"
EOF
  write_file 0644 "$LV_ETC/virtlogd.conf" <<EOF
# Written by dev/libvirt.sh. The socket is fixed at /run/libvirt/virtlogd-sock, which the
# private mount namespace maps to $LV_RUN/virtlogd-sock.
log_outputs = "3:file:$LV_LOG/virtlogd.log"
max_size = 2097152
max_backups = 2
EOF
  write_file 0644 "$LV_ETC/qemu.conf" <<'EOF'
# Written by dev/libvirt.sh. QEMU's stdout/stderr, <serial type='file'> and <log file=...> go
# through virtlogd (the default, stated here because the rest of the dev setup relies on it).
stdio_handler = "logd"
EOF
}

# in_private_ns CMD...: run CMD in a new mount namespace where our etc/run/log directories are
# bind-mounted over /etc/libvirt, /run/libvirt and /var/log/libvirt.
in_private_ns() {
  mkdir -p /etc/libvirt /run/libvirt /var/log/libvirt
  # 9>&-: the daemons must not inherit (and so hold) our lock.
  unshare --mount --propagation private -- /bin/sh -ec '
    mount --bind "$1" /etc/libvirt
    mount --bind "$2" /run/libvirt
    mount --bind "$3" /var/log/libvirt
    shift 3
    exec "$@"' in_private_ns "$LV_ETC" "$LV_RUN" "$LV_LOG" "$@" 9>&-
}

report_foreign_daemons() {
  local pid comm
  for pid in $(pgrep -x libvirtd; pgrep -x virtlogd; pgrep -x virtqemud); do
    comm=$(cat "/proc/$pid/comm" 2>/dev/null || true)
    if [ "$pid" != "$(cat "$LIBVIRTD_PID" 2>/dev/null)" ] && [ "$pid" != "$(cat "$VIRTLOGD_PID" 2>/dev/null)" ]; then
      log "note: $comm pid $pid is not ours (left alone)"
    fi
  done
}

cmd_start() {
  need_cmd libvirtd libvirt-daemon
  need_cmd virtlogd libvirt-daemon
  need_cmd virsh libvirt-clients
  need_cmd unshare util-linux
  need_file /usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_qemu.so libvirt-daemon-driver-qemu
  if own_daemon_alive "$VIRTLOGD_PID" virtlogd && own_daemon_alive "$LIBVIRTD_PID" libvirtd && daemon_answers; then
    log "libvirtd already running (pid $(cat "$LIBVIRTD_PID")), $LV_URI"
    cmd_env
    return 0
  fi
  report_foreign_daemons
  write_configs
  if ! own_daemon_alive "$VIRTLOGD_PID" virtlogd; then
    rm -f "$VIRTLOGD_PID" "$LV_RUN/virtlogd-sock" "$LV_RUN/virtlogd-admin-sock"
    in_private_ns virtlogd -d -f "$LV_ETC/virtlogd.conf" -p "$VIRTLOGD_PID"
    wait_for 10 "virtlogd socket" test -S "$LV_RUN/virtlogd-sock"
    log "virtlogd started (pid $(cat "$VIRTLOGD_PID"))"
  fi
  if ! own_daemon_alive "$LIBVIRTD_PID" libvirtd; then
    rm -f "$LIBVIRTD_PID" "$LV_SOCK" "$LV_RUN/libvirt-sock-ro" "$LV_RUN/libvirt-admin-sock"
    # -d returns once the daemon reports it has initialised (or failed).
    in_private_ns libvirtd -d -f "$LV_ETC/libvirtd.conf" -p "$LIBVIRTD_PID" ||
      die "libvirtd failed to start; see $LV_LOG/libvirtd.log"
  fi
  wait_for 30 "libvirtd to answer on $LV_SOCK" daemon_answers
  log "libvirtd running (pid $(cat "$LIBVIRTD_PID")), $LV_URI"
  cmd_env
}

# status: one summary line (the last line is what dev/env shows).
cmd_status() {
  local logd=stopped lvd="not answering" domains
  own_daemon_alive "$VIRTLOGD_PID" virtlogd && logd="pid $(cat "$VIRTLOGD_PID")"
  if own_daemon_alive "$LIBVIRTD_PID" libvirtd && daemon_answers; then
    domains=$(virsh -q -c "$LV_URI" list --all --name | grep -c . || true)
    echo "libvirt: running (libvirtd pid $(cat "$LIBVIRTD_PID"), virtlogd $logd, $domains domains, logs in $LV_LOG) $LV_URI"
    [ "$logd" != stopped ]
  else
    own_daemon_alive "$LIBVIRTD_PID" libvirtd && lvd="pid $(cat "$LIBVIRTD_PID") not answering"
    echo "libvirt: DOWN (libvirtd $lvd, virtlogd $logd)"
    return 1
  fi
}

# stop_own PIDFILE NAME TIMEOUT: stop the daemon only if the pid file still names it.
stop_own() {
  if own_daemon_alive "$1" "$2"; then
    stop_pid "$@"
  else
    rm -f "$1"
  fi
}

cmd_stop() {
  stop_own "$LIBVIRTD_PID" libvirtd 30
  stop_own "$VIRTLOGD_PID" virtlogd 10
}

cmd_wipe() {
  local dom
  if own_daemon_alive "$LIBVIRTD_PID" libvirtd && daemon_answers; then
    for dom in $(virsh -q -c "$LV_URI" list --name); do
      log "destroying domain $dom"
      virsh -q -c "$LV_URI" destroy "$dom" >/dev/null || true
    done
  fi
  cmd_stop
  rm -rf "$LV_DIR"
  log "removed $LV_DIR"
}

cmd_env() {
  env_line RBD_CLOUD_LIBVIRT_URI "$LV_URI"
}

dev_dir_check
case "${1:-}" in start | stop | wipe)
  # One caller at a time: parallel starts would remove each other's fresh sockets.
  need_cmd flock util-linux
  if [ "$1" = wipe ]; then
    dev_dir_wipeable || { log "nothing to wipe, $RBD_CLOUD_DEV_DIR does not exist"; exit 0; }
  else
    dev_dir_ready
  fi
  dev_lock libvirt 120
  ;;
esac

case "${1:-}" in
  start) cmd_start ;;
  status) cmd_status ;;
  stop) cmd_stop ;;
  wipe) cmd_wipe ;;
  env) cmd_env ;;
  *) echo "usage: $0 start|status|stop|wipe|env" >&2; exit 2 ;;
esac
