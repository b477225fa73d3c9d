package io.jenkins.plugins.rbdcloud;

import hudson.Extension;
import hudson.model.Computer;
import hudson.model.Descriptor;
import hudson.model.Node;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.remoting.Channel;
import hudson.slaves.AbstractCloudSlave;
import hudson.slaves.ComputerLauncher;
import hudson.slaves.JNLPLauncher;
import hudson.slaves.RetentionStrategy;
import io.jenkins.plugins.rbdcloud.engine.agents.Agent;
import io.jenkins.plugins.rbdcloud.engine.agents.RbdCloudEngine;
import io.jenkins.plugins.rbdcloud.engine.config.LauncherKind;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A Jenkins node backed by one QEMU guest booted from an RBD clone. Terminating it hands the
 * guest to the engine (promotion after a successful build when the template asks, then deletion).
 */
public final class RbdAgent extends AbstractCloudSlave {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(RbdAgent.class.getName());
    /** How long a launch or an end waits for the cloud's engine to start. */
    static final Duration ENGINE_WAIT = Duration.ofMinutes(2);
    private static final Duration CHANNEL_CLOSE_WAIT = Duration.ofSeconds(20); // agent.jar answers in 2-10 s under TCG

    private final String cloudName;
    private final String templateName;
    private final String hypervisor;
    private final String golden;
    private final int handshakeTimeoutSeconds;
    private final boolean snapshotOnSuccess;
    /** onFailure=snapshot: the disk is held too, and a failed build keeps it (false in nodes saved before). */
    private final boolean snapshotOnFailure;
    /** onFailure=keep:&lt;d&gt;: a failed build's agent keeps running for inspection. */
    private final boolean keepOnFailure;
    /** For how long (keep:&lt;d&gt;); 0 in nodes saved before it was recorded. */
    private final long keepSeconds;
    /** Provisioning phase → milliseconds, kept so the agent page survives a controller restart. */
    private final LinkedHashMap<String, Long> phaseMillis = new LinkedHashMap<>();

    private RbdAgent(String name, String remoteFs, ComputerLauncher launcher, String cloudName, AgentTemplate template, Agent agent)
            throws Descriptor.FormException, IOException {
        super(name, remoteFs, launcher);
        this.cloudName = cloudName;
        this.templateName = agent.template();
        this.hypervisor = agent.hypervisor();
        this.golden = agent.golden();
        this.handshakeTimeoutSeconds = template.getHandshakeTimeoutSeconds();
        this.snapshotOnSuccess = template.isSnapshotOnSuccess();
        this.snapshotOnFailure = template.isSnapshotOnFailure();
        this.keepOnFailure = template.getOnFailure() != null && template.getOnFailure().startsWith("keep:");
        this.keepSeconds = template.keepOnFailure().map(Duration::toSeconds).orElse(0L);
        agent.phases().forEach((phase, d) -> phaseMillis.put(phase.name().toLowerCase(java.util.Locale.ROOT), d.toMillis()));
    }

    /** The Jenkins node for an agent the engine made ready. */
    static RbdAgent of(String cloudName, AgentTemplate template, Agent agent) throws Descriptor.FormException, IOException {
        ComputerLauncher launcher = template.launcherKind() == LauncherKind.INBOUND ? inbound() : new ChannelLauncher();
        RbdAgent a = new RbdAgent(agent.name(), template.getRemoteFs(), launcher, cloudName, template, agent);
        a.setNodeDescription("rbd-cloud " + cloudName + ": " + agent.golden() + " on " + agent.hypervisor());
        a.setNumExecutors(agent.executors());
        a.setMode(Node.Mode.EXCLUSIVE);
        a.setLabelString(template.getLabelString());
        a.setNodeProperties(template.getNodeProperties());
        a.setRetentionStrategy(retention(template));
        return a;
    }

    /** Inbound over WebSocket: the guest dials the controller's HTTP(S) port, no extra TCP port. */
    private static JNLPLauncher inbound() {
        JNLPLauncher l = new JNLPLauncher();
        l.setWebSocket(true);
        return l;
    }

    private static RetentionStrategy<?> retention(AgentTemplate t) {
        // A warm agent waits for its build up to the warm pool's maximum age; others a few minutes.
        return new RbdRetentionStrategy(t.getIdleMinutes(),
                t.getWarmPool() > 0 ? t.getWarmPoolMaxAgeMinutes() : AgentTemplate.ONE_SHOT_UNUSED_MINUTES);
    }

    public String getCloudName() { return cloudName; }
    public String getTemplateName() { return templateName; }
    public String getHypervisor() { return hypervisor; }
    public String getGolden() { return golden; }
    /** Agents saved before the setting existed read 0: the template default then. */
    public int getHandshakeTimeoutSeconds() {
        return handshakeTimeoutSeconds > 0 ? handshakeTimeoutSeconds : AgentTemplate.DEFAULT_HANDSHAKE_TIMEOUT_SECONDS;
    }
    public Map<String, Long> getPhaseMillis() { return Map.copyOf(phaseMillis); }

    /** The engine running for this agent's cloud, or null; starts nothing and reads no credentials (safe under the Queue lock). */
    RbdCloudEngine engine() {
        return Engines.get().current(cloudName);
    }

    /**
     * The engine of this agent's cloud, waiting while it starts (after a controller restart or a
     * settings change); null when the cloud was removed or cannot start in that time.
     */
    RbdCloudEngine awaitEngine(Duration timeout) throws InterruptedException {
        RbdCloud cloud = RbdCloud.named(cloudName);
        return cloud == null ? null : Engines.get().await(cloud, timeout);
    }

