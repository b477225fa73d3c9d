package io.jenkins.plugins.rbdcloud;

import hudson.model.Describable;
import hudson.model.Label;
import hudson.model.labels.LabelAtom;
import hudson.model.Saveable;
import hudson.slaves.NodeProperty;
import hudson.slaves.NodePropertyDescriptor;
import hudson.util.DescribableList;
import io.jenkins.plugins.rbdcloud.engine.config.ConfigWord;
import io.jenkins.plugins.rbdcloud.engine.config.Consistency;
import io.jenkins.plugins.rbdcloud.engine.config.DirectBoot;
import io.jenkins.plugins.rbdcloud.engine.config.FailurePolicy;
import io.jenkins.plugins.rbdcloud.engine.config.OnFailure;
import io.jenkins.plugins.rbdcloud.engine.config.LauncherKind;
import io.jenkins.plugins.rbdcloud.engine.config.Network;
import io.jenkins.plugins.rbdcloud.engine.config.PromoteFrom;
import io.jenkins.plugins.rbdcloud.engine.config.Retention;
import io.jenkins.plugins.rbdcloud.engine.config.SnapshotPolicy;
import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import io.jenkins.plugins.rbdcloud.engine.config.WatchdogAction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * A kind of agent: the engine's {@link TemplateSettings} plus what only Jenkins knows (label
 * expression matching, node properties, remote FS root). Defaults are the engine's.
 */
public final class AgentTemplate implements Describable<AgentTemplate> {

    /** A one-shot agent nobody takes is removed after this long (RbdRetentionStrategy). */
    static final int ONE_SHOT_UNUSED_MINUTES = 10;
    /** Remoting's handshake and first calls take ~40 s under TCG on 1 vCPU (classes load over the channel). */
    static final int DEFAULT_HANDSHAKE_TIMEOUT_SECONDS = 180;
    static final int DEFAULT_FAILURE_RETENTION_HOURS = (int) OnFailure.DEFAULT_RETENTION.toHours();

    private final String name;
    private final String image;
    private final String labelString;
    private String imageVersion;
    private int vcpus = 1;
    private int memoryMib = 1024;
    private Integer diskGib;
    private int numExecutors = 1;
    private Integer maxAgents;
    private int idleMinutes;
    private boolean snapshotOnSuccess;
    private String promoteFromJobs;
    private String promoteFromBranches;
    private boolean promoteChangeRequests;
    private boolean promoteForks;
    private int promoteMaxWrittenMib = TemplateSettings.DEFAULT_PROMOTE_MAX_WRITTEN_MIB;
    private String onFailure = "delete";
    private int failureRetentionHours = DEFAULT_FAILURE_RETENTION_HOURS;
    private int failureSnapshots = OnFailure.DEFAULT_SNAPSHOTS;
    private String consistency = Consistency.PREFERRED.word();
    private String watchdog = WatchdogAction.POWEROFF.word();
    private String network;
    private Integer mtu;
    private String launcher = LauncherKind.CHANNEL.word();
    private List<EnvVar> env = new ArrayList<>();
    private int startTimeoutSeconds = 300;
    private int warmPool;
    private int warmPoolMaxAgeMinutes = 480;
    private int maxCloneDepth = 2;
    private String kernel;
    private String initrd;
    private String cmdline;
    private String hypervisorGroup;
    private String remoteFs = "/var/lib/jenkins-agent";
    private int handshakeTimeoutSeconds = DEFAULT_HANDSHAKE_TIMEOUT_SECONDS;
    // A DescribableList: f:descriptorList reads it by descriptor; a plain List loses the values on save.
    private DescribableList<NodeProperty<?>, NodePropertyDescriptor> nodeProperties = new DescribableList<>(Saveable.NOOP);

    @DataBoundConstructor
    public AgentTemplate(String name, String image, String labelString) {
        this.name = name;
        this.image = image;
        this.labelString = labelString;
    }

