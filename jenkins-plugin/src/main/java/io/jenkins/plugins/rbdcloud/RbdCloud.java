package io.jenkins.plugins.rbdcloud;

import hudson.model.Label;
import hudson.model.Node;
import hudson.slaves.Cloud;
import hudson.slaves.NodeProvisioner.PlannedNode;
import io.jenkins.plugins.rbdcloud.engine.agents.Agent;
import io.jenkins.plugins.rbdcloud.engine.agents.Launch;
import io.jenkins.plugins.rbdcloud.engine.agents.RbdCloudEngine;
import io.jenkins.plugins.rbdcloud.engine.config.CephSettings;
import io.jenkins.plugins.rbdcloud.engine.config.CloudSettings;
import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.Jenkins;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.HttpResponse;

/**
 * Jenkins agents as QEMU guests booted from Ceph RBD clones of golden images. A thin adapter:
 * the engine plans, creates, ends and reconciles agents; this class maps the Jenkins
 * configuration to the engine's settings and the engine's launches to planned nodes.
 */
public final class RbdCloud extends Cloud {

    private static final Logger LOG = Logger.getLogger(RbdCloud.class.getName());

    private CephSection ceph = new CephSection();
    private List<HypervisorEntry> hypervisors = new ArrayList<>();
    private List<AgentTemplate> templates = new ArrayList<>();
    private int maxAgents = 10;
    private int reconcileGraceMinutes = (int) CloudSettings.DEFAULT_RECONCILE_GRACE.toMinutes();
    private String jenkinsUrl;

    @DataBoundConstructor
    public RbdCloud(String name) {
        super(name);
    }

    public String getName() { return name; }
    public CephSection getCeph() { return ceph; }
    public List<HypervisorEntry> getHypervisors() { return List.copyOf(hypervisors); }
    public List<AgentTemplate> getTemplates() { return List.copyOf(templates); }
    public int getMaxAgents() { return maxAgents; }
    public int getReconcileGraceMinutes() { return reconcileGraceMinutes; }
    public String getJenkinsUrl() { return jenkinsUrl; }

    @DataBoundSetter public void setCeph(CephSection ceph) { this.ceph = ceph == null ? new CephSection() : ceph; }
    @DataBoundSetter public void setHypervisors(List<HypervisorEntry> v) { hypervisors = v == null ? new ArrayList<>() : new ArrayList<>(v); }
    @DataBoundSetter public void setTemplates(List<AgentTemplate> v) { templates = v == null ? new ArrayList<>() : new ArrayList<>(v); }
    @DataBoundSetter public void setMaxAgents(int v) { maxAgents = v; }
    @DataBoundSetter public void setReconcileGraceMinutes(int v) { reconcileGraceMinutes = v; }
    /** What inbound agents dial when it is not the Jenkins URL (e.g. 10.0.2.2 from QEMU user networking); blank: the Jenkins URL. */
    @DataBoundSetter public void setJenkinsUrl(String v) { jenkinsUrl = FormChecks.blankToNull(v); }

    /** The URL inbound agents of this cloud dial, or null when Jenkins has none configured. */
    String agentJenkinsUrl() {
        return jenkinsUrl != null ? jenkinsUrl : Jenkins.get().getRootUrl();
    }

    /** For the cloud page: the running engine, or null while it starts or when it cannot (see {@link #getEngineError()}). */
    public RbdCloudEngine getEngine() {
        return Engines.get().running(this);
    }

    /**
     * For the cloud page: the engine's status report, or why there is none. Unlike {@link #getEngine()},
     * a page view starts no engine and reads no credentials.
     */
    public CloudStatusView getStatus() {
        return CloudStatusView.of(name, Instant.now());
    }

    public String getEngineError() {
        return Engines.get().lastError(name);
    }

    /** The golden image page, {@code cloud/<name>/images/}: versions, rollback and prune. */
    public GoldenImagesPage getImages() {
        return new GoldenImagesPage(this);
    }

    /** For the cloud page: the template's warm agents (idle, online or connecting) of its warm pool size. */
    public String warmAgents(String templateName) {
        AgentTemplate t = template(templateName);
        return WarmAgents.warm(Jenkins.get(), name, templateName) + " of " + (t == null ? 0 : t.getWarmPool());
    }

