package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import io.jenkins.plugins.rbdcloud.engine.agents.CompletionReport;
import io.jenkins.plugins.rbdcloud.engine.agents.PhaseTimings;
import io.jenkins.plugins.rbdcloud.engine.agents.TerminationReport;
import io.jenkins.plugins.rbdcloud.engine.config.SnapshotPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

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
                terminate(agent, t0, false);
                throw e;
            }
            TerminationReport t = terminate(agent, t0, r.domainRemoved());
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

    /** Domain, then disk, then capacity; the agent leaves the registry whatever fails (reconciliation sweeps up). */
    private TerminationReport terminate(AgentRecord agent, Instant t0, boolean domainAlreadyRemoved) {
        agent.state(AgentRecord.State.ENDING);
        try {
            boolean domain = teardown.removeDomain(agent) || domainAlreadyRemoved;
            Teardown.DiskRemoval disk = teardown.removeDisk(agent);
            Duration took = Duration.between(t0, ctx.now());
            ctx.timings().record(agent.name(), PhaseTimings.Phase.DELETE, took);
            TerminationReport report = new TerminationReport(agent.name(), domain, disk.fate(), disk.freedBytes(), took);
            ctx.tell(l -> l.terminated(report));
            return report;
        } finally {
            ctx.ledger().release(agent.reservation());
            ctx.agents().remove(agent.name(), agent);
        }
    }
}