    public String getName() { return name; }
    public String getImage() { return image; }
    public String getLabelString() { return labelString; }
    public String getImageVersion() { return imageVersion; }
    public int getVcpus() { return vcpus; }
    public int getMemoryMib() { return memoryMib; }
    public Integer getDiskGib() { return diskGib; }
    public int getNumExecutors() { return numExecutors; }
    public Integer getMaxAgents() { return maxAgents; }
    public int getIdleMinutes() { return idleMinutes; }
    public boolean isSnapshotOnSuccess() { return snapshotOnSuccess; }
    public String getPromoteFromJobs() { return promoteFromJobs; }
    public String getPromoteFromBranches() { return promoteFromBranches; }
    public boolean isPromoteChangeRequests() { return promoteChangeRequests; }
    public boolean isPromoteForks() { return promoteForks; }
    public int getPromoteMaxWrittenMib() { return promoteMaxWrittenMib; }
    public String getOnFailure() { return onFailure; }
    public int getFailureRetentionHours() { return failureRetentionHours; }
    public int getFailureSnapshots() { return failureSnapshots; }
    public String getConsistency() { return consistency; }
    public String getWatchdog() { return watchdog; }
    public String getNetwork() { return network; }
    public Integer getMtu() { return mtu; }
    public String getLauncher() { return launcher; }
    public List<EnvVar> getEnv() { return List.copyOf(env); }
    public int getStartTimeoutSeconds() { return startTimeoutSeconds; }
    public int getWarmPool() { return warmPool; }
    public int getWarmPoolMaxAgeMinutes() { return warmPoolMaxAgeMinutes; }
    public int getMaxCloneDepth() { return maxCloneDepth; }
    public String getKernel() { return kernel; }
    public String getInitrd() { return initrd; }
    public String getCmdline() { return cmdline; }
    public String getHypervisorGroup() { return hypervisorGroup; }
    public String getRemoteFs() { return remoteFs; }
    public int getHandshakeTimeoutSeconds() { return handshakeTimeoutSeconds; }
    public DescribableList<NodeProperty<?>, NodePropertyDescriptor> getNodeProperties() {
        if (nodeProperties == null) { // configurations saved before the field existed
            nodeProperties = new DescribableList<>(Saveable.NOOP);
        }
        return nodeProperties;
    }

    @DataBoundSetter public void setImageVersion(String v) { imageVersion = FormChecks.blankToNull(v); }
    @DataBoundSetter public void setVcpus(int v) { vcpus = v; }
    @DataBoundSetter public void setMemoryMib(int v) { memoryMib = v; }
    @DataBoundSetter public void setDiskGib(Integer v) { diskGib = v; }
    @DataBoundSetter public void setNumExecutors(int v) { numExecutors = v; }
    /** Empty: only the cloud's and the hypervisors' caps apply. */
    @DataBoundSetter public void setMaxAgents(Integer v) { maxAgents = v; }
    /** 0: one-shot (deleted after its first build); more: deleted after that many idle minutes. */
    @DataBoundSetter public void setIdleMinutes(int v) { idleMinutes = v; }
    @DataBoundSetter public void setSnapshotOnSuccess(boolean v) { snapshotOnSuccess = v; }
    /** Job full-name patterns allowed to promote, separated by blanks or commas; empty: no job may. */
    @DataBoundSetter public void setPromoteFromJobs(String v) { promoteFromJobs = FormChecks.blankToNull(v); }
    /** Branch patterns allowed to promote; empty: any branch, and jobs without one. */
    @DataBoundSetter public void setPromoteFromBranches(String v) { promoteFromBranches = FormChecks.blankToNull(v); }
    @DataBoundSetter public void setPromoteChangeRequests(boolean v) { promoteChangeRequests = v; }
    @DataBoundSetter public void setPromoteForks(boolean v) { promoteForks = v; }
    @DataBoundSetter public void setPromoteMaxWrittenMib(int v) { promoteMaxWrittenMib = v; }
    /** {@code delete}, {@code snapshot} or {@code keep:<duration>} (the config file's words). */
    @DataBoundSetter public void setOnFailure(String v) { onFailure = v == null || v.isBlank() ? "delete" : v.strip(); }
    @DataBoundSetter public void setFailureRetentionHours(int v) { failureRetentionHours = v; }
    @DataBoundSetter public void setFailureSnapshots(int v) { failureSnapshots = v; }
    @DataBoundSetter public void setConsistency(String v) { consistency = v; }
    @DataBoundSetter public void setWatchdog(String v) { watchdog = v; }
    /** {@code network:<libvirt network>}, {@code bridge:<host bridge>} or {@code user}; empty: no network interface. */
    @DataBoundSetter public void setNetwork(String v) { network = FormChecks.blankToNull(v); }
    @DataBoundSetter public void setMtu(Integer v) { mtu = v; }
    @DataBoundSetter public void setLauncher(String v) { launcher = v; }
    @DataBoundSetter public void setEnv(List<EnvVar> v) { env = v == null ? new ArrayList<>() : new ArrayList<>(v); }
    @DataBoundSetter public void setStartTimeoutSeconds(int v) { startTimeoutSeconds = v; }
    @DataBoundSetter public void setWarmPool(int v) { warmPool = v; }
    @DataBoundSetter public void setWarmPoolMaxAgeMinutes(int v) { warmPoolMaxAgeMinutes = v; }
    @DataBoundSetter public void setMaxCloneDepth(int v) { maxCloneDepth = v; }
    @DataBoundSetter public void setKernel(String v) { kernel = FormChecks.blankToNull(v); }
    @DataBoundSetter public void setInitrd(String v) { initrd = FormChecks.blankToNull(v); }
    @DataBoundSetter public void setCmdline(String v) { cmdline = FormChecks.blankToNull(v); }
    @DataBoundSetter public void setHypervisorGroup(String v) { hypervisorGroup = FormChecks.blankToNull(v); }
    @DataBoundSetter public void setRemoteFs(String v) { remoteFs = v; }
    @DataBoundSetter public void setHandshakeTimeoutSeconds(int v) { handshakeTimeoutSeconds = v; }
    @DataBoundSetter public void setNodeProperties(List<? extends NodeProperty<?>> v) {
        nodeProperties = new DescribableList<>(Saveable.NOOP, v == null ? List.of() : v);
    }

