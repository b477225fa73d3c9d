#!/usr/bin/env bash
# dev/guest-image.sh start|status|stop|wipe|env — the small test guest the ITs boot.
# dev/guest-image.sh agent-image [--prefill-jars LIST] [--stock-channel] AGENT_JAR OUT.raw [SIZE]
#                    — the same guest with AGENT_JAR baked in at /opt/jenkins/agent.jar (and the
#                    jars LIST names in its remoting jar cache, and the channel launcher's entry
#                    rbd-cloud-channel-agent.jar unless --stock-channel), SIZE (default 2G)
#                    sparse: a golden image a real Jenkins agent runs in (boot it with rbd_cloud.agent=channel on the kernel
#                    command line). Prints OUT.raw.
#
# Built in seconds from installed Debian packages only (busybox-static, linux-image-amd64,
# qemu-guest-agent) and the JDK dev/find-jdk finds, without loop mounts, into
# $RBD_CLOUD_DEV_DIR/guest:
#   vmlinux             the installed kernel, decompressed to plain ELF: QEMU boots it through
#                       its PVH entry, which skips the 4-5 s self-decompression under TCG
#   initrd.img          busybox + the modules of dev/guest/modules (and their dependencies),
#                       /init = dev/guest/initrd-init
#   rbd-cloud-test.raw  sparse raw disk, one ext4 filesystem (label rbd-cloud-root, no
#                       partition table) holding busybox, qemu-ga and its libraries,
#                       /sbin/init = dev/guest/init, a Java runtime in /opt/java, the user
#                       jenkins and docs/guest/rbd-cloud-agent.sh; no agent.jar (it is not on
#                       Maven Central: agent-image adds the one a controller serves)
# The guest-side scripts in dev/guest/ say what the guest does.
#
# start: builds when an output is missing or an input changed (a hash of this script,
#        dev/guest/*, the agent script, the JDK's release file, and the kernel, busybox and
#        qemu-ga files used); stop: nothing to stop;
# wipe:  removes $RBD_CLOUD_DEV_DIR/guest; env: paths and kernel command line.
source "$(dirname "$0")/lib.sh"

GUEST_DIR=$RBD_CLOUD_DEV_DIR/guest
GUEST_SRC=$DEV_SCRIPTS/guest
IMAGE=$GUEST_DIR/rbd-cloud-test.raw
KERNEL=$GUEST_DIR/vmlinux
INITRD=$GUEST_DIR/initrd.img
STAMP=$GUEST_DIR/inputs.sha256
IMAGE_SIZE=256M
ROOT_LABEL=rbd-cloud-root
# console on the first serial port; the rest trims boot time under TCG (no PS/2 probing, no
# crypto self-tests, no timer/TSC calibration checks, no speculation mitigations).
CMDLINE="root=LABEL=$ROOT_LABEL console=ttyS0 panic=-1 quiet i8042.noaux i8042.nokbd i8042.nopnp cryptomgr.notests no_timer_check tsc=reliable mitigations=off"
# The files dev/guest/ contributes to the build (example-domain.xml.in is documentation only).
GUEST_FILES=(initrd-init init modules rbd-cloud-echo rbd-cloud-watchdog shutdown nohup udhcpc-script)
AGENT_SCRIPT=$REPO_ROOT/docs/guest/rbd-cloud-agent.sh
# The guest's Java runtime: jlink of the modules agent.jar needs (jdeps: java.base, java.logging,
# java.xml) plus a small margin for code the controller sends (java.management, java.naming,
# jdk.unsupported); with a CDS archive (class data shared instead of parsed at every JVM start;
# its gain under TCG is not measured). About 60 MB; cached per JDK release in $JRE_CACHE.
JRE_MODULES=java.base,java.logging,java.xml,java.management,java.naming,jdk.unsupported
JLINK_OPTIONS=(--strip-debug --no-man-pages --no-header-files --compress zip-6 --generate-cds-archive)
JRE_CACHE=$GUEST_DIR/jre
AGENT_IMAGE_SIZE=2G
AGENT_UID=1000
BUSYBOX=/bin/busybox
QEMU_GA=/usr/sbin/qemu-ga