    @Override
    public RbdComputer createComputer() {
        return new RbdComputer(this);
    }

    /**
     * Hands the guest to the engine and returns at once: Jenkins may call this on a Timer thread
     * (CloudRetentionStrategy), and deletion retries busy disks for a while. The outcome, error
     * included, goes to the agent's log and to the Jenkins log; reconciliation removes what a
     * failed deletion leaves.
     */
    @Override
    protected void _terminate(TaskListener listener) {
        RbdComputer computer = getComputer() instanceof RbdComputer c ? c : null;
        Run<?, ?> run = computer == null ? null : computer.getLastRun();
        if (run != null) {
            BuildFigures.expect(cloudName, name, run); // its figures go on that build's page
        }
        Channel channel = computer == null ? null : computer.getChannel();
        // Never wait here, this may be a Timer thread: the rest runs in the background.
        Computer.threadPoolForRemoting.submit(() -> {
            try {
                closeQuietly(channel);
                // After a controller restart or a settings change the engine may still be starting:
                // hand the guest over once it runs, so snapshot-on-success still applies.
                RbdCloudEngine running = engine();
                RbdCloudEngine engine = running != null ? running : awaitEngine(ENGINE_WAIT);
                if (engine == null) {
                    listener.error("rbd-cloud " + cloudName + " is not running; reconciliation will remove the guest and disk of "
                            + name + " once the cloud is back");
                    return;
                }
                end(engine, run, listener);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /**
     * Closes the remoting channel and waits briefly for agent.jar's answer, before the guest is
     * destroyed: a channel cut by the destroy logs "I/O error in channel" with a stack trace at
     * every normal end.
     */
    private void closeQuietly(Channel channel) throws InterruptedException {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
            channel.join(CHANNEL_CLOSE_WAIT.toMillis());
        } catch (IOException e) {
            LOG.log(Level.FINE, "closing the channel of " + name, e);
        }
    }

    /**
     * With snapshot-on-success or onFailure=snapshot and a build that ran here, the disk is held and the build decides
     * when it completes ({@link PromotionDecisions}); otherwise the guest and its disk are deleted.
     */
    private void end(RbdCloudEngine engine, Run<?, ?> run, TaskListener listener) {
        CompletableFuture<String> ending;
        if (keepOnFailure && run != null && !run.isBuilding() && run.getResult() != hudson.model.Result.SUCCESS) {
            // The result is known (a freestyle build): the engine keeps the agent running until its deadline.
            ending = engine.complete(name, false, BuildProvenance.of(run)).thenApply(c -> KeptAgentAction.attachIfKept(run, this, c));
        } else if (keepOnFailure && run != null && run.isBuilding()) {
            // A Pipeline node block: no result yet. The agent keeps running until the build decides.
            ending = engine.endAndKeep(name, Instant.now()).thenApply(until -> {
                PromotionDecisions.awaitResult(run, cloudName, name, snapshotOnSuccess, this);
                return "ended " + name + " in Jenkins: kept running until " + run.getFullDisplayName()
                        + " has a result (at the latest until " + until + ")";
            });
        } else if ((snapshotOnSuccess || snapshotOnFailure) && run != null) {
            ending = engine.endAndHold(name, Instant.now()).thenApply(h -> {
                if (!h.held()) {
                    return "ended " + name + ": holding its disk failed (" + h.failure().orElse("unknown") + "), deleted";
                }
                PromotionDecisions.awaitResult(run, cloudName, name, snapshotOnSuccess, null);
                return "ended " + name + ": disk held for " + run.getFullDisplayName() + " to decide (snapshot in "
                        + h.snapshotTook().toMillis() + " ms, build wrote " + h.buildWrittenBytes() + " bytes)";
            });
        } else {
            ending = engine.terminate(name).thenApply(r -> "deleted " + name + " (disk " + r.disk() + ", "
                    + r.freedBytes() + " bytes freed) in " + Duration.ofMillis(r.took().toMillis()));
        }
        ending.whenComplete((done, failure) -> {
            if (failure == null) {
                listener.getLogger().println(done);
                LOG.fine(done);
                return;
            }
            failure.printStackTrace(listener.error("ending " + name + " failed; reconciliation retries the deletion"));
            LOG.log(Level.WARNING, "ending rbd-cloud agent " + name + " failed", failure);
        });
    }

    /** How long a failed build's agent is kept running (keep:&lt;d&gt;), when known. */
    java.util.Optional<Duration> keptFor() {
        return keepSeconds > 0 ? java.util.Optional.of(Duration.ofSeconds(keepSeconds)) : java.util.Optional.empty();
    }

    static String describe(io.jenkins.plugins.rbdcloud.engine.agents.CompletionReport r) {
        String promotion = r.promotedVersion().map(v -> "promoted to " + v + " (" + r.promotionPath() + "), ")
                .or(() -> r.promotionRefused().map(why -> "not promoted: " + why + ", "))
                .orElse(r.promotionFailure().map(f -> "promotion failed: " + f + ", ").orElse(""));
        return "ended " + r.agent() + ": " + promotion + "build wrote " + r.buildWrittenBytes() + " bytes, disk "
                + r.termination().disk();
    }

    @Extension
    public static final class DescriptorImpl extends SlaveDescriptor {

        @Override
        public String getDisplayName() {
            return "RBD cloud agent";
        }

        /** Agents are made by the cloud, never through "New node". */
        @Override
        public boolean isInstantiable() {
            return false;
        }
    }
}