    /** A configuration saved before the delta guard existed reads 0 there: the engine's default. */
    private Object readResolve() {
        if (promoteMaxWrittenMib <= 0) {
            promoteMaxWrittenMib = TemplateSettings.DEFAULT_PROMOTE_MAX_WRITTEN_MIB;
        }
        // Saved before failure snapshots existed: the engine's defaults.
        if (onFailure == null) {
            onFailure = "delete";
            failureRetentionHours = DEFAULT_FAILURE_RETENTION_HOURS;
            failureSnapshots = OnFailure.DEFAULT_SNAPSHOTS;
        }
        return this;
    }

    /** Whether a failed build's disk is kept as a failure snapshot: the agent's disk is then held until the result is known. */
    boolean isSnapshotOnFailure() {
        return "snapshot".equals(onFailure);
    }

    /** How long a failed build's agent is kept running ({@code keep:<d>}); empty for other policies or an unusable value. */
    java.util.Optional<java.time.Duration> keepOnFailure() {
        try {
            return FailurePolicy.parse("onFailure", onFailure) instanceof FailurePolicy.Keep k
                    ? java.util.Optional.of(k.keep()) : java.util.Optional.empty();
        } catch (RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    /** Whether agents of this template satisfy {@code label}. Unlabelled builds never get one: agents are exclusive. */
    boolean matches(Label label) {
        return label != null && label.matches(Label.parse(labelString));
    }

    /** The engine's view; throws the engine's {@code SettingException} (or IllegalArgumentException) when unusable. */
    TemplateSettings toSettings() {
        TemplateSettings.Builder b = TemplateSettings.builder(name).labels(labels(labelString)).image(image)
                .imageVersion(imageVersion).vcpus(vcpus).memoryMib(memoryMib).diskGib(diskGib).executors(numExecutors)
                .maxAgents(maxAgents == null ? TemplateSettings.UNLIMITED : maxAgents)
                .retention(idleMinutes <= 0 ? Retention.oneShot() : Retention.idle(Duration.ofMinutes(idleMinutes)))
                .snapshot(snapshotOnSuccess ? SnapshotPolicy.ON_SUCCESS : SnapshotPolicy.NEVER)
                .consistency(ConfigWord.parse("consistency", consistency, Consistency.class))
                .watchdog(ConfigWord.parse("watchdog", watchdog, WatchdogAction.class))
                .launcher(launcherKind()).startTimeout(Duration.ofSeconds(startTimeoutSeconds))
                .warmPool(0) // WarmAgents keeps the warm pool as connected Jenkins agents; the engine keeps none
                .warmPoolMaxAge(Duration.ofMinutes(warmPoolMaxAgeMinutes)).maxCloneDepth(maxCloneDepth)
                .hypervisorGroup(hypervisorGroup).promoteFrom(promoteFrom(promoteFromJobs, promoteFromBranches,
                        promoteChangeRequests, promoteForks)).promoteMaxWrittenMib(promoteMaxWrittenMib)
                .onFailure(FailurePolicy.parse("onFailure", onFailure))
                .failureRetention(Duration.ofHours(failureRetentionHours)).failureSnapshots(failureSnapshots);
        if (network != null) {
            b.network(Network.parse(network, mtu == null ? OptionalInt.empty() : OptionalInt.of(mtu)));
        }
        if (kernel != null) {
            b.directBoot(new DirectBoot(Path.of(kernel), Optional.ofNullable(initrd).map(Path::of),
                    cmdline == null ? "" : cmdline));
        }
        for (EnvVar e : env) {
            b.env(e.getName(), e.toSecret());
        }
        return b.build();
    }

    /** The engine's promoteFrom from the form's fields (pattern lists are words). */
    static PromoteFrom promoteFrom(String jobs, String branches, boolean changeRequests, boolean forks) {
        return new PromoteFrom(words(jobs), words(branches), changeRequests, forks);
    }

    private static List<String> words(String s) {
        return s == null || s.isBlank() ? List.of() : List.of(s.strip().split("[\\s,]+"));
    }

    LauncherKind launcherKind() {
        LauncherKind k = ConfigWord.parse("launcher", launcher, LauncherKind.class);
        if (k == LauncherKind.SSH) {
            throw new IllegalArgumentException("launcher must be 'channel' or 'inbound'; the plugin has no SSH launcher");
        }
        return k;
    }

    /** The label atoms the engine records: the words of the label string. */
    static Set<String> labels(String labelString) {
        Set<String> out = new LinkedHashSet<>();
        for (LabelAtom a : Label.parse(labelString)) {
            out.add(a.getName());
        }
        return out;
    }

    @Override
    public AgentTemplateDescriptor getDescriptor() {
        return (AgentTemplateDescriptor) jenkins.model.Jenkins.get().getDescriptorOrDie(AgentTemplate.class);
    }
}