# The kernel: the newest /boot/vmlinuz-* that has its modules installed (override with
# RBD_CLOUD_GUEST_KVER).
kernel_version() {
  local vmlinuz kver best=
  if [ -n "${RBD_CLOUD_GUEST_KVER:-}" ]; then
    echo "$RBD_CLOUD_GUEST_KVER"
    return
  fi
  for vmlinuz in /boot/vmlinuz-*; do
    kver=${vmlinuz#/boot/vmlinuz-}
    [ -f "/lib/modules/$kver/modules.dep" ] || continue
    best=$(printf '%s\n%s\n' "$best" "$kver" | sort -V | tail -n1)
  done
  [ -n "$best" ] || die "no /boot/vmlinuz-* with modules in /lib/modules: install the Debian package 'linux-image-amd64'"
  echo "$best"
}

# qemu_ga_files: qemu-ga, its shared libraries and the dynamic loader, as ldd resolves them.
qemu_ga_files() {
  echo "$QEMU_GA"
  ldd "$QEMU_GA" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'
}

inputs_hash() {
  local kver=$1
  # Digests only: the same inputs in another checkout (another path) must not force a rebuild.
  {
    # shellcheck disable=SC2046 # one word per library path
    sha256sum "$DEV_SCRIPTS/guest-image.sh" "${GUEST_FILES[@]/#/$GUEST_SRC/}" "$AGENT_SCRIPT" "/boot/vmlinuz-$kver" \
      "/lib/modules/$kver/modules.dep" "$BUSYBOX" $(qemu_ga_files) | cut -d' ' -f1
    jre_key
    echo "$CMDLINE $IMAGE_SIZE"
  } | sha256sum | cut -d' ' -f1
}

# jre_key: what the cached runtime depends on: the JDK's release file, modules and options.
jre_key() {
  { cat "$JDK/release"; echo "$JRE_MODULES ${JLINK_OPTIONS[*]}"; } | sha256sum | cut -c1-16
}

# build_jre: the jlinked runtime, $JRE_CACHE/<key>, made once (about 10 s) per JDK release.
build_jre() {
  local dir
  dir=$JRE_CACHE/$(jre_key)
  if [ ! -x "$dir/bin/java" ]; then
    mkdir -p "$JRE_CACHE"
    rm -rf "$dir.tmp"
    "$JDK/bin/jlink" --add-modules "$JRE_MODULES" "${JLINK_OPTIONS[@]}" --output "$dir.tmp" >&2 ||
      die "jlink failed (JDK $JDK)"
    # Heaps stay far below 32 GiB here: the archive for uncompressed oops is 14 MB of nothing.
    rm -f "$dir.tmp/lib/server/classes_nocoops.jsa"
    mv "$dir.tmp" "$dir"
    log "built the guest Java runtime from $JDK: $dir ($(du -sh "$dir" | cut -f1))"
  fi
  echo "$dir"
}

# elf_libs DIR: the shared libraries (and dynamic loader) the ELF files under DIR need, outside DIR.
elf_libs() {
  find "$1" -type f \( -name '*.so' -o -perm -u+x \) -exec ldd {} \; 2>/dev/null |
    awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | grep -v "^$1/" | sort -u
}

# extract_vmlinux BZIMAGE OUT: the bzImage header (boot protocol >= 2.08) says where the
# compressed kernel starts (payload_offset at 0x248, counted from the end of the real-mode
# setup: (setup_sects + 1) * 512, setup_sects at 0x1f1) and how long it is (payload_length at
# 0x24c). The payload starts with its compressor's magic; the build appends the uncompressed
# size as 4 little-endian bytes, which we strip and then check against the result.
extract_vmlinux() {
  local bz=$1 out=$2 setup_sects payload_offset payload_length start magic want
  [ "$(dd if="$bz" bs=1 skip=$((0x202)) count=4 status=none)" = HdrS ] || die "$bz is not a bzImage"
  setup_sects=$(od -An -tu1 -j $((0x1f1)) -N1 "$bz" | tr -d ' ')
  [ "$setup_sects" -ne 0 ] || setup_sects=4
  payload_offset=$(od -An -tu4 -j $((0x248)) -N4 "$bz" | tr -d ' ')
  payload_length=$(od -An -tu4 -j $((0x24c)) -N4 "$bz" | tr -d ' ')
  start=$(((setup_sects + 1) * 512 + payload_offset))
  magic=$(od -An -tx1 -j "$start" -N6 "$bz" | tr -d ' ')
  local -a decompress
  case $magic in
    fd377a585a00*) decompress=(xz -dc) ;;
    1f8b*) decompress=(gzip -dc) ;;
    28b52ffd*) decompress=(zstd -dcq) ;;
    5d0000*) decompress=(xz -dc --format=lzma) ;;
    02214c18*) decompress=(lz4 -dc) ;;
    425a68*) decompress=(bzip2 -dc) ;;
    *) die "unknown kernel compression in $bz (payload starts with $magic)" ;;
  esac
  need_cmd "${decompress[0]}" "${decompress[0]}"
  dd if="$bz" iflag=skip_bytes,count_bytes skip="$start" count=$((payload_length - 4)) bs=1M status=none |
    "${decompress[@]}" >"$out" ||
    die "cannot decompress the kernel in $bz with ${decompress[*]}"
  want=$(od -An -tu4 -j $((start + payload_length - 4)) -N4 "$bz" | tr -d ' ')
  [ "$(stat -c %s "$out")" = "$want" ] || die "decompressed kernel is $(stat -c %s "$out") bytes, header says $want"
  [ "$(od -An -c -j1 -N3 "$out" | tr -d ' ')" = ELF ] || die "decompressed kernel is not an ELF file"
}

