package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import io.jenkins.plugins.rbdcloud.engine.agents.AgentFigures;
import io.jenkins.plugins.rbdcloud.engine.agents.PhaseTimings.Phase;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Measures what an ending agent's build wrote (the delta guard's diff walk, {@code RbdPool.writtenBytes})
 * and tells its {@link AgentFigures} to the listener and the recent events. The walk runs after the
 * domain is gone, so the disk is quiet; a disk that cannot be read gives no figure, never a failed ending.
 */
final class EndFigures {

    private static final Logger LOG = Logger.getLogger(EndFigures.class.getName());

    /** Bytes written (empty when unreadable) and how long the walk took. */
    record Written(OptionalLong bytes, Duration took) {
        static final Written NONE = new Written(OptionalLong.empty(), Duration.ZERO);
    }

    private final EngineContext ctx;

    EndFigures(EngineContext ctx) {
        this.ctx = ctx;
    }

    /** The head of the agent's disk against its golden version; {@code snap} when the disk is held. */
    Written measure(AgentRecord agent, String snap) {
        String disk = agent.disk();
        if (disk == null) {
            return Written.NONE;
        }
        Instant t0 = ctx.now();
        try {
            long bytes = snap == null ? ctx.agentsPool().writtenBytes(disk) : ctx.agentsPool().writtenBytes(disk, snap);
            return new Written(OptionalLong.of(bytes), Duration.between(t0, ctx.now()));
        } catch (RbdException e) {
            LOG.log(Level.INFO, "could not measure what the build on " + agent.name() + " wrote", e);
            return new Written(OptionalLong.empty(), Duration.between(t0, ctx.now()));
        }
    }

    /** Tells the figures of an agent whose ending began at {@code endingStarted}. */
    AgentFigures ended(AgentRecord agent, Written written, OptionalLong freed, Instant endingStarted) {
        Instant now = ctx.now();
        Map<Phase, Duration> phases = agent.phases();
        Instant readyAt = agent.toAgent().readyAt();
        Duration build = readyAt.equals(Instant.EPOCH) || readyAt.isAfter(endingStarted) ? Duration.ZERO
                : Duration.between(readyAt, endingStarted);
        AgentFigures f = new AgentFigures(agent.name(), agent.template().name(), agent.node().name(),
                agent.golden() == null ? "" : agent.golden(), now, written.bytes(), freed,
                phase(phases, Phase.CLONE), phase(phases, Phase.DEFINE).plus(phase(phases, Phase.START)), phase(phases, Phase.READY),
                build, Duration.between(endingStarted, now), written.took());
        ctx.events().ended(f);
        ctx.tell(l -> l.ended(f));
        return f;
    }

    private static Duration phase(Map<Phase, Duration> phases, Phase p) {
        return phases.getOrDefault(p, Duration.ZERO);
    }
}
