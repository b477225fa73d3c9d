package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import io.jenkins.plugins.rbdcloud.engine.agents.CloudStatus;
import io.jenkins.plugins.rbdcloud.engine.agents.CompletionReport;
import io.jenkins.plugins.rbdcloud.engine.agents.PhaseTimings;
import io.jenkins.plugins.rbdcloud.engine.agents.TerminationReport;
import io.jenkins.plugins.rbdcloud.engine.config.SnapshotPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Ends an agent: the optional promotion after a successful build, then its deletion. */
public final class AgentEnding {

    private final EngineContext ctx;
    private final Teardown teardown;
    private final DiskPromotion promotion;

    public AgentEnding(EngineContext ctx, Teardown teardown) {
        this.ctx = ctx;
        this.teardown = teardown;
        this.promotion = new DiskPromotion(ctx, teardown);
    }

    public CompletionReport complete(AgentRecord agent, boolean success) {
        Instant t0 = ctx.now();
        if (success && agent.template().snapshot() == SnapshotPolicy.ON_SUCCESS && agent.handle() != null) {
            DiskPromotion.Result r;
            try {
                r = promotion.promote(agent);
            } catch (RuntimeException e) {
                failed(agent, CloudStatus.Kind.PROMOTION, "promote", e);
                terminate(agent, t0, false);
                throw e;
            }
            TerminationReport t = r.flattened().isDone() ? terminate(agent, t0, r.domainRemoved())
                    : terminateAfterFlatten(agent, t0, r.flattened());
            return new CompletionReport(agent.name(), r.label(), r.path(), r.failure(), r.buildWrittenBytes(),
                    r.trimmedBytes(), r.versionUsedBytes(), t);
        }
        long written = agent.disk() == null ? 0 : ctx.agentsPool().usedBytes(agent.disk());
        TerminationReport t = terminate(agent, t0, false);
        return new CompletionReport(agent.name(), Optional.empty(), CompletionReport.PromotionPath.NONE, Optional.empty(),
                written, OptionalLong.empty(), OptionalLong.empty(), t);
    }

    public TerminationReport terminate(AgentRecord agent) {
        return terminate(agent, ctx.now(), false);
    }

    /**
     * The domain is gone and the capacity goes back now; the disk waits for the flatten of the version
     * promoted from it (pinned meanwhile, so reconciliation leaves it alone), then is removed.
     */
    private TerminationReport terminateAfterFlatten(AgentRecord agent, Instant t0, CompletableFuture<?> flattened) {
        agent.state(AgentRecord.State.ENDING);
        ctx.ledger().release(agent.reservation());
        ctx.agents().remove(agent.name(), agent);
        flattened.whenCompleteAsync((v, e) -> {
            if (e != null) {
                failed(agent, CloudStatus.Kind.ENDING, "wait for the flatten", e);
                return;
            }
            try {
                teardown.removeDisk(agent);
            } catch (RuntimeException removal) {
                // Leaves an unknown, tagged disk: reconciliation removes it.
                failed(agent, CloudStatus.Kind.ENDING, "remove disk", removal);
            }
        }, ctx.executor());
        TerminationReport report = new TerminationReport(agent.name(), true, TerminationReport.DiskFate.AFTER_FLATTEN, 0,
                Duration.between(t0, ctx.now()));
        ctx.tell(l -> l.terminated(report));
        return report;
    }

    /** Domain, then disk, then capacity; the agent leaves the registry whatever fails (reconciliation sweeps up). */
    private TerminationReport terminate(AgentRecord agent, Instant t0, boolean domainAlreadyRemoved) {
        agent.state(AgentRecord.State.ENDING);
        String step = "destroy domain";
        try {
            boolean domain = teardown.removeDomain(agent) || domainAlreadyRemoved;
            step = "remove disk";
            Teardown.DiskRemoval disk = teardown.removeDisk(agent);
            Duration took = Duration.between(t0, ctx.now());
            ctx.timings().record(agent.name(), PhaseTimings.Phase.DELETE, took);
            TerminationReport report = new TerminationReport(agent.name(), domain, disk.fate(), disk.freedBytes(), took);
            ctx.tell(l -> l.terminated(report));
            return report;
        } catch (RuntimeException e) {
            failed(agent, CloudStatus.Kind.ENDING, step, e);
            throw e;
        } finally {
            ctx.ledger().release(agent.reservation());
            ctx.agents().remove(agent.name(), agent);
        }
    }

    /** For the status page; what is left behind is reconciliation's. */
    private void failed(AgentRecord agent, CloudStatus.Kind kind, String step, Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        ctx.events().failed(new CloudStatus.Failure(ctx.now(), agent.name(), agent.template().name(), kind, step,
                ProvisionJob.describe(cause)));
    }
}