# module_path KVER NAME: the modules.dep key (path relative to /lib/modules/KVER) of NAME.
module_path() {
  local pattern=${2//[-_]/[-_]}
  grep -oE "^([^:]*/)?${pattern}\.ko(\.[a-z]+)?:" "/lib/modules/$1/modules.dep" | head -n1 | tr -d : ||
    true
}

# resolve_modules KVER: dev/guest/modules plus dependencies, dependencies first, one
# "path [params]" per line.
resolve_modules() {
  local kver=$1 name params path
  declare -A seen=()
  add_module() {
    local mpath=$1 mparams=$2 dep
    [ -n "${seen[$mpath]:-}" ] && return 0
    seen[$mpath]=1
    for dep in $(grep -E "^$mpath:" "/lib/modules/$kver/modules.dep" | cut -d: -f2); do
      add_module "$dep" ""
    done
    echo "$mpath${mparams:+ $mparams}"
  }
  while read -r name params; do
    case $name in '' | '#'*) continue ;; esac
    if grep -qE "(^|/)${name//[-_]/[-_]}\.ko$" "/lib/modules/$kver/modules.builtin"; then
      continue
    fi
    path=$(module_path "$kver" "$name")
    [ -n "$path" ] || die "module $name is neither built into nor shipped with kernel $kver"
    add_module "$path" "$params"
  done <"$GUEST_SRC/modules"
}

