package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import io.jenkins.plugins.rbdcloud.engine.agents.AgentLifecycleListener;
import io.jenkins.plugins.rbdcloud.engine.agents.CloudStatus;
import io.jenkins.plugins.rbdcloud.engine.agents.EngineOptions;
import io.jenkins.plugins.rbdcloud.engine.agents.PhaseTimings;
import io.jenkins.plugins.rbdcloud.engine.agents.policy.AgentNames;
import io.jenkins.plugins.rbdcloud.engine.agents.policy.CapacityLedger;
import io.jenkins.plugins.rbdcloud.engine.agents.policy.HypervisorState;
import io.jenkins.plugins.rbdcloud.engine.agents.policy.RecentEvents;
import io.jenkins.plugins.rbdcloud.engine.ceph.CephCluster;
import io.jenkins.plugins.rbdcloud.engine.ceph.CephConfig;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
import io.jenkins.plugins.rbdcloud.engine.config.CephSettings;
import io.jenkins.plugins.rbdcloud.engine.config.CloudSettings;
import io.jenkins.plugins.rbdcloud.engine.config.HostPort;
import io.jenkins.plugins.rbdcloud.engine.config.HypervisorSettings;
import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import io.jenkins.plugins.rbdcloud.engine.images.CatalogOptions;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenImages;
import io.jenkins.plugins.rbdcloud.engine.metrics.LabelBounds;
import io.jenkins.plugins.rbdcloud.engine.metrics.MetricRegistry;
import io.jenkins.plugins.rbdcloud.engine.util.DaemonThreads;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * What every engine part shares: settings, the one Ceph connection, the golden image catalog,
 * the hypervisors, the capacity ledger, the agents known, and the threads blocking calls run on.
 */
