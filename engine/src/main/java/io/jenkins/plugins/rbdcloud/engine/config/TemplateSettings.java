package io.jenkins.plugins.rbdcloud.engine.config;

import io.jenkins.plugins.rbdcloud.engine.libvirt.DomainNames;
import java.nio.charset.StandardCharsets;
import io.jenkins.plugins.rbdcloud.engine.util.Printable;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A kind of agent: which golden image it boots, its size, how it connects and how long it lives.
 * Label expressions are evaluated by the caller against {@link #labels()}.
 *
 * @param name            template name; agents are named {@code <name>-<6 random characters>}
 * @param labels          Jenkins labels the agents carry
 * @param image           golden image in the images pool
 * @param imageVersion    pinned golden version ({@code 3} or {@code v3}); empty follows the current one
 * @param diskGib         grow the agent disk to this size; empty keeps the golden image's size
 * @param maxAgents       per-template cap ({@link #UNLIMITED}: only the cloud and hypervisor caps apply)
 * @param snapshot        whether a successful build's disk is promoted to a new golden version
 * @param consistency     how consistent that snapshot must be
 * @param env             variables the guest can read at launch; values are treated as secrets
 * @param startTimeout    an agent not connected by then is deleted
 * @param warmPool        agents kept booted and ready ahead of demand
 * @param warmPoolMaxAge  a ready agent older than this is recycled, so a warm pool never goes stale
 * @param maxCloneDepth   promotion flattens when a new version would be deeper than this
 * @param directBoot      kernel/initrd/cmdline for direct kernel boot; empty boots from the disk
 * @param hypervisorGroup place agents only on hypervisors of this group
 * @param promoteFrom     which builds may promote (snapshot on-success); nobody by default
 * @param promoteMaxWrittenBytes a build that wrote more than this (its disk's diff against its golden
 *                        version) is not promoted
 * @param onFailure       what happens to an agent whose build failed (delete, snapshot, keep:&lt;duration&gt;)
 */
public record TemplateSettings(String name, Set<String> labels, String image, Optional<String> imageVersion,
                               int vcpus, int memoryMib, OptionalInt diskGib, int executors, int maxAgents,
                               Retention retention, SnapshotPolicy snapshot, Consistency consistency,
                               WatchdogAction watchdog, Optional<Network> network, LauncherKind launcher,
                               Map<String, Secret> env, Duration startTimeout, int warmPool, Duration warmPoolMaxAge,
                               int maxCloneDepth, Optional<DirectBoot> directBoot, Optional<String> hypervisorGroup,
                               PromoteFrom promoteFrom, long promoteMaxWrittenBytes,
                               OnFailure onFailure) {

    public static final int UNLIMITED = Integer.MAX_VALUE;
    public static final int MIN_MEMORY_MIB = 256;
    public static final int MAX_MEMORY_MIB = 1_048_576;
    /** The delta guard's default: 2 GiB written by a build. */
    public static final int DEFAULT_PROMOTE_MAX_WRITTEN_MIB = 2048;
    private static final long MIB = 1L << 20;

    /** Jenkins label atoms: anything but blanks, the label-expression operators and quotes. */
    private static final Pattern LABEL = Pattern.compile("[^\\s&|!()<>=,\"'\\\\]{1,128}");
    /** A pinned version as launches read it: {@code 3} or {@code v3}, never 0, within an int. */
    private static final Pattern VERSION = Pattern.compile("v?[1-9][0-9]{0,8}");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
    /**
     * All env lines together ({@code NAME=value\n}, UTF-8) may take half of the guest file the
     * values are delivered in; the other half is left for what each launch adds (e.g. its secret).
     */
    public static final int MAX_ENV_BYTES = 32 * 1024;

    public TemplateSettings {
        Check check = Check.named("template", name);
        labels = Set.copyOf(check.present("labels", labels));
        for (String l : labels) {
            check.matches("labels", l, LABEL,
                    "Jenkins label names without blanks, quotes or any of & | ! ( ) < > = , (one label per word)");
        }
        check.golden("image", image);
        check.present("imageVersion", imageVersion).ifPresent(v -> check.matches("imageVersion", v, VERSION,
                "a golden version number such as 3 or v3 (leave it out to follow the current version)"));
        check.range("vcpus", vcpus, 1, 256);
        check.range("memoryMib", memoryMib, MIN_MEMORY_MIB, MAX_MEMORY_MIB);
        check.present("diskGib", diskGib).ifPresent(g -> check.range("diskGib", g, 1, 65_536));
        check.range("executors", executors, 1, 64);
        if (maxAgents < 1) {
            throw check.fail("maxAgents", "must be at least 1, got " + maxAgents + "; leave it out for no per-template cap");
        }
        check.present("retention", retention);
        check.present("snapshot", snapshot);
        check.present("consistency", consistency);
        check.present("watchdog", watchdog);
        check.present("network", network);
        check.present("launcher", launcher);
        env = Map.copyOf(check.present("env", env));
        env.forEach((k, v) -> checkEnv(check, k, v));
        checkEnvSize(check, env);
        check.range("startTimeout", startTimeout, Duration.ofSeconds(10), Duration.ofHours(2));
        check.range("warmPool", warmPool, 0, 100);
        if (warmPool > maxAgents) {
            throw check.fail("warmPool", "must not exceed maxAgents (" + maxAgents + "), got " + warmPool);
        }
        check.range("warmPoolMaxAge", warmPoolMaxAge, Duration.ofMinutes(1), Duration.ofDays(7));
        // The kernel RBD client refuses parent chains deeper than 16.
        check.range("maxCloneDepth", maxCloneDepth, 1, 16);
        check.present("directBoot", directBoot);
        check.present("hypervisorGroup", hypervisorGroup).ifPresent(g -> check.name("hypervisorGroup", g));
        check.present("promoteFrom", promoteFrom);
        if (promoteMaxWrittenBytes < MIB || promoteMaxWrittenBytes > MIB * MAX_MEMORY_MIB) {
            throw check.fail("promoteMaxWrittenMib", "must be between 1 and " + MAX_MEMORY_MIB + " (MiB), got "
                    + promoteMaxWrittenBytes / MIB);
        }
        check.present("onFailure", onFailure).check(check);
        checkCombinations(check, executors, retention, snapshot);
        if (launcher == LauncherKind.INBOUND && network.isEmpty()) {
            // An inbound agent dials the controller: without an interface it can never connect.
            throw check.fail("network", "is required with launcher inbound (the agent dials the controller); "
                    + "use 'user' to reach a controller on the hypervisor, or a libvirt network or bridge");
        }
    }

    private static void checkEnv(Check check, String key, Secret value) {
        if (!ENV_NAME.matcher(key).matches()) {
            throw check.fail("env." + Printable.of(key), "is not a variable name: use letters, digits and '_', "
                    + "not starting with a digit");
        }
        // The rule the delivery to the guest applies (one KEY=VALUE line each), checked here so a
        // bad value is a config error and not a failure of every launch. The value may be a
        // secret: say what is wrong with it, never what it is.
        try {
            DomainNames.oemValue(key, value.reveal());
        } catch (IllegalArgumentException e) {
            throw check.fail("env." + key, "must be at most " + DomainNames.MAX_OEM_VALUE
                    + " printable characters on one line (value not shown)");
        }
    }

    private static void checkEnvSize(Check check, Map<String, Secret> env) {
        long bytes = 0;
        for (Map.Entry<String, Secret> e : env.entrySet()) {
            bytes += (e.getKey() + "=" + e.getValue().reveal() + "\n").getBytes(StandardCharsets.UTF_8).length;
        }
        if (bytes > MAX_ENV_BYTES) {
            throw check.fail("env", "must hold at most " + MAX_ENV_BYTES + " bytes in all (as NAME=value lines in UTF-8), got "
                    + bytes);
        }
    }

    private static void checkCombinations(Check check, int executors, Retention retention, SnapshotPolicy snapshot) {
        if (executors > 1 && retention instanceof Retention.OneShot) {
            // A one-shot agent is deleted after its first build; other executors would lose their builds.
            throw check.fail("executors", "must be 1 with retention one-shot, got " + executors
                    + "; use retention idle:<duration> for agents with several executors");
        }
        if (executors > 1 && snapshot == SnapshotPolicy.ON_SUCCESS) {
            throw check.fail("executors", "must be 1 with snapshot on-success (the disk of one build is promoted), got "
                    + executors);
        }
    }

    /** Whether the agents may run on {@code hypervisor}: the group affinity, if any, must match. */
    public boolean allows(HypervisorSettings hypervisor) {
        return hypervisorGroup.isEmpty() || hypervisorGroup.equals(hypervisor.group());
    }

    /** The same template pinned to golden version {@code version} ({@code v3}): how a candidate version is test-booted. */
    public TemplateSettings withImageVersion(String version) {
        return new TemplateSettings(name, labels, image, Optional.of(version), vcpus, memoryMib, diskGib, executors, maxAgents,
                retention, snapshot, consistency, watchdog, network, launcher, env, startTimeout, warmPool, warmPoolMaxAge,
                maxCloneDepth, directBoot, hypervisorGroup, promoteFrom, promoteMaxWrittenBytes,
                onFailure);
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Builds {@link TemplateSettings} with the documented defaults; validation happens in {@link #build()}. */
    public static final class Builder {
        private final String name;
        private Set<String> labels = new LinkedHashSet<>();
        private String image;
        private String imageVersion;
        private int vcpus = 1;
        private int memoryMib = 1024;
        private Integer diskGib;
        private int executors = 1;
        private int maxAgents = UNLIMITED;
        private Retention retention = Retention.oneShot();
        private SnapshotPolicy snapshot = SnapshotPolicy.NEVER;
        private Consistency consistency = Consistency.PREFERRED;
        private WatchdogAction watchdog = WatchdogAction.POWEROFF;
        private Network network;
        private LauncherKind launcher = LauncherKind.CHANNEL;
        private final Map<String, Secret> env = new LinkedHashMap<>();
        private Duration startTimeout = Duration.ofMinutes(5);
        private int warmPool;
        private Duration warmPoolMaxAge = Duration.ofHours(8);
        private int maxCloneDepth = 2;
        private DirectBoot directBoot;
        private String hypervisorGroup;
        private PromoteFrom promoteFrom = PromoteFrom.NOBODY;
        private long promoteMaxWrittenBytes = DEFAULT_PROMOTE_MAX_WRITTEN_MIB * MIB;
        private FailurePolicy onFailure = FailurePolicy.delete();
        private Duration failureRetention = OnFailure.DEFAULT_RETENTION;
        private int failureSnapshots = OnFailure.DEFAULT_SNAPSHOTS;

        private Builder(String name) {
            this.name = name;
        }

        public Builder labels(Set<String> v) { labels = v; return this; }
        public Builder image(String v) { image = v; return this; }
        public Builder imageVersion(String v) { imageVersion = v; return this; }
        public Builder vcpus(int v) { vcpus = v; return this; }
        public Builder memoryMib(int v) { memoryMib = v; return this; }
        public Builder diskGib(Integer v) { diskGib = v; return this; }
        public Builder executors(int v) { executors = v; return this; }
        public Builder maxAgents(int v) { maxAgents = v; return this; }
        public Builder retention(Retention v) { retention = v; return this; }
        public Builder snapshot(SnapshotPolicy v) { snapshot = v; return this; }
        public Builder consistency(Consistency v) { consistency = v; return this; }
        public Builder watchdog(WatchdogAction v) { watchdog = v; return this; }
        public Builder network(Network v) { network = v; return this; }
        public Builder launcher(LauncherKind v) { launcher = v; return this; }
        public Builder env(String key, Secret value) { env.put(key, Objects.requireNonNull(value)); return this; }
        public Builder startTimeout(Duration v) { startTimeout = v; return this; }
        public Builder warmPool(int v) { warmPool = v; return this; }
        public Builder warmPoolMaxAge(Duration v) { warmPoolMaxAge = v; return this; }
        public Builder maxCloneDepth(int v) { maxCloneDepth = v; return this; }
        public Builder directBoot(DirectBoot v) { directBoot = v; return this; }
        public Builder hypervisorGroup(String v) { hypervisorGroup = v; return this; }
        public Builder promoteFrom(PromoteFrom v) { promoteFrom = v; return this; }
        public Builder promoteMaxWrittenMib(long v) { promoteMaxWrittenBytes = v * MIB; return this; }
        public Builder onFailure(FailurePolicy v) { onFailure = v; return this; }
        public Builder failureRetention(Duration v) { failureRetention = v; return this; }
        public Builder failureSnapshots(int v) { failureSnapshots = v; return this; }

        public TemplateSettings build() {
            return new TemplateSettings(name, labels, image, Optional.ofNullable(imageVersion), vcpus, memoryMib,
                    diskGib == null ? OptionalInt.empty() : OptionalInt.of(diskGib), executors, maxAgents, retention,
                    snapshot, consistency, watchdog, Optional.ofNullable(network), launcher, env, startTimeout,
                    warmPool, warmPoolMaxAge, maxCloneDepth, Optional.ofNullable(directBoot),
                    Optional.ofNullable(hypervisorGroup), promoteFrom, promoteMaxWrittenBytes,
                    new OnFailure(onFailure, failureRetention, failureSnapshots));
        }
    }
}
