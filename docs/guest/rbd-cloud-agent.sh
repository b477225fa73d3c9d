#!/bin/sh
# Guest side of an rbd-cloud agent: starts the Jenkins agent process the way the template's
# launcher expects. Install in the golden image, run as root at boot (see guest-agent-script.md).
#   rbd-cloud-agent.sh channel   agent.jar speaks remoting on the virtio-serial port; no network needed
#   rbd-cloud-agent.sh inbound   agent.jar dials the controller over WebSocket
# POSIX sh (busybox ash, dash, bash). Needs: sh, env, mkfifo, dd, rm, sleep, kill, id, date, sed,
# head, cat, chmod, chown, cp, mkdir, runuser or su; for inbound also od, tail, tr (or dmidecode)
# and curl or wget.
set -u

PORT=/dev/virtio-ports/io.jenkins.rbd-cloud.agent.0
RUN_AS=${RBD_CLOUD_AGENT_USER:-jenkins}
WORKDIR=${RBD_CLOUD_AGENT_WORKDIR:-/var/lib/jenkins-agent}
JAVA=${RBD_CLOUD_JAVA:-java}
# JVM options for agent.jar (word-split). The default suits a small guest: C1 only, and only for
# methods 100 times hotter than usual (under emulation every compiled method is new code the CPU
# emulator must translate again: compiling what the start and the handshake run a few times cost
# more than interpreting it; hot loops of long builds are still compiled), the serial collector
# (one or two vCPUs), no perf data file (a write to the disk at every start that only JDK tools
# read), and options an older Java does not know are ignored.
JAVA_OPTS=${RBD_CLOUD_JAVA_OPTS:--XX:+IgnoreUnrecognizedVMOptions -XX:TieredStopAtLevel=1 -XX:CompileThresholdScaling=100 -XX:+UseSerialGC -XX:-UsePerfData}
AGENT_JAR=${RBD_CLOUD_AGENT_JAR:-/opt/jenkins/agent.jar}
# The channel launcher's own entry to agent.jar (RbdCloudChannelAgent.java, built beside it): where
# present it replaces `java -jar agent.jar` on the channel and saves Jenkins' stdout evacuation.
CHANNEL_JAR=${RBD_CLOUD_CHANNEL_JAR:-/opt/jenkins/rbd-cloud-channel-agent.jar}
# Its AOT cache (Java 24+), where the image has one: the classes of agent.jar and the entry mapped
# already parsed and linked instead of loaded at every start. A cache that does not match (another
# Java or agent.jar) is skipped by the JVM with a warning in the log.
CHANNEL_AOT=${RBD_CLOUD_CHANNEL_AOT:-${CHANNEL_JAR%.jar}.aot}
LOG=/var/log/rbd-cloud-agent.log
STATE=/run/rbd-cloud

log() {
  echo "$(date '+%F %T') rbd-cloud-agent: $*" >>"$LOG"
}

# oem KEY: the value of a KEY=VALUE SMBIOS OEM string (type 11) the controller set for this guest:
# from dmidecode, or, where there is none (busybox images), from the kernel's raw SMBIOS entries
# (/sys/firmware/dmi/entries/11-*/raw: a formatted area of the length in byte 1, then the
# strings, each ended by a NUL).
oem() {
  if command -v dmidecode >/dev/null 2>&1; then
    dmidecode -q -t 11 2>/dev/null | sed -n "s/^[[:space:]]*String [0-9]*: $1=//p" | head -n 1
    return
  fi
  for raw in /sys/firmware/dmi/entries/11-*/raw; do
    [ -r "$raw" ] || continue
    len=$(od -An -tu1 -j1 -N1 "$raw" | tr -d ' ')
    tail -c +$((len + 1)) "$raw" | tr '\000' '\n' | sed -n "s/^$1=//p" | head -n 1
  done | head -n 1
}

# fetch URL FILE: curl where there is one, else wget (busybox has it).
fetch() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsS --retry 5 -o "$2" "$1"
  else
    n=0
    until wget -q -O "$2" "$1"; do
      n=$((n + 1))
      [ $n -lt 5 ] || return 1
      sleep 2
    done
  fi
}

# Secret launch values (the template's env): KEY=VALUE lines the controller writes through
# qemu-guest-agent into $STATE/env (root only, 0600) before the agent counts as ready. Exported
# line by line, never sourced: a value is data, not shell code.
load_env() {
  [ -r "$STATE/env" ] || return 0
  while IFS= read -r line; do
    case "$line" in [A-Za-z_]*=*) export "$line" ;; esac
  done <"$STATE/env"
}

# run_agent CMD...: CMD as $RUN_AS, in this process (exec), with this PATH (su and runuser reset
# it). runuser where there is one (util-linux), else su, which busybox and every other system has
# (busybox su needs the -- before the user).
run_agent() {
  if [ "$(id -u)" -ne 0 ] || [ "$RUN_AS" = root ]; then
    exec "$@"
  elif command -v runuser >/dev/null 2>&1; then
    exec runuser -u "$RUN_AS" -- env "PATH=$PATH" "$@"
  else
    exec su -s /bin/sh -c 'exec "$0" "$@"' -- "$RUN_AS" env "PATH=$PATH" "$@"
  fi
}

# uptime_cs: seconds since boot in hundredths (no date +%N in busybox).
uptime_cs() {
  read -r up _ </proc/uptime
  echo "${up%.*}${up#*.}"
}