public final class EngineContext implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EngineContext.class.getName());
    /**
     * Engine work waiting for a thread. Far above what provisions, deletions and maintenance of
     * any cloud queue at once: reaching it means the backends stopped answering, and refusing
     * more work then beats piling it up without end.
     */
    private static final int QUEUE_LIMIT = 10_000;

    private final CloudSettings settings;
    private final EngineOptions options;
    private final CephCluster cluster;
    private final RbdPool agentsPool;
    private final GoldenImages catalog;
    private final Map<String, HypervisorNode> nodes = new LinkedHashMap<>();
    private final CapacityLedger ledger;
    private final PhaseTimings timings = new PhaseTimings(200);
    private final RecentEvents events = new RecentEvents(RecentEvents.DEFAULT_SIZE);
    private final CurrentGoldens goldens = new CurrentGoldens();
    private final PendingUndos pendingUndos = new PendingUndos(this);
    private final Map<String, AgentRecord> agents = new ConcurrentHashMap<>();
    private final ExecutorService executor;
    private final ScheduledExecutorService scheduler;
    /**
     * Diff walks for ended agents' figures (0.5 s for a 20 GiB disk): off the engine's threads, so
     * they overlap the domain's destroy instead of delaying the release of capacity.
     */
    private final ExecutorService walks = DaemonThreads.fixed("rbd-cloud-disk-walks", 2, QUEUE_LIMIT);
    private final PoolWatch pools;
    private final MetricRegistry metrics;

    public EngineContext(CloudSettings settings, EngineOptions options) {
        this.settings = settings;
        this.options = options;
        this.cluster = CephCluster.connect(cephConfig(settings.ceph()), options.connectTimeout());
        try {
            this.agentsPool = cluster.pool(settings.ceph().agentsPool());
            this.catalog = new GoldenImages(cluster.pool(settings.ceph().imagesPool()),
                    // The engine's clock, so the catalog's created-at tags compare with the agents' own
                    CatalogOptions.builder(settings.ownerId()).steps(options.catalogSteps()).clock(options.clock())
                            .lockTimeout(java.time.Duration.ofSeconds(60)).build());
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        for (HypervisorSettings h : settings.hypervisors()) {
            nodes.put(h.name(), new HypervisorNode(h, settings.name(), settings.ownerId(), options.perHypervisorConcurrency(),
                    options.clock()));
        }
        this.metrics = new MetricRegistry(new LabelBounds(
                settings.templates().stream().map(TemplateSettings::name).collect(Collectors.toSet()),
                settings.hypervisors().stream().map(HypervisorSettings::name).collect(Collectors.toSet()),
                settings.templates().stream().map(TemplateSettings::image).collect(Collectors.toSet())));
        this.ledger = new CapacityLedger(settings.maxAgents(), new AgentNames(new SecureRandom()));
        this.executor = DaemonThreads.fixed("rbd-cloud-engine", options.threads(), QUEUE_LIMIT);
        this.scheduler = DaemonThreads.timer("rbd-cloud-engine-timer");
        this.pools = new PoolWatch(cluster, List.of(settings.ceph().agentsPool(), settings.ceph().imagesPool()), options.clock(),
                scheduler);
    }

    /** The controller's connection for {@code c}: its conf file and/or monitors, user and key. */
    public static CephConfig cephConfig(CephSettings c) {
        String monHost = c.monitors().isEmpty() ? null
                : c.monitors().stream().map(HostPort::toString).collect(Collectors.joining(","));
        return new CephConfig(c.conf().orElse(null), monHost, c.user(), c.key().reveal());
    }

    public CloudSettings settings() { return settings; }
    public EngineOptions options() { return options; }
    public RbdPool agentsPool() { return agentsPool; }
    public GoldenImages catalog() { return catalog; }
    public CapacityLedger ledger() { return ledger; }
    public PhaseTimings timings() { return timings; }
    public RecentEvents events() { return events; }
    public CurrentGoldens goldens() { return goldens; }
    public PendingUndos pendingUndos() { return pendingUndos; }
    /** Faults of the agents and images pools (full, no OSD serving them). */
    public PoolWatch pools() { return pools; }
    public Map<String, AgentRecord> agents() { return agents; }
    /** The engine's counters and timers; label values bounded by the configured templates, hypervisors and images. */
    public MetricRegistry metrics() { return metrics; }
    public ExecutorService executor() { return executor; }
    public ScheduledExecutorService scheduler() { return scheduler; }
    public ExecutorService walks() { return walks; }
    public AgentLifecycleListener listener() { return options.listener(); }
    public Instant now() { return options.clock().instant(); }
    public Clock clock() { return options.clock(); }

    public HypervisorNode node(String name) {
        HypervisorNode n = nodes.get(name);
        if (n == null) {
            throw new IllegalStateException("no hypervisor named " + name);
        }
        return n;
    }

    public List<HypervisorNode> nodes() {
        return List.copyOf(nodes.values());
    }

    public List<HypervisorState> hypervisorStates() {
        Instant now = now();
        List<HypervisorState> out = new ArrayList<>();
        nodes.values().forEach(n -> out.add(n.state(now)));
        return out;
    }

    /** Records a failure for the status page, now; what it left behind is reconciliation's. */
    public void recordFailure(String agent, String template, CloudStatus.Kind kind, String step, String reason) {
        events.failed(new CloudStatus.Failure(now(), agent, template, kind, step, reason));
    }

    /** Calls the listener, which must not break the engine. */
    public void tell(java.util.function.Consumer<AgentLifecycleListener> event) {
        try {
            event.accept(options.listener());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "agent lifecycle listener failed", e);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        scheduler.shutdownNow();
        walks.shutdownNow();
        pools.close();
        try {
            executor.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (HypervisorNode n : nodes.values()) {
            try {
                n.removeSecret(settings.ceph().hypervisorUser());
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "could not remove the Ceph secret from " + n.name(), e);
            }
            n.close();
        }
        catalog.close();
        cluster.close();
    }
}
