package io.jenkins.plugins.rbdcloud.engine.agents;

import io.jenkins.plugins.rbdcloud.engine.agents.internal.Adopter;
import io.jenkins.plugins.rbdcloud.engine.agents.internal.AgentEnding;
import io.jenkins.plugins.rbdcloud.engine.agents.internal.AgentRecord;
import io.jenkins.plugins.rbdcloud.engine.agents.internal.EngineContext;
import io.jenkins.plugins.rbdcloud.engine.agents.internal.EngineGauges;
import io.jenkins.plugins.rbdcloud.engine.agents.internal.GuestSecretFile;
import io.jenkins.plugins.rbdcloud.engine.agents.internal.HealthWatch;
import io.jenkins.plugins.rbdcloud.engine.agents.internal.HeartbeatWriter;
import io.jenkins.plugins.rbdcloud.engine.agents.internal.ImageMaintenance;
import io.jenkins.plugins.rbdcloud.engine.agents.internal.LaunchOutcomes;
import io.jenkins.plugins.rbdcloud.engine.agents.internal.OrphanSweeper;
import io.jenkins.plugins.rbdcloud.engine.agents.internal.Provisioner;
import io.jenkins.plugins.rbdcloud.engine.agents.internal.Teardown;
import io.jenkins.plugins.rbdcloud.engine.agents.internal.WarmPools;
import io.jenkins.plugins.rbdcloud.engine.agents.policy.RecentEvents;
import io.jenkins.plugins.rbdcloud.engine.ceph.CephConfig;
import io.jenkins.plugins.rbdcloud.engine.config.CephSettings;
import io.jenkins.plugins.rbdcloud.engine.config.CloudSettings;
import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import io.jenkins.plugins.rbdcloud.engine.images.Provenance;
import io.jenkins.plugins.rbdcloud.engine.libvirt.AgentChannel;
import io.jenkins.plugins.rbdcloud.engine.libvirt.ExecResult;
import io.jenkins.plugins.rbdcloud.engine.metrics.LabelBounds;
import io.jenkins.plugins.rbdcloud.engine.metrics.Metric;
import io.jenkins.plugins.rbdcloud.engine.metrics.PrometheusText;
import io.jenkins.plugins.rbdcloud.engine.metrics.Sample;
import io.jenkins.plugins.rbdcloud.engine.metrics.Metric;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The agent lifecycle engine of one rbd-cloud: plans agents against the caps, creates them
 * (clone → start → ready), ends them (deleted, or the disk held until the build's result decides
 * promotion), ends sick ones (watchdog, crash, disk I/O error, unexpected stop: see
 * {@link AgentLifecycleListener#sick}), keeps warm pools, reconciles leaked objects and maintains
 * golden images. Thread-safe. Every blocking Ceph or libvirt call runs on the engine's own bounded executor, never on the caller's thread: the
 * methods return futures, or, for {@link #plan}, launches whose futures complete later.
 */
public final class RbdCloudEngine implements AutoCloseable {

    private static final Duration GUEST_FILE_TIMEOUT = Duration.ofSeconds(30);
    /** How long close waits for disk removals started in the background and not failed yet. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

    private final EngineContext ctx;
    private final Provisioner provisioner;
    private final AgentEnding ending;
    private final OrphanSweeper sweeper;
    private final ImageMaintenance maintenance;
    private final WarmPools warm;
    private final ImageCatalog images;
    private final Adopter adopter;
    private final HeartbeatWriter heartbeat;
    private final LaunchOutcomes outcomes;
    private final Teardown teardown;
    private final EngineGauges gauges;

    private RbdCloudEngine(EngineContext ctx) {
        this.ctx = ctx;
        this.teardown = new Teardown(ctx);
        this.ending = new AgentEnding(ctx, teardown);
        HealthWatch health = new HealthWatch(ctx, ending, this::leaveWarmPool);
        this.outcomes = new LaunchOutcomes(ctx);
        this.provisioner = new Provisioner(ctx, teardown, health, outcomes);
        ending.testBootWith(provisioner);
        this.sweeper = new OrphanSweeper(ctx, teardown);
        this.maintenance = new ImageMaintenance(ctx);
        this.warm = new WarmPools(ctx, provisioner, ending);
        this.images = new ImageCatalog(ctx);
        this.adopter = new Adopter(ctx, health);
        this.heartbeat = new HeartbeatWriter(ctx);
        this.gauges = new EngineGauges(ctx);
    }

    /** A sick warm agent leaves its pool (the pools are made after the health watch). */
    private void leaveWarmPool(AgentRecord a) {
        warm.remove(a);
    }

    /** Connects to Ceph (blocking, bounded by the options' connect timeout); hypervisors are connected on first use. */
    public static RbdCloudEngine start(CloudSettings settings, EngineOptions options) {
        return new RbdCloudEngine(new EngineContext(settings, options));
    }

    /**
     * How the engine connects to Ceph for {@code ceph} (controller user), for callers that need
     * their own short connection, e.g. a connection test or the CLI.
     */
    public static CephConfig cephConfig(CephSettings ceph) {
        return EngineContext.cephConfig(ceph);
    }

    public CloudSettings settings() {
        return ctx.settings();
    }

    /**
     * Agents for {@code excessWorkload} executors of the templates {@code matches} accepts, warm ones
     * first (handed out at once), then new ones with capacity reserved before anything is created.
     * A template whose launches kept failing at one step gets no new agents while it backs off;
     * {@link #status} says why and until when.
     */
    public List<Launch> plan(Predicate<TemplateSettings> matches, int excessWorkload) {
        List<Launch> out = new ArrayList<>();
        int remaining = excessWorkload;
        for (TemplateSettings t : ctx.settings().templates()) {
            while (remaining > 0 && matches.test(t)) {
                Launch w = warm.take(t).orElse(null);
                if (w == null) {
                    break;
                }
                ctx.metrics().increment(Metric.WARM_POOL_HITS, t.name());
                out.add(w);
                remaining -= t.executors();
            }
        }
        if (remaining > 0) {
            out.addAll(provisioner.plan(matches, remaining));
        }
        return List.copyOf(out);
    }

    /**
     * Whether a template {@code matches} accepts could get an agent now (a warm one, or free
     * capacity and not backing off: {@link #backoffs} says why not).
     */
    public boolean canProvision(Predicate<TemplateSettings> matches) {
        return ctx.settings().templates().stream().filter(matches).anyMatch(t -> warm.readyCount(t.name()) > 0)
                || provisioner.hasRoom(matches);
    }

    /** One agent of {@code template}, under the same caps. */
    public Launch provision(String template) {
        TemplateSettings t = ctx.settings().template(template)
                .orElseThrow(() -> new IllegalArgumentException("no template named " + template));
        List<Launch> l = plan(x -> x == t, t.executors());
        if (l.isEmpty()) {
            String why = provisioner.refusal(template)
                    .orElse("no capacity for template " + template + " (" + ctx.ledger().usage() + ")");
            CompletableFuture<Agent> failed = CompletableFuture.failedFuture(new ProvisioningException("-", "reserve", why, null));
            return new Launch("-", t, t.executors(), failed);
        }
        return l.get(0);
    }

    /**
     * Takes over the agents an earlier engine of this controller and cloud left running (after a
     * controller restart): running domains with our tags whose disk is present become ready agents,
     * counted against the caps, usable with {@link #exec}, {@link #openChannel}, {@link #terminate}
     * and {@link #complete}. Call it once after start, before the first {@link #reconcile}.
     */
    public CompletableFuture<AdoptionReport> adopt(Instant now) {
        return async(() -> adopter.adopt(now));
    }

    /**
     * Ends an agent whose build's result is known: when {@code success} and the template asks, the
     * same as {@link #endAndHold} then {@link #promoteHeld}; when not, per the template's
     * {@code onFailure}: {@link #endAndHold} then {@link #failHeld} ({@code snapshot}), the agent kept
     * running until its deadline ({@code keep:<d>}, reconciliation removes it then), or deleted.
     */
    public CompletableFuture<CompletionReport> complete(String agent, boolean success, Provenance provenance) {
        java.util.Objects.requireNonNull(provenance, "provenance");
        return async(() -> ending.complete(takeForEnding(agent), success, provenance));
    }

    /**
     * Ends an agent before its build has a result (a Pipeline {@code node} block's agent) when its
     * template keeps failed agents running ({@code onFailure=keep:<d>}): the guest keeps running, out
     * of Jenkins, until the build decides with {@link #complete} (failed: kept until the template's
     * deadline; succeeded: promoted when the template asks, else deleted). Undecided, reconciliation
     * removes it at the returned deadline ({@code now} plus the hold limit), also after a restart.
     */
    public CompletableFuture<Instant> endAndKeep(String agent, Instant now) {
        return async(() -> ending.keepUntilDecided(takeForEnding(agent), now));
    }

    /**
     * Ends an agent before its build has a result (a Pipeline {@code node} block's agent): the guest
     * is trimmed and frozen per the template's consistency, its disk snapshotted while frozen, the
     * domain destroyed, and the disk kept with that snapshot, tagged held until {@code now} plus the
     * hold limit. Decide later, from any engine of this controller and cloud, with
     * {@link #promoteHeld} or {@link #dropHeld}; unless decided, reconciliation drops it after the
     * limit. A hold that fails deletes the disk; the report says why.
     */
    public CompletableFuture<HoldReport> endAndHold(String agent, Instant now) {
        return async(() -> ending.hold(takeForEnding(agent), now));
    }

    /**
     * Promotes a held disk's snapshot to the next version of the golden image it was cloned from
     * (native, the copy path if that fails); the disk is deleted after the background flatten, or
     * at once when the promotion fails. Safe to repeat: nothing held any more gives an empty report.
     * The template's {@code promoteFrom} must allow {@code provenance} (the build that asks) and the
     * build must have written less than the template's delta guard; otherwise the disk is dropped and
     * the report names the rule that refused ({@link CompletionReport#promotionRefused()}).
     */
    public CompletableFuture<CompletionReport> promoteHeld(String agent, Provenance provenance) {
        java.util.Objects.requireNonNull(provenance, "provenance");
        return async(() -> ending.held().promote(agent, provenance));
    }

    /** Deletes a held disk and its snapshot. Safe to repeat: nothing held any more gives fate {@code ABSENT}. */
    public CompletableFuture<TerminationReport> dropHeld(String agent) {
        return async(() -> ending.held().drop(agent));
    }

    /**
     * The build on a held disk did not succeed ({@code reason}, e.g. its result): with the template's
     * {@code onFailure=snapshot} the disk and its snapshot are kept until {@code now} plus the
     * template's failure retention, at most its count of them (the oldest go first); otherwise the
     * disk is dropped. Empty when dropped. Safe to repeat.
     */
    public CompletableFuture<Optional<FailureSnapshot>> failHeld(String agent, Optional<Provenance> build, String reason,
                                                                 Instant now) {
        java.util.Objects.requireNonNull(build, "build");
        return async(() -> {
            Optional<FailureSnapshot> f = ending.held().fail(agent, build, reason, now);
            f.ifPresent(x -> ctx.tell(l -> l.failureKept(x)));
            return f;
        });
    }

    /** The failure snapshots of this controller and cloud (also those an earlier engine kept), oldest first. */
    public CompletableFuture<List<FailureSnapshot>> failures() {
        return async(() -> ending.held().failures().list());
    }

    /** Longest life of a debug agent. */
    public static final Duration MAX_DEBUG = Duration.ofDays(1);

    /**
     * Boots a debug agent from a failure snapshot, named by its agent ({@code debian-x1y2z3}), its
     * snapshot ({@code agents/debian-x1y2z3@rbd-cloud.failure}) or its build ({@code job#12}, the
     * newest if several): a new agent of the same template on a clone of the snapshot, not
     * connected to Jenkins, tagged so that reconciliation keeps it until {@code now} plus
     * {@code lifetime} and removes it after. End it earlier with {@link #terminate}.
     */
    public CompletableFuture<Agent> debug(String failure, Duration lifetime, Instant now) {
        if (lifetime.compareTo(Duration.ofMinutes(1)) < 0 || lifetime.compareTo(MAX_DEBUG) > 0) {
            throw new IllegalArgumentException("a debug agent lives between 1m and 1d, got " + lifetime);
        }
        return async(() -> {
            FailureSnapshot f = ending.held().failures().find(failure);
            TemplateSettings t = ctx.settings().template(f.template()).orElseThrow(() -> new IllegalArgumentException(
                    "template " + f.template() + " of " + f.agent() + " is no longer configured"));
            return provisioner.launchDebug(t, f.agent(), now.plus(lifetime)).orElseThrow(() -> new IllegalStateException(
                    "no capacity for a debug agent of template " + t.name() + " (" + ctx.ledger().usage() + ")"));
        }).thenCompose(job -> job.toLaunch().ready());
    }

    /** The held disks of this controller and cloud (also those an earlier engine held), by agent name. */
    public CompletableFuture<List<HeldDisk>> held() {
        return async(() -> ending.held().list());
    }

    /**
     * Deletes an agent (also one still being created: its launch fails and everything is undone).
     * Completes once its domain is destroyed: the disk is removed in the background (fate
     * {@code REMOVING}, see {@link TerminationReport.DiskFate#REMOVING}).
     */
    public CompletableFuture<TerminationReport> terminate(String agent) {
        return terminate(agent, a -> CompletableFuture.completedFuture(ending.terminate(a)));
    }

    /** As {@link #terminate}, completing only once the disk is gone too, with the bytes that freed (for a CLI). */
    public CompletableFuture<TerminationReport> terminateAndWait(String agent) {
        return terminate(agent, ending::terminateAndWait);
    }

    private CompletableFuture<TerminationReport> terminate(String agent,
                                                           Function<AgentRecord, CompletableFuture<TerminationReport>> end) {
        AgentRecord a = ctx.agents().get(agent);
        var job = provisioner.inFlight(agent);
        if (a != null && a.state() == AgentRecord.State.PROVISIONING && job.isPresent()) {
            job.get().cancel("terminated while provisioning");
            // Became ready anyway (the abandon came too late): delete it like any other.
            return job.get().settled().thenComposeAsync(live -> live ? async(() -> takeForEnding(agent)).thenCompose(end)
                    : CompletableFuture.completedFuture(new TerminationReport(agent, false, TerminationReport.DiskFate.ABSENT,
                            0, Duration.ZERO)), ctx.executor());
        }
        return async(() -> takeForEnding(agent)).thenCompose(end);
    }

    private AgentRecord takeForEnding(String agent) {
        AgentRecord a = ctx.agents().get(agent);
        if (a == null || a.state() == AgentRecord.State.PROVISIONING) {
            throw new IllegalArgumentException("no ready agent named " + agent);
        }
        if (a.sick() != null) {
            // Being deleted already, and its disk is never promoted.
            throw new IllegalArgumentException("agent " + agent + " was ended by rbd-cloud: " + a.sick());
        }
        warm.remove(a);
        return a;
    }

    /** Runs {@code command} (no shell) in the agent's guest through qemu-guest-agent. */
    public CompletableFuture<ExecResult> exec(String agent, Duration timeout, String... command) {
        if (command.length == 0) {
            throw new IllegalArgumentException("a command is needed");
        }
        return async(() -> live(agent).handle().agent().exec(command[0], List.of(command).subList(1, command.length), timeout));
    }

    /**
     * Writes a small file ({@value GuestSecretFile#MAX_BYTES} bytes at most) into the agent's guest through
     * qemu-guest-agent, readable by root only: mode 0600, its directory created with mode 0700 if missing.
     * For secrets such as an inbound agent's; the content never reaches a log or SMBIOS.
     */
    public CompletableFuture<Void> writeGuestFile(String agent, String path, byte[] content) {
        GuestSecretFile.checkPath(path);
        if (content.length > GuestSecretFile.MAX_BYTES) {
            throw new IllegalArgumentException("guest files written by the engine are at most " + GuestSecretFile.MAX_BYTES + " bytes");
        }
        byte[] copy = content.clone();
        return async(() -> {
            GuestSecretFile.write(live(agent).handle().agent(), path, copy, GUEST_FILE_TIMEOUT);
            return null;
        });
    }

    /** The agent's virtio-serial channel (one client at a time); blocks briefly on libvirt. */
    public AgentChannel openChannel(String agent) {
        return live(agent).handle().openChannel();
    }

    private AgentRecord live(String agent) {
        AgentRecord a = ctx.agents().get(agent);
        if (a == null || a.handle() == null || a.state() == AgentRecord.State.PROVISIONING) {
            throw new IllegalArgumentException("no ready agent named " + agent);
        }
        return a;
    }

    /** Ready agents (warm ones included), by name. */
    public List<Agent> agents() {
        return ctx.agents().values().stream()
                .filter(a -> a.state() == AgentRecord.State.READY || a.state() == AgentRecord.State.WARM)
                .map(AgentRecord::toAgent).sorted(Comparator.comparing(Agent::name)).toList();
    }

    /**
     * Bytes each agent's builds wrote to its disk so far, measured now: the exact extents of an RBD
     * diff against its golden version, as in {@link AgentFigures#bytesWritten}; -1 when unreadable.
     */
    public CompletableFuture<java.util.Map<String, Long>> bytesWritten() {
        return async(() -> {
            java.util.Map<String, Long> m = new java.util.TreeMap<>();
            for (Agent a : agents()) {
                try {
                    m.put(a.name(), ctx.agentsPool().writtenBytes(a.name()));
                } catch (RuntimeException e) {
                    m.put(a.name(), -1L);
                }
            }
            return m;
        });
    }

    /** The figures of the agents that ended last (at most {@value RecentEvents#DEFAULT_SIZE}), newest first. */
    public List<AgentFigures> recentFigures() {
        return ctx.events().figures();
    }

    /**
     * This engine's counters and timers since it started (provisions, warm-pool hits, promotions,
     * rollbacks, leaks found), and gauges read now (capacity in use per hypervisor, golden versions,
     * flatten backlog). Label values are bounded by the configuration (see {@link LabelBounds}).
     */
    public CompletableFuture<List<Sample>> metrics() {
        return async(() -> {
            List<Sample> out = new ArrayList<>(ctx.metrics().samples());
            out.addAll(gauges.read());
            return List.copyOf(out);
        });
    }

    /** {@link #metrics()} in the Prometheus text format ({@link PrometheusText#CONTENT_TYPE}). */
    public CompletableFuture<String> metricsText() {
        return metrics().thenApply(PrometheusText::render);
    }

    public CapacityUsage usage() {
        return ctx.ledger().usage();
    }

    public PhaseTimings timings() {
        return ctx.timings();
    }

    /**
     * Removes our domains and disks that {@code knownAgents} does not name, that are not being created
     * and are older than the reconcile grace. Never fails: what went wrong is in the report.
     */
    public CompletableFuture<ReconcileReport> reconcile(Set<String> knownAgents, Instant now) {
        return async(() -> {
            ReconcileReport r = sweeper.sweep(knownAgents, now);
            ctx.events().reconciled(now, r);
            return r;
        });
    }

    /**
     * The cloud's health for a status page: hypervisors, templates, recent launches and failures,
     * the last reconciliation. Cheap and never blocks: no Ceph or libvirt call, only what the engine
     * tracks (a golden image's current version is the one last seen while working, with its time).
     */
    public CloudStatus status(Instant now) {
        CapacityUsage usage = ctx.ledger().usage();
        Map<String, CloudStatus.Reachability> reachability = new HashMap<>();
        ctx.nodes().forEach(n -> reachability.put(n.name(), n.reachability(now)));
        Map<String, Integer> warmReady = new HashMap<>();
        ctx.settings().templates().forEach(t -> warmReady.put(t.name(), warm.readyCount(t.name())));
        return new CloudStatus(now, usage.live(), usage.reserved(), usage.maxAgents(),
                StatusAssembly.hypervisors(ctx.settings().hypervisors(), reachability, usage),
                StatusAssembly.templates(ctx.settings().templates(), usage, warmReady, ctx.goldens().snapshot(),
                        outcomes.backoffs(now)),
                ctx.events().launches(), ctx.events().failures(), ctx.events().lastReconcile(), ctx.events().rollbacks(),
                ctx.pendingUndos().list());
    }

    /** Templates that get no new agents now because their launches kept failing, by name, with why and until when. */
    public Map<String, CloudStatus.Backoff> backoffs() {
        return outcomes.backoffs(ctx.now());
    }

    /** The golden image catalog: list (versions, clones), rollback, prune. */
    public ImageCatalog images() {
        return images;
    }

    /** Completes pending flattens, prunes old golden versions and purges our trashed agent disks. */
    public CompletableFuture<MaintenanceReport> maintainImages(Instant now) {
        return async(() -> maintenance.run(now));
    }

    /**
     * Periodic work: the controller heartbeat refreshed (see {@link ControllerHeartbeat}), warm pools
     * recycled (version change, max age) and topped up, long-lived agents trimmed, pending undos of
     * failed launches retried when due (see {@link PendingUndo}). Starts the
     * blocking part in the background; returns when to call again.
     */
    public Instant tick(Instant now) {
        ctx.executor().execute(() -> heartbeat.beat(now));
        if (!ctx.pendingUndos().isEmpty()) {
            ctx.executor().execute(() -> ctx.pendingUndos().retryDue(now, teardown));
        }
        Instant next = warm.tick(now);
        return ctx.pendingUndos().nextDue().filter(d -> d.isBefore(next)).orElse(next);
    }

    /** Failed launches whose leftovers are not removed yet, by agent name. */
    public List<PendingUndo> pendingUndos() {
        return ctx.pendingUndos().list();
    }

    /**
     * Retries the pending undos as they fall due until none is left or {@code timeout} has passed,
     * telling {@code progress} what is still pending about once a second (for a CLI about to exit).
     * Returns what is left.
     */
    public List<PendingUndo> awaitUndos(Duration timeout, java.util.function.Consumer<List<PendingUndo>> progress)
            throws InterruptedException {
        Instant end = ctx.now().plus(timeout);
        while (!ctx.pendingUndos().isEmpty() && ctx.now().isBefore(end)) {
            progress.accept(pendingUndos());
            CompletableFuture<Void> round = CompletableFuture.runAsync(() -> ctx.pendingUndos().retryDue(ctx.now(), teardown),
                    ctx.executor());
            try {
                round.get(Math.max(1, Duration.between(ctx.now(), end).toMillis()), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                break; // a removal still hung at the end: report what is left
            }
            if (!ctx.pendingUndos().isEmpty()) {
                Thread.sleep(Math.min(1000, Math.max(0, Duration.between(ctx.now(), end).toMillis())));
            }
        }
        return pendingUndos();
    }

    private <T> CompletableFuture<T> async(Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, ctx.executor());
    }

    /**
     * Waits (bounded) for the disk removals of terminated agents still under way, then stops the
     * threads, removes its heartbeat and the Ceph secrets this engine defined on the
     * hypervisors, and disconnects. Agents keep running.
     */
    @Override
    public void close() {
        ctx.pendingUndos().awaitFirstAttempts(CLOSE_WAIT);
        heartbeat.end();
        ctx.close();
    }
}