    /**
     * {@code cloud/<name>/metrics}: the engine's counters and gauges in the Prometheus text format,
     * for administrators (a scraper logs in with an API token). Starts no engine.
     */
    public HttpResponse doMetrics() {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        return MetricsEndpoint.of(name);
    }

    /** The cloud called {@code name}, if it is an rbd-cloud. */
    static RbdCloud named(String name) {
        return Jenkins.get().clouds.getByName(name) instanceof RbdCloud c ? c : null;
    }

    AgentTemplate template(String templateName) {
        return templates.stream().filter(t -> t.getName().equals(templateName)).findFirst().orElse(null);
    }

    /**
     * The engine's view of this cloud; throws the engine's {@code SettingException} (an
     * IllegalArgumentException) with the engine's message when something is unusable. The
     * controller's instance id is the owner tag, so reconciliation never touches another Jenkins' guests.
     */
    CloudSettings toSettings() {
        CephSettings cephSettings = ceph.toSettings();
        return CloudSettings.builder(name).ownerId(Jenkins.get().getLegacyInstanceId()).ceph(cephSettings)
                .hypervisors(hypervisors.stream().map(HypervisorEntry::toSettings).toList())
                .templates(templates.stream().map(AgentTemplate::toSettings).toList())
                .maxAgents(maxAgents).reconcileGrace(Duration.ofMinutes(reconcileGraceMinutes)).build();
    }

    /** Label matching stays with Jenkins: the engine gets a predicate over its templates. */
    private Predicate<TemplateSettings> matching(Label label) {
        return ts -> {
            AgentTemplate t = template(ts.name());
            return t != null && t.matches(label);
        };
    }

    @Override
    public boolean canProvision(CloudState state) {
        return templates.stream().anyMatch(t -> t.matches(state.getLabel()));
    }

    /**
     * Never blocks: the engine reserves capacity and returns launches whose futures it completes
     * later (always, within the template's start timeout). While the engine is still starting,
     * nothing is planned and the next review asks again.
     */
    @Override
    public Collection<PlannedNode> provision(CloudState state, int excessWorkload) {
        Engines engines = Engines.get();
        RbdCloudEngine engine = engines.running(this);
        if (engine == null) {
            LOG.fine(() -> "rbd-cloud " + name + ": engine not running (" + engines.lastError(name) + "), nothing planned for "
                    + state.getLabel());
            return List.of();
        }
        List<PlannedNode> planned = new ArrayList<>();
        for (Launch launch : engine.plan(matching(state.getLabel()), excessWorkload)) {
            AgentTemplate template = template(launch.template().name());
            CompletableFuture<Node> node = launch.ready().thenApply(agent -> toNode(engine, template, agent));
            // NodeProvisioner looks at finished launches only at its next tick (every 10 s): ask now.
            node.whenComplete((n, failure) -> Reviews.suggestNow(state.getLabel()));
            planned.add(new PlannedNode(launch.name(), node, launch.executors()));
        }
        if (planned.stream().mapToInt(p -> p.numExecutors).sum() < excessWorkload) {
            // Why a waiting build gets no agent now: capacity in use, or a template backing off.
            LOG.fine(() -> "rbd-cloud " + name + ": " + planned.size() + " agent(s) planned for " + excessWorkload
                    + " executor(s) wanted by " + state.getLabel() + "; capacity " + engine.usage() + ", backing off "
                    + engine.backoffs().keySet());
            Reviews.retrySoon(state.getLabel());
        }
        return planned;
    }

    /** The Jenkins node for a ready agent; if Jenkins cannot make one, the guest is handed back at once. */
    private Node toNode(RbdCloudEngine engine, AgentTemplate template, Agent agent) {
        try {
            return RbdAgent.of(name, template, agent);
        } catch (Exception e) {
            LOG.log(Level.WARNING, "rbd-cloud " + name + ": cannot create the node for " + agent.name() + ", deleting it", e);
            engine.terminate(agent.name());
            throw new CompletionException(e);
        }
    }

    @Override
    public RbdCloudDescriptor getDescriptor() {
        return (RbdCloudDescriptor) Jenkins.get().getDescriptorOrDie(RbdCloud.class);
    }
}
