#!/usr/bin/env bash
# Prefills remoting's jar cache in a golden image you are building, so the first agents do not
# fetch the controller's jars over the channel (under TCG: 37 MB, about 15 s of guest CPU).
#
#   prefill-jar-cache.sh CACHE_DIR JAR...
#
# CACHE_DIR is the cache of the user that runs agent.jar, inside the image tree:
# <tree><home>/.jenkins/cache/jars (agent.jar's default in stdio and WebSocket mode). JARs are the
# controller's own: <war>/WEB-INF/lib/*.jar and $JENKINS_HOME/plugins/*/WEB-INF/lib/*.jar. remoting
# finds a jar by its SHA-256 (its Checksum: the four 64-bit words of the digest folded in two,
# the file named <first byte>/<the rest>.jar in hex), so a jar the controller does not have is
# never used, and one that changed (an upgrade) is fetched again. A promoted disk carries the
# cache its agents filled to the next ones; prefilling helps the first agents after an import.
# Run as the image's owner of CACHE_DIR, or chown the tree afterwards.
set -euo pipefail

[ $# -ge 1 ] || { echo "usage: $(basename "$0") CACHE_DIR JAR..." >&2; exit 2; }
cache=$1
shift

# cache_name SHA256HEX: remoting's file name for a jar with that SHA-256.
cache_name() {
  local h=$1 w0 w1 w2 w3 s1 s2
  w0=$((16#${h:0:16})) w1=$((16#${h:16:16})) w2=$((16#${h:32:16})) w3=$((16#${h:48:16}))
  s1=$(printf '%016X' $((w0 ^ w2)))
  s2=$(printf '%016X' $((w1 ^ w3)))
  echo "${s1:0:2}/${s1:2:14}${s2}.jar"
}

n=0
bytes=0
for jar in "$@"; do
  [ -f "$jar" ] || { echo "$(basename "$0"): not a file: $jar" >&2; exit 1; }
  # A jar is a zip: refuse anything else rather than cache garbage under a jar's name.
  [ "$(head -c 4 "$jar" | od -An -tx1 | tr -d ' \n')" = 504b0304 ] || {
    echo "$(basename "$0"): not a jar (no zip header): $jar" >&2
    exit 1
  }
  sum=$(sha256sum "$jar" | cut -c1-64)
  target=$cache/$(cache_name "$sum")
  [ -f "$target" ] && continue
  install -D -m 0644 "$jar" "$target"
  n=$((n + 1))
  bytes=$((bytes + $(stat -c %s "$jar")))
done
echo "prefilled $n jar(s), $((bytes / 1048576)) MiB, into $cache" >&2
