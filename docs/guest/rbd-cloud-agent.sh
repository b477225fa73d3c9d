#!/bin/sh
# Guest side of an rbd-cloud agent: starts the Jenkins agent process the way the template's
# launcher expects. Install in the golden image, run as root at boot (see guest-agent-script.md).
#   rbd-cloud-agent.sh channel   agent.jar speaks remoting on the virtio-serial port; no network needed
#   rbd-cloud-agent.sh inbound   agent.jar dials the controller over WebSocket
set -u

PORT=/dev/virtio-ports/io.jenkins.rbd-cloud.agent.0
RUN_AS=${RBD_CLOUD_AGENT_USER:-jenkins}
WORKDIR=${RBD_CLOUD_AGENT_WORKDIR:-/var/lib/jenkins-agent}
JAVA=${RBD_CLOUD_JAVA:-java}
AGENT_JAR=${RBD_CLOUD_AGENT_JAR:-/opt/jenkins/agent.jar}
LOG=/var/log/rbd-cloud-agent.log
STATE=/run/rbd-cloud

# oem KEY: the value of a KEY=VALUE SMBIOS OEM string (type 11) the controller set for this guest.
oem() {
  dmidecode -q -t 11 2>/dev/null | sed -n "s/^[[:space:]]*String [0-9]*: $1=//p" | head -n 1
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

run_agent() {
  if [ "$(id -u)" -eq 0 ] && [ "$RUN_AS" != root ]; then
    runuser -u "$RUN_AS" -- "$@"
  else
    "$@"
  fi
}

channel() {
  # While the controller is not attached, reads on the port return EOF at once: agent.jar exits
  # and is started again. Bytes written before the controller attached are skipped by remoting,
  # which waits for its capability preamble.
  while :; do
    if [ -c "$PORT" ]; then
      load_env
      # One read-write open of the port serves as stdin and stdout.
      run_agent "$JAVA" -jar "$AGENT_JAR" -workDir "$WORKDIR" 0<>"$PORT" 1>&0 2>>"$LOG"
    fi
    sleep 1
  done
}

inbound() {
  url=$(oem JENKINS_URL)
  name=$(oem RBD_CLOUD_AGENT_NAME)
  if [ -z "$url" ] || [ -z "$name" ]; then
    echo "no JENKINS_URL or RBD_CLOUD_AGENT_NAME in SMBIOS" >>"$LOG"
    exit 1
  fi
  # The controller writes the secret through qemu-guest-agent once the node exists; it never
  # travels through SMBIOS (libvirt logs QEMU's command line) or a metadata service.
  until [ -s "$STATE/agent-secret" ]; do sleep 1; done
  install -m 0400 -o "$RUN_AS" "$STATE/agent-secret" "$STATE/agent-secret.user"
  load_env
  # agent.jar from the controller itself, so its version always matches.
  curl -fsS --retry 5 -o "$STATE/agent.jar" "${url%/}/jnlpJars/agent.jar" || exit 1
  run_agent "$JAVA" -jar "$STATE/agent.jar" -url "$url" -name "$name" \
    -secret @"$STATE/agent-secret.user" -webSocket -workDir "$WORKDIR" 2>>"$LOG"
}

mkdir -p "$STATE" && chmod 0700 "$STATE"
case ${1:-channel} in
  channel) channel ;;
  inbound) inbound ;;
  *) echo "usage: $0 channel|inbound" >&2; exit 2 ;;
esac
