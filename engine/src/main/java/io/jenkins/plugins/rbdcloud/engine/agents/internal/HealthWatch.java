package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import io.jenkins.plugins.rbdcloud.engine.agents.CloudStatus;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Watches each ready agent's domain for its whole life (from ready, or adoption, until it starts
 * ending) and ends an agent that falls sick ({@link DomainHealth}): the first sickness claims it,
 * it is recorded for the status page, the listener hears {@code sick} (so the build on it can end
 * with the reason), and the agent is deleted through the usual termination, never promoted.
 */
public final class HealthWatch {

    private static final Logger LOG = Logger.getLogger(HealthWatch.class.getName());

    private final EngineContext ctx;
    private final AgentEnding ending;
    private final Consumer<AgentRecord> leavingPool;

    /** @param leavingPool takes a sick warm agent out of its pool */
    public HealthWatch(EngineContext ctx, AgentEnding ending, Consumer<AgentRecord> leavingPool) {
        this.ctx = ctx;
        this.ending = ending;
        this.leavingPool = leavingPool;
    }

    /** Starts watching a ready agent; the watch ends when the agent starts ending. */
    public void watch(AgentRecord agent) {
        agent.watch(agent.node().events().subscribe(agent.name(), new DomainHealth(s -> fellSick(agent, s))));
    }

    /** Runs on the domain event thread: claims, records and tells at once; the deletion runs on the engine's threads. */
    void fellSick(AgentRecord agent, DomainHealth.Sickness s) {
        if (!agent.fallSick(s.why())) {
            return; // ending already, for this or another reason
        }
        LOG.warning(() -> "ending sick agent " + agent.name() + ": " + s.why());
        leavingPool.accept(agent);
        ctx.recordFailure(agent.name(), agent.template().name(), CloudStatus.Kind.SICK, s.event(), s.why());
        ctx.tell(l -> l.sick(agent.name(), s.why()));
        ctx.executor().execute(() -> {
            try {
                ending.terminate(agent);
            } catch (RuntimeException e) {
                // Recorded as an ENDING failure by terminate; reconciliation removes what is left.
                LOG.log(Level.WARNING, "deleting sick agent " + agent.name() + " failed", e);
            }
        });
    }
}