# The virtio-serial port, as the guest sees it:
#   - it can be open only once in the guest, so this script opens it (read-write, fd 3) for its
#     whole life and hands it on;
#   - while no host client (the controller) is attached, read() returns end-of-file at once and
#     write() blocks until a client attaches;
#   - when the client detaches, a blocked read() returns end-of-file.
# Java cannot use the port as stdin: remoting calls available() on it, which fails (no FIONREAD:
# "java.io.IOException: Illegal seek"), and an end-of-file on stdin would end agent.jar anyway.
# So agent.jar writes to the port directly (stdout) and reads a FIFO that pump() fills from the
# port, hiding the end-of-files.
#
# One agent.jar serves one controller session. It starts before any controller is there; its
# greeting (remoting's capability and mode preambles) waits in the blocked write and reaches the
# controller that attaches. When that controller detaches, pump() ends agent.jar and a fresh one
# waits for the next controller (after a controller restart, or a re-launch of the node), so a
# controller never negotiates with an agent.jar that already talked to another one. Remoting
# skips anything before the other side's preamble, in both directions: leftovers of an old
# session are harmless, a whole stale greeting would not be, and none is ever written.
# agent.jar exiting on its own (a crash, or the controller ending the channel) starts a fresh one.
# The guest cannot see a controller that attaches and leaves without sending a byte within 2 s
# (see "Channel launcher" in guest-agent-script.md).

# pump FIFO AGENT_PID: copies the port into FIFO until the controller that talked to the agent
# detaches, then ends the agent. The FIFO is held open read-write, so agent.jar never sees its end
# and a write to it never fails; a fresh FIFO per agent.jar drops what the last one left unread.
pump() {
  copier=
  trap 'kill "$copier" 2>/dev/null; exit 0' TERM
  exec 4<>"$1"
  while :; do
    started=$(uptime_cs)
    dd bs=65536 <&3 >&4 2>"$STATE/pump.dd" &
    copier=$!
    wait "$copier"
    # dd ends at end-of-file: no controller attached now. It had one if bytes came (records in is
    # not 0+0) or if the read blocked (end-of-file without a client comes at once).
    read -r records _ <"$STATE/pump.dd" || records=
    if [ "$records" != 0+0 ] || [ $(($(uptime_cs) - started)) -ge 200 ]; then
      log "controller detached: ending agent.jar (pid $2)"
      kill "$2" 2>/dev/null
      exit 0
    fi
    sleep 0.2
  done
}

channel() {
  until [ -c "$PORT" ]; do sleep 1; done
  exec 3<>"$PORT"
  while :; do
    load_env
    fifo=$STATE/agent.in
    rm -f "$fifo"
    mkfifo -m 0600 "$fifo" || exit 1
    # The FIFO is opened here, as root, before the user switch: the agent's user needs no access.
    if [ -r "$CHANNEL_JAR" ]; then
      set -- -cp "$AGENT_JAR:$CHANNEL_JAR" RbdCloudChannelAgent
      [ ! -r "$CHANNEL_AOT" ] || set -- "-XX:AOTCache=$CHANNEL_AOT" "$@"
    else
      set -- -jar "$AGENT_JAR" -workDir "$WORKDIR"
    fi
    # shellcheck disable=SC2086 # JAVA_OPTS is a list of words
    (run_agent "$JAVA" $JAVA_OPTS "$@") <"$fifo" >&3 3>&- 2>>"$LOG" &
    agent=$!
    pump "$fifo" "$agent" &
    pumper=$!
    wait "$agent"
    log "agent.jar exited with status $?"
    kill "$pumper" 2>/dev/null
    wait "$pumper"
    sleep 1
  done
}

inbound() {
  url=$(oem JENKINS_URL)
  name=$(oem RBD_CLOUD_AGENT_NAME)
  if [ -z "$url" ] || [ -z "$name" ]; then
    log "no JENKINS_URL or RBD_CLOUD_AGENT_NAME in SMBIOS"
    exit 1
  fi
  # The controller writes the secret through qemu-guest-agent once the node exists; it never
  # travels through SMBIOS (libvirt logs QEMU's command line) or a metadata service.
  until [ -s "$STATE/agent-secret" ]; do sleep 1; done
  # $STATE is root's (0700): the agent's user gets its own copy in a directory only it can enter.
  userdir=/run/rbd-cloud-agent
  mkdir -p "$userdir"
  chown "$RUN_AS" "$userdir"
  chmod 0700 "$userdir"
  cp "$STATE/agent-secret" "$userdir/secret"
  chown "$RUN_AS" "$userdir/secret"
  chmod 0400 "$userdir/secret"
  load_env
  # agent.jar from the controller itself, so its version always matches.
  fetch "${url%/}/jnlpJars/agent.jar" "$userdir/agent.jar" || { log "cannot download agent.jar from $url"; exit 1; }
  # agent.jar retries a lost connection itself; it exits when it gives up or is told to.
  while :; do
    log "inbound agent $name dialing $url"
    # shellcheck disable=SC2086 # JAVA_OPTS is a list of words
    (run_agent "$JAVA" $JAVA_OPTS -jar "$userdir/agent.jar" -url "$url" -name "$name" \
      -secret @"$userdir/secret" -webSocket -workDir "$WORKDIR") 2>>"$LOG"
    log "agent.jar exited with status $?"
    sleep 2
  done
}

mkdir -p "$STATE" && chmod 0700 "$STATE"
case ${1:-channel} in
  channel) channel ;;
  inbound) inbound ;;
  *) echo "usage: $0 channel|inbound" >&2; exit 2 ;;
esac
