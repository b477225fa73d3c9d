package io.jenkins.plugins.rbdcloud;

import hudson.Extension;
import hudson.model.Descriptor;
import hudson.model.Node;
import hudson.model.TaskListener;
import hudson.slaves.AbstractCloudSlave;
import hudson.slaves.CloudRetentionStrategy;
import hudson.slaves.ComputerLauncher;
import hudson.slaves.JNLPLauncher;
import hudson.slaves.RetentionStrategy;
import io.jenkins.plugins.rbdcloud.engine.agents.Agent;
import io.jenkins.plugins.rbdcloud.engine.agents.RbdCloudEngine;
import io.jenkins.plugins.rbdcloud.engine.config.LauncherKind;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jenkinsci.plugins.durabletask.executors.OnceRetentionStrategy;

/**
 * A Jenkins node backed by one QEMU guest booted from an RBD clone. Terminating it hands the
 * guest to the engine (promotion after a successful build when the template asks, then deletion).
 */
public final class RbdAgent extends AbstractCloudSlave {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(RbdAgent.class.getName());

    private final String cloudName;
    private final String templateName;
    private final String hypervisor;
    private final String golden;
    /** Provisioning phase → milliseconds, kept so the agent page survives a controller restart. */
    private final LinkedHashMap<String, Long> phaseMillis = new LinkedHashMap<>();

    private RbdAgent(String name, String remoteFs, ComputerLauncher launcher, String cloudName, Agent agent)
            throws Descriptor.FormException, IOException {
        super(name, remoteFs, launcher);
        this.cloudName = cloudName;
        this.templateName = agent.template();
        this.hypervisor = agent.hypervisor();
        this.golden = agent.golden();
        agent.phases().forEach((phase, d) -> phaseMillis.put(phase.name().toLowerCase(java.util.Locale.ROOT), d.toMillis()));
    }

    /** The Jenkins node for an agent the engine made ready. */
    static RbdAgent of(String cloudName, AgentTemplate template, Agent agent) throws Descriptor.FormException, IOException {
        ComputerLauncher launcher = template.launcherKind() == LauncherKind.INBOUND ? inbound() : new ChannelLauncher();
        RbdAgent a = new RbdAgent(agent.name(), template.getRemoteFs(), launcher, cloudName, agent);
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
        return t.getIdleMinutes() <= 0 ? new OnceRetentionStrategy(AgentTemplate.ONE_SHOT_UNUSED_MINUTES)
                : new CloudRetentionStrategy(t.getIdleMinutes());
    }

    public String getCloudName() { return cloudName; }
    public String getTemplateName() { return templateName; }
    public String getHypervisor() { return hypervisor; }
    public String getGolden() { return golden; }
    public Map<String, Long> getPhaseMillis() { return Map.copyOf(phaseMillis); }

    /** The engine of this agent's cloud, or null when the cloud was removed or cannot start. */
    RbdCloudEngine engine() {
        RbdCloud cloud = RbdCloud.named(cloudName);
        return cloud == null ? null : Engines.running(cloud);
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
        RbdCloudEngine engine = engine();
        if (engine == null) {
            listener.error("rbd-cloud " + cloudName + " is not running; reconciliation will remove the guest and disk of "
                    + name + " once the cloud is back");
            return;
        }
        RbdComputer computer = getComputer() instanceof RbdComputer c ? c : null;
        Boolean success = computer == null ? null : computer.getBuildSucceeded();
        var ending = success == null
                ? engine.terminate(name).thenApply(r -> "deleted " + name + " (disk " + r.disk() + ", "
                        + r.freedBytes() + " bytes freed) in " + Duration.ofMillis(r.took().toMillis()))
                : engine.complete(name, success).thenApply(RbdAgent::describe);
        ending.whenComplete((done, failure) -> {
            if (failure == null) {
                listener.getLogger().println(done);
                return;
            }
            failure.printStackTrace(listener.error("ending " + name + " failed; reconciliation retries the deletion"));
            LOG.log(Level.WARNING, "ending rbd-cloud agent " + name + " failed", failure);
        });
    }

    private static String describe(io.jenkins.plugins.rbdcloud.engine.agents.CompletionReport r) {
        String promotion = r.promotedVersion().map(v -> "promoted to " + v + " (" + r.promotionPath() + "), ")
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
