package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import io.jenkins.plugins.rbdcloud.engine.agents.AgentFigures;
import io.jenkins.plugins.rbdcloud.engine.agents.CloudStatus;

import io.jenkins.plugins.rbdcloud.engine.agents.CompletionReport;
import io.jenkins.plugins.rbdcloud.engine.agents.HoldReport;
import io.jenkins.plugins.rbdcloud.engine.agents.PhaseTimings;
import io.jenkins.plugins.rbdcloud.engine.agents.TerminationReport;
import io.jenkins.plugins.rbdcloud.engine.agents.FailureSnapshot;
import io.jenkins.plugins.rbdcloud.engine.config.FailurePolicy;
import io.jenkins.plugins.rbdcloud.engine.config.SnapshotPolicy;
import io.jenkins.plugins.rbdcloud.engine.images.Provenance;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * Ends an agent: deleted, or its disk held (see {@link HeldDisks}) until the build's result
 * decides. {@link #complete} is hold and promote in one go, for callers that know the result when
 * the agent ends.
 */
public final class AgentEnding {

    private final EngineContext ctx;
    private final Teardown teardown;
    private final HeldDisks held;
    private final EndFigures figures;

    public AgentEnding(EngineContext ctx, Teardown teardown) {
        this.ctx = ctx;
        this.teardown = teardown;
        this.held = new HeldDisks(ctx, teardown);
        this.figures = new EndFigures(ctx);
    }

    /** Candidate versions promoted from held disks are test-booted by {@code provisioner}, one at a time. */
    public void testBootWith(Provisioner provisioner) {
        held.testBootWith(new CandidateBoot(ctx, provisioner, this::terminate));
    }

    /** Held disks: promote, drop, list. */
    public HeldDisks held() {
        return held;
    }

    /** The hold, and the deletion that followed a failed one (null when held). */
    private record Outcome(HoldReport hold, TerminationReport termination) {}

    /** Ends the agent and holds its disk; a hold that fails deletes the disk as well. */
    public HoldReport hold(AgentRecord agent, Instant now) {
        return holdOrTerminate(agent, now).hold();
    }

    private Outcome holdOrTerminate(AgentRecord agent, Instant now) {
        Instant t0 = ctx.now();
        agent.state(AgentRecord.State.ENDING);
        HoldReport h = held.hold(agent, now);
        if (!h.held()) {
            ctx.recordFailure(agent.name(), agent.template().name(), CloudStatus.Kind.PROMOTION, "hold", h.failure().orElseThrow());
            ctx.tell(l -> l.promotionFailed(agent.name(), new IllegalStateException(h.failure().orElseThrow())));
            return new Outcome(h, terminate(agent));
        }
        Instant heldAt = ctx.now();
        ctx.ledger().release(agent.reservation());
        ctx.agents().remove(agent.name(), agent);
        // Held: nothing is freed yet (that happens when the disk is dropped, or after a promotion's flatten).
        // Walked once the capacity is free, and before the build's decision can rename or drop the snapshot.
        figures.ended(agent, EndFigures.await(figures.start(agent, HeldDisks.SNAPSHOT)), OptionalLong.empty(), t0, heldAt);
        ctx.tell(l -> l.held(h));
        return new Outcome(h, null);
    }

    /**
     * An agent of a template that keeps failed agents ({@code keep:<d>}) whose build has no result
     * yet (a Pipeline {@code node} block ended): it keeps running, out of Jenkins, until the build
     * decides through {@link #complete}, at the latest until {@code now} plus the hold limit (then
     * reconciliation removes it, as it drops an undecided held disk). Returns that deadline; when
     * tagging fails the agent is deleted and the exception says why.
     */
    public Instant keepUntilDecided(AgentRecord agent, Instant now) {
        if (!(agent.template().onFailure().policy() instanceof FailurePolicy.Keep) || agent.debugOf() != null
                || agent.handle() == null || agent.disk() == null) {
            throw new IllegalArgumentException("agent " + agent.name() + " is not kept on failure (template "
                    + agent.template().name() + " has onFailure=" + agent.template().onFailure().policy().word() + ")");
        }
        Instant until = now.plus(ctx.options().holdLimit());
        try {
            held.failures().keepRunning(agent, Optional.empty(), "awaiting its build's result", until);
        } catch (RuntimeException e) {
            terminate(agent);
            throw e;
        }
        return until;
    }

    /**
     * Ends an agent whose build's result is known: held and promoted when {@code success}, the
     * template asks and its policy allows {@code provenance}, otherwise deleted. An agent kept
     * while its build went on ({@link #keepUntilDecided}) is kept again until the template's
     * deadline when the build failed, and released first otherwise.
     */
    public CompletionReport complete(AgentRecord agent, boolean success, Provenance provenance) {
        Instant t0 = ctx.now();
        if (success && agent.keptUntil() != null && agent.debugOf() == null && agent.disk() != null) {
            held.failures().release(agent);
        }
        if (!success && agent.template().onFailure().policy() instanceof FailurePolicy.Keep k && agent.handle() != null
                && agent.disk() != null) {
            Optional<TerminationReport> kept = keepRunning(agent, provenance, t0.plus(k.keep()), t0);
            if (kept.isPresent()) {
                return new CompletionReport(agent.name(), Optional.empty(), CompletionReport.PromotionPath.NONE, Optional.empty(),
                        ctx.agentsPool().usedBytes(agent.disk()), OptionalLong.empty(), OptionalLong.empty(), kept.get(),
                        Optional.empty());
            }
        }
        boolean keepFailure = !success && agent.template().onFailure().policy() instanceof FailurePolicy.Snapshot;
        boolean promote = success && agent.template().snapshot() == SnapshotPolicy.ON_SUCCESS;
        if (!(keepFailure || promote) || agent.handle() == null) {
            Ending e = terminate(agent, t0);
            return new CompletionReport(agent.name(), Optional.empty(), CompletionReport.PromotionPath.NONE, Optional.empty(),
                    e.written().bytes().orElse(0), OptionalLong.empty(), OptionalLong.empty(), e.now(), Optional.empty());
        }
        Outcome o = holdOrTerminate(agent, t0);
        HoldReport h = o.hold();
        if (!h.held()) {
            return new CompletionReport(agent.name(), Optional.empty(), CompletionReport.PromotionPath.NONE, h.failure(),
                    h.buildWrittenBytes(), h.trimmedBytes(), OptionalLong.empty(), o.termination(), Optional.empty());
        }
        if (keepFailure) {
            Optional<FailureSnapshot> kept = held.fail(agent.name(), Optional.of(provenance), "build failed", t0);
            kept.ifPresent(f -> ctx.tell(l -> l.failureKept(f)));
            TerminationReport t = new TerminationReport(agent.name(), true,
                    kept.isPresent() ? TerminationReport.DiskFate.KEPT_FOR_DEBUGGING : TerminationReport.DiskFate.REMOVED, 0,
                    Duration.between(t0, ctx.now()));
            return new CompletionReport(agent.name(), Optional.empty(), CompletionReport.PromotionPath.NONE, Optional.empty(),
                    h.buildWrittenBytes(), h.trimmedBytes(), OptionalLong.empty(), t, Optional.empty());
        }
        CompletionReport p = held.promote(agent.name(), provenance);
        TerminationReport t = p.termination();
        return new CompletionReport(p.agent(), p.promotedVersion(), p.promotionPath(), p.promotionFailure(),
                h.buildWrittenBytes(), h.trimmedBytes(), p.versionUsedBytes(),
                new TerminationReport(t.agent(), true, t.disk(), t.freedBytes(), Duration.between(t0, ctx.now())),
                p.promotionRefused());
    }

    /** The failed agent stays running until {@code until}; empty (the caller deletes it) when tagging its disk failed. */
    private Optional<TerminationReport> keepRunning(AgentRecord agent, Provenance build, Instant until, Instant t0) {
        try {
            held.failures().keepRunning(agent, Optional.of(build), "build failed", until);
        } catch (RuntimeException e) {
            java.util.logging.Logger.getLogger(AgentEnding.class.getName()).log(java.util.logging.Level.WARNING,
                    "keeping the failed agent " + agent.name() + " failed; deleting it", e);
            return Optional.empty();
        }
        return Optional.of(new TerminationReport(agent.name(), false, TerminationReport.DiskFate.KEPT_FOR_DEBUGGING, 0,
                Duration.between(t0, ctx.now())));
    }

    /** Deletes the agent; returns once its domain is destroyed, the disk going in the background. */
    public TerminationReport terminate(AgentRecord agent) {
        return terminate(agent, ctx.now()).now();
    }

    /** Deletes the agent; completes once its disk is gone too, with what that freed. */
    public CompletableFuture<TerminationReport> terminateAndWait(AgentRecord agent) {
        return terminate(agent, ctx.now()).gone();
    }

    /** The report once the domain is destroyed, the one once the disk is gone as well, and what the build wrote. */
    private record Ending(TerminationReport now, CompletableFuture<TerminationReport> gone, EndFigures.Written written) {}

    /**
     * Domain, then what the build wrote (the walk overlaps the destroy; the disk is quiet once the
     * domain is gone), then capacity, then disk: the caller waits for the destroy and the walk
     * only. The disk is removed in the background as a pending undo (see
     * {@link PendingUndos#removeDiskInBackground}); the first report says {@code REMOVING}, and
     * listeners get the final one, and the agent's figures, once the disk is gone. The agent leaves
     * the registry whatever fails (reconciliation sweeps up).
     */
    private Ending terminate(AgentRecord agent, Instant t0) {
        agent.state(AgentRecord.State.ENDING);
        CompletableFuture<EndFigures.Written> walk = figures.start(agent, null);
        try {
            boolean domain = teardown.removeDomain(agent);
            EndFigures.Written written = EndFigures.await(walk);
            Duration took = Duration.between(t0, ctx.now());
            if (agent.disk() == null && agent.unfinishedDisk() == null) {
                TerminationReport r = ended(new TerminationReport(agent.name(), domain, TerminationReport.DiskFate.ABSENT, 0, took));
                figures.ended(agent, written, OptionalLong.empty(), t0, ctx.now());
                return new Ending(r, CompletableFuture.completedFuture(r), written);
            }
            CompletableFuture<TerminationReport> gone = ctx.pendingUndos().removeDiskInBackground(agent, teardown).thenApply(disk -> {
                TerminationReport r = ended(new TerminationReport(agent.name(), domain, disk.fate(), disk.freedBytes(),
                        Duration.between(t0, ctx.now())));
                figures.ended(agent, written, disk.fate() == TerminationReport.DiskFate.REMOVED ? OptionalLong.of(disk.freedBytes())
                        : OptionalLong.empty(), t0, ctx.now());
                return r;
            });
            return new Ending(new TerminationReport(agent.name(), domain, TerminationReport.DiskFate.REMOVING, 0, took), gone, written);
        } catch (RuntimeException e) {
            ctx.recordFailure(agent.name(), agent.template().name(), CloudStatus.Kind.ENDING, "destroy domain", ProvisionJob.describe(e));
            throw e;
        } finally {
            ctx.ledger().release(agent.reservation());
            ctx.agents().remove(agent.name(), agent);
        }
    }

    /** The agent and its disk are gone. */
    private TerminationReport ended(TerminationReport report) {
        ctx.timings().record(report.agent(), PhaseTimings.Phase.DELETE, report.took());
        ctx.tell(l -> l.terminated(report));
        return report;
    }
}
