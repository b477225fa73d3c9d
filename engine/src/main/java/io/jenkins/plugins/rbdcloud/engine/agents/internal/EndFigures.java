package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import io.jenkins.plugins.rbdcloud.engine.agents.AgentFigures;
import io.jenkins.plugins.rbdcloud.engine.agents.PhaseTimings.Phase;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Measures what an ending agent's build wrote (the delta guard's diff walk, {@code RbdPool.writtenBytes})
 * and tells its {@link AgentFigures} to the listener and the recent events. The walk costs about 25 ms
 * per GiB of disk (0.5 s for 20 GiB), so it runs on its own threads ({@link EngineContext#walks()}): for
 * a deleted disk while the domain is destroyed (1–2 s); for a held one once its capacity is released. A
 * disk that cannot be read gives no figure, never a failed ending.
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

    /**
     * Starts the walk of the agent's disk (its head, or {@code snap} of a held disk) against its golden
     * version; measured inline when the walk threads are saturated.
     */
    CompletableFuture<Written> start(AgentRecord agent, String snap) {
        String disk = agent.disk();
        if (disk == null) {
            return CompletableFuture.completedFuture(Written.NONE);
        }
        try {
            return CompletableFuture.supplyAsync(() -> measure(agent.name(), disk, snap), ctx.walks());
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(measure(agent.name(), disk, snap));
        }
    }

    /** The walk's result once done; none when it failed or the engine is closing. */
    static Written await(CompletableFuture<Written> walk) {
        try {
            return walk.join();
        } catch (CompletionException | CancellationException e) {
            return Written.NONE;
        }
    }

    private Written measure(String agent, String disk, String snap) {
        Instant t0 = ctx.now();
        try {
            long bytes = snap == null ? ctx.agentsPool().writtenBytes(disk) : ctx.agentsPool().writtenBytes(disk, snap);
            return new Written(OptionalLong.of(bytes), Duration.between(t0, ctx.now()));
        } catch (RbdException e) {
            LOG.log(Level.INFO, "could not measure what the build on " + agent + " wrote", e);
            return new Written(OptionalLong.empty(), Duration.between(t0, ctx.now()));
        }
    }

    /** Tells the figures of an agent whose ending began at {@code endingStarted} and ended at {@code now}. */
    AgentFigures ended(AgentRecord agent, Written written, OptionalLong freed, Instant endingStarted, Instant now) {
        Map<Phase, Duration> phases = agent.phases();
        Instant readyAt = agent.toAgent().readyAt();
        // An adopted agent (no phases: another engine launched it) was "ready" when adopted, not when its build began.
        Duration build = !phases.containsKey(Phase.READY) || readyAt.isAfter(endingStarted) ? Duration.ZERO
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