build_initrd() {
  local kver=$1 out=$2 tree=$3 path
  mkdir -p "$tree"/{bin,dev,etc,proc,sys,newroot,lib/modules}
  cp "$BUSYBOX" "$tree/bin/busybox"
  install -m 0755 "$GUEST_SRC/initrd-init" "$tree/init"
  resolve_modules "$kver" >"$tree/etc/modules.load"
  while read -r path _; do
    install -D -m 0644 "/lib/modules/$kver/$path" "$tree/lib/modules/$path"
  done <"$tree/etc/modules.load"
  # Uncompressed (6 MB): gzip or lz4 made no measurable difference to boot time under TCG.
  (cd "$tree" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$out"
}

build_rootfs_tree() {
  local tree=$1 jre=$2 applet file
  mkdir -p "$tree"/{bin,sbin,usr/bin,usr/sbin,usr/local/sbin,etc,dev,proc,sys,run,tmp,root,var/log,opt/jenkins}
  ln -s ../run "$tree/var/run"
  chmod 1777 "$tree/tmp"
  chmod 0700 "$tree/root"
  cp "$BUSYBOX" "$tree/bin/busybox"
  install -m 0755 "$GUEST_SRC/init" "$tree/sbin/init"
  install -m 0755 "$GUEST_SRC/shutdown" "$tree/sbin/shutdown"
  install -m 0755 "$GUEST_SRC/rbd-cloud-echo" "$GUEST_SRC/rbd-cloud-watchdog" "$AGENT_SCRIPT" "$tree/usr/local/sbin/"
  install -m 0755 "$GUEST_SRC/udhcpc-script" "$tree/usr/local/sbin/rbd-cloud-udhcpc"
  # Pipeline `sh` steps (durable-task) run nohup, which Debian's busybox does not have.
  install -m 0755 "$GUEST_SRC/nohup" "$tree/usr/bin/nohup"
  cp -a "$jre" "$tree/opt/java"
  ln -s /opt/java/bin/java "$tree/usr/bin/java"
  for file in $(elf_libs "$jre"); do
    [ -e "$tree$file" ] || install -D -m 0755 "$file" "$tree$file"
  done
  for applet in $("$BUSYBOX" --list-full); do
    [ -e "$tree/$applet" ] || [ "$applet" = linuxrc ] || ln -s /bin/busybox "$tree/$applet"
  done
  for file in $(qemu_ga_files); do
    install -D -m 0755 "$file" "$tree$file"
  done
  echo rbd-cloud-test >"$tree/etc/hostname"
  printf 'root:x:0:0:root:/root:/bin/sh\njenkins:x:%d:%d:Jenkins agent:/var/lib/jenkins-agent:/bin/sh\n' \
    "$AGENT_UID" "$AGENT_UID" >"$tree/etc/passwd"
  printf 'root:x:0:\njenkins:x:%d:\n' "$AGENT_UID" >"$tree/etc/group"
  install -d -m 0755 -o "$AGENT_UID" -g "$AGENT_UID" "$tree/var/lib/jenkins-agent"
  printf 'PRETTY_NAME="rbd-cloud test guest"\nNAME="rbd-cloud-test"\nID=rbd-cloud-test\n' >"$tree/etc/os-release"
  ln -s /proc/self/mounts "$tree/etc/mtab"
}

# make_fs TREE OUT SIZE: a sparse raw file of SIZE holding one ext4 filesystem filled from TREE.
make_fs() {
  local tree=$1 out=$2 size=$3
  rm -f "$out"
  truncate -s "$size" "$out"
  # -d fills the filesystem from a directory: no loop device, no mount. Lazy inode tables and a
  # small journal keep a big, mostly empty filesystem sparse.
  mkfs.ext4 -q -F -L "$ROOT_LABEL" -b 4096 -m 0 -J size=16 -E root_owner=0:0,lazy_itable_init=1 \
    -d "$tree" "$out" || die "mkfs.ext4 -d failed"
}

is_current() {
  [ -f "$IMAGE" ] && [ -f "$KERNEL" ] && [ -f "$INITRD" ] && [ -f "$STAMP" ] &&
    [ "$(cat "$STAMP")" = "$1" ]
}

cmd_start() {
  local kver hash started work
  need_cmd "$BUSYBOX" busybox-static
  need_cmd "$QEMU_GA" qemu-guest-agent
  need_cmd mkfs.ext4 e2fsprogs
  need_cmd cpio cpio
  kver=$(kernel_version)
  # QEMU boots a plain vmlinux only through its PVH entry note.
  grep -q '^CONFIG_PVH=y' "/boot/config-$kver" || die "kernel $kver is built without CONFIG_PVH: its vmlinux cannot be booted directly"
  hash=$(inputs_hash "$kver")
  if is_current "$hash"; then
    log "guest image up to date ($GUEST_DIR, kernel $kver)"
    cmd_env
    return 0
  fi
  started=$EPOCHREALTIME
  mkdir -p "$GUEST_DIR"
  # QEMU runs as libvirt-qemu: every directory down to the files must be traversable.
  chmod 0755 "$GUEST_DIR"
  chmod o+x "$RBD_CLOUD_DEV_DIR"
  work=$(mktemp -d "$GUEST_DIR/.build.XXXXXX")
  # shellcheck disable=SC2064 # expand now: $work is local
  trap "rm -rf '$work'" EXIT
  extract_vmlinux "/boot/vmlinuz-$kver" "$work/vmlinux"
  build_initrd "$kver" "$work/initrd.img" "$work/initrd"
  build_rootfs_tree "$work/rootfs" "$(build_jre)"
  make_fs "$work/rootfs" "$work/rbd-cloud-test.raw" "$IMAGE_SIZE"
  chmod 0644 "$work/vmlinux" "$work/initrd.img" "$work/rbd-cloud-test.raw"
  # Renames, so a guest that is running from the old files keeps them.
  mv -f "$work/vmlinux" "$KERNEL"
  mv -f "$work/initrd.img" "$INITRD"
  mv -f "$work/rbd-cloud-test.raw" "$IMAGE"
  echo "$hash" | write_file 0644 "$STAMP"
  rm -rf "$work"
  trap - EXIT
  cmd_env
  log "built guest image from kernel $kver in $(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s: $GUEST_DIR"
}

# train_aot_cache TREE: the channel entry's AOT cache (JDK 24+, JEP 483), recorded by one rehearsal
# run of the image's own Java runtime on its own jars (a chroot into TREE, so paths, sizes and
# times are the ones the guest sees) with the options rbd-cloud-agent.sh uses. The guest's JVM then
# maps those classes already parsed, verified and linked instead of loading them from agent.jar.
# A runtime that cannot make one (older than 24) leaves none, and the agent starts without it.
train_aot_cache() {
  local tree=$1 aot=/opt/jenkins/rbd-cloud-channel-agent.aot opts
  need_cmd unshare util-linux
  # The script's own default options, read from it: a cache recorded with another collector is
  # refused by the JVM that runs the agent.
  opts=$(sed -n 's/^JAVA_OPTS=\${RBD_CLOUD_JAVA_OPTS:-\(.*\)}$/\1/p' "$AGENT_SCRIPT")
  [ -n "$opts" ] || die "no default JAVA_OPTS=\${RBD_CLOUD_JAVA_OPTS:-...} line in $AGENT_SCRIPT"
  # The runtime finds its libraries through /proc/self/exe ($ORIGIN): the chroot needs a /proc.
  # No perf data file: nothing of the training run is left in the image but the cache. $3 is a
  # list of words, split on purpose.
  if ! unshare -m sh -c 'mount -t proc proc "$1/proc" && exec chroot "$1" /opt/java/bin/java $3 \
        -XX:-UsePerfData -XX:AOTCacheOutput="$2" \
        -cp /opt/jenkins/agent.jar:/opt/jenkins/rbd-cloud-channel-agent.jar RbdCloudChannelAgent --rehearse' \
        sh "$tree" "$aot" "$opts" </dev/null >"$tree/tmp/aot-training.log" 2>&1; then
    log "no AOT cache for the channel entry (training failed: $(tail -n 1 "$tree/tmp/aot-training.log"))"
  else
    log "AOT cache for the channel entry recorded ($(sed -n 's/^rbd-cloud: //p' "$tree/tmp/aot-training.log" | tail -n 1))"
  fi
  rm -f "$tree/tmp/aot-training.log"
  [ ! -f "$tree$aot" ] || chmod 0644 "$tree$aot"
}

# agent-image [--prefill-jars LIST] AGENT_JAR OUT [SIZE]: the test guest with AGENT_JAR at
# /opt/jenkins/agent.jar, the way an admin bakes the controller's /jnlpJars/agent.jar into a golden
# image. LIST names jars (one path per line) to put into the agent user's remoting jar cache with
# docs/guest/prefill-jar-cache.sh. SIZE leaves the free space Jenkins wants on the agent's file
# systems (offline under 1 GiB, warning under 2).
cmd_agent_image() {
  local prefill= channel_agent=true
  while [ $# -gt 0 ]; do
    case $1 in
      --prefill-jars)
        prefill=${2:-}
        [ -f "$prefill" ] || die "--prefill-jars: no such file: $prefill"
        shift 2 ;;
      --stock-channel) channel_agent=false; shift ;;
      *) break ;;
    esac
  done
  local jar=${1:-} out=${2:-} size=${3:-$AGENT_IMAGE_SIZE} work
  [ -n "$jar" ] && [ -n "$out" ] || die "usage: $0 agent-image [--prefill-jars LIST] [--stock-channel] AGENT_JAR OUT.raw [SIZE]"
  [ -f "$jar" ] || die "no such file: $jar"
  cmd_start >/dev/null
  work=$(mktemp -d "$GUEST_DIR/.agent.XXXXXX")
  # shellcheck disable=SC2064 # expand now: $work is local
  trap "rm -rf '$work'" EXIT
  build_rootfs_tree "$work/rootfs" "$(build_jre)"
  install -m 0644 "$jar" "$work/rootfs/opt/jenkins/agent.jar"
  if $channel_agent; then
    # The channel launcher's entry to agent.jar, compiled against this agent.jar (see
    # docs/guest/RbdCloudChannelAgent.java); without it the script runs `java -jar agent.jar`.
    mkdir -p "$work/classes"
    "$JDK/bin/javac" --release 17 -nowarn -cp "$jar" -d "$work/classes" "$REPO_ROOT/docs/guest/RbdCloudChannelAgent.java" ||
      die "compiling RbdCloudChannelAgent against $jar failed"
    install -m 0644 "$REPO_ROOT/docs/guest/rbd-cloud-handshake-classes.txt" "$work/classes/"
    "$JDK/bin/jar" --create --file "$work/rootfs/opt/jenkins/rbd-cloud-channel-agent.jar" -C "$work/classes" . ||
      die "packing rbd-cloud-channel-agent.jar failed"
    train_aot_cache "$work/rootfs"
  fi
  if [ -n "$prefill" ]; then
    local cache=$work/rootfs/var/lib/jenkins-agent/.jenkins/cache/jars
    local -a jars
    mapfile -t jars < <(grep -v '^[[:space:]]*$' "$prefill")
    [ ${#jars[@]} -gt 0 ] || die "--prefill-jars: $prefill lists no jar"
    "$REPO_ROOT/docs/guest/prefill-jar-cache.sh" "$cache" "${jars[@]}" || die "prefilling the jar cache failed"
    chown -R "$AGENT_UID:$AGENT_UID" "$work/rootfs/var/lib/jenkins-agent/.jenkins"
  fi
  make_fs "$work/rootfs" "$work/image.raw" "$size"
  chmod 0644 "$work/image.raw"
  mv -f "$work/image.raw" "$out"
  realpath "$out"
}

cmd_status() {
  local kver
  kver=$(kernel_version)
  if is_current "$(inputs_hash "$kver")"; then
    echo "guest-image: up to date (kernel $kver) in $GUEST_DIR"
  elif [ -f "$IMAGE" ]; then
    echo "guest-image: out of date (inputs changed; start rebuilds it) in $GUEST_DIR"
    return 1
  else
    echo "guest-image: not built"
    return 1
  fi
}

cmd_wipe() {
  rm -rf "$GUEST_DIR"
  log "removed $GUEST_DIR"
}

cmd_env() {
  env_line RBD_CLOUD_GUEST_IMAGE "$IMAGE"
  env_line RBD_CLOUD_GUEST_KERNEL "$KERNEL"
  env_line RBD_CLOUD_GUEST_INITRD "$INITRD"
  env_line RBD_CLOUD_GUEST_CMDLINE "$CMDLINE"
}

JDK=$("$DEV_SCRIPTS/find-jdk")

dev_dir_check
case "${1:-}" in start | wipe | agent-image)
  # One builder at a time (ITs may run dev/env start in parallel).
  need_cmd flock util-linux
  if [ "$1" = wipe ]; then
    dev_dir_wipeable || { log "nothing to wipe, $RBD_CLOUD_DEV_DIR does not exist"; exit 0; }
  else
    dev_dir_ready
  fi
  dev_lock guest-image 120
  ;;
esac

case "${1:-}" in
  start) cmd_start ;;
  status) cmd_status ;;
  stop) : ;;
  wipe) cmd_wipe ;;
  env) cmd_env ;;
  agent-image) shift; cmd_agent_image "$@" ;;
  *) echo "usage: $0 start|status|stop|wipe|env | agent-image [--prefill-jars LIST] [--stock-channel] AGENT_JAR OUT.raw [SIZE]" >&2; exit 2 ;;
esac
