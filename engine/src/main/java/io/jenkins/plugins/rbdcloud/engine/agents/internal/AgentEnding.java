package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import io.jenkins.plugins.rbdcloud.engine.agents.CloudStatus;

import io.jenkins.plugins.rbdcloud.engine.agents.CompletionReport;
import io.jenkins.plugins.rbdcloud.engine.agents.HoldReport;
import io.jenkins.plugins.rbdcloud.engine.agents.PhaseTimings;
import io.jenkins.plugins.rbdcloud.engine.agents.TerminationReport;
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

    public AgentEnding(EngineContext ctx, Teardown teardown) {
        this.ctx = ctx;
        this.teardown = teardown;
        this.held = new HeldDisks(ctx, teardown);
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
        agent.state(AgentRecord.State.ENDING);
        HoldReport h = held.hold(agent, now);
        if (!h.held()) {
            ctx.recordFailure(agent.name(), agent.template().name(), CloudStatus.Kind.PROMOTION, "hold", h.failure().orElseThrow());
            ctx.tell(l -> l.promotionFailed(agent.name(), new IllegalStateException(h.failure().orElseThrow())));
            return new Outcome(h, terminate(agent));
        }
        ctx.ledger().release(agent.reservation());
        ctx.agents().remove(agent.name(), agent);
        ctx.tell(l -> l.held(h));
        return new Outcome(h, null);
    }

    /**
     * Ends an agent whose build's result is known: held and promoted when {@code success}, the
     * template asks and its policy allows {@code provenance}, otherwise deleted.
     */
    public CompletionReport complete(AgentRecord agent, boolean success, Provenance provenance) {
        Instant t0 = ctx.now();
        if (!success || agent.template().snapshot() != SnapshotPolicy.ON_SUCCESS || agent.handle() == null) {
            long written = agent.disk() == null ? 0 : ctx.agentsPool().usedBytes(agent.disk());
            TerminationReport t = terminate(agent, t0).now();
            return new CompletionReport(agent.name(), Optional.empty(), CompletionReport.PromotionPath.NONE, Optional.empty(),
                    written, OptionalLong.empty(), OptionalLong.empty(), t, Optional.empty());
        }
        Outcome o = holdOrTerminate(agent, t0);
        HoldReport h = o.hold();
        if (!h.held()) {
            return new CompletionReport(agent.name(), Optional.empty(), CompletionReport.PromotionPath.NONE, h.failure(),
                    h.buildWrittenBytes(), h.trimmedBytes(), OptionalLong.empty(), o.termination(), Optional.empty());
        }
        CompletionReport p = held.promote(agent.name(), provenance);
        TerminationReport t = p.termination();
        return new CompletionReport(p.agent(), p.promotedVersion(), p.promotionPath(), p.promotionFailure(),
                h.buildWrittenBytes(), h.trimmedBytes(), p.versionUsedBytes(),
                new TerminationReport(t.agent(), true, t.disk(), t.freedBytes(), Duration.between(t0, ctx.now())),
                p.promotionRefused());
    }

    /** Deletes the agent; returns once its domain is destroyed, the disk going in the background. */
    public TerminationReport terminate(AgentRecord agent) {
        return terminate(agent, ctx.now()).now();
    }

    /** Deletes the agent; completes once its disk is gone too, with what that freed. */
    public CompletableFuture<TerminationReport> terminateAndWait(AgentRecord agent) {
        return terminate(agent, ctx.now()).gone();
    }

    /** The report once the domain is destroyed, and the one once the disk is gone as well. */
    private record Ending(TerminationReport now, CompletableFuture<TerminationReport> gone) {}

    /**
     * Domain, then capacity, then disk: the caller waits for the destroy only. The disk is removed
     * in the background as a pending undo (see {@link PendingUndos#removeDiskInBackground}); the
     * first report says {@code REMOVING}, and listeners get the final one once the disk is gone. The
     * agent leaves the registry whatever fails (reconciliation sweeps up).
     */
    private Ending terminate(AgentRecord agent, Instant t0) {
        agent.state(AgentRecord.State.ENDING);
        try {
            boolean domain = teardown.removeDomain(agent);
            Duration took = Duration.between(t0, ctx.now());
            if (agent.disk() == null && agent.unfinishedDisk() == null) {
                TerminationReport r = ended(new TerminationReport(agent.name(), domain, TerminationReport.DiskFate.ABSENT, 0, took));
                return new Ending(r, CompletableFuture.completedFuture(r));
            }
            CompletableFuture<TerminationReport> gone = ctx.pendingUndos().removeDiskInBackground(agent, teardown).thenApply(
                    disk -> ended(new TerminationReport(agent.name(), domain, disk.fate(), disk.freedBytes(),
                            Duration.between(t0, ctx.now()))));
            return new Ending(new TerminationReport(agent.name(), domain, TerminationReport.DiskFate.REMOVING, 0, took), gone);
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
