package io.jenkins.plugins.rbdcloud.engine.agents;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Several listeners heard as one ({@link EngineOptions} takes one), in order; one that throws is
 * logged and does not keep the others from hearing.
 */
public final class AgentLifecycleListeners implements AgentLifecycleListener {

    private static final Logger LOG = Logger.getLogger(AgentLifecycleListeners.class.getName());

    private final List<AgentLifecycleListener> all;

    private AgentLifecycleListeners(List<AgentLifecycleListener> all) {
        this.all = List.copyOf(all);
    }

    public static AgentLifecycleListener of(AgentLifecycleListener... listeners) {
        return new AgentLifecycleListeners(List.of(listeners));
    }

    private void each(Consumer<AgentLifecycleListener> event) {
        for (AgentLifecycleListener l : all) {
            try {
                event.accept(l);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "agent lifecycle listener " + l.getClass().getName() + " failed", e);
            }
        }
    }

    @Override public void planned(String agent, String template, String hypervisor) { each(l -> l.planned(agent, template, hypervisor)); }
    @Override public void stepDone(String agent, String step, Duration took) { each(l -> l.stepDone(agent, step, took)); }
    @Override public void domainStarted(String agent, String hypervisor) { each(l -> l.domainStarted(agent, hypervisor)); }
    @Override public void ready(Agent agent) { each(l -> l.ready(agent)); }
    @Override public void failed(String agent, ProvisioningException cause) { each(l -> l.failed(agent, cause)); }
    @Override public void sick(String agent, String why) { each(l -> l.sick(agent, why)); }
    @Override public void held(HoldReport report) { each(l -> l.held(report)); }
    @Override public void promoted(String agent, String label) { each(l -> l.promoted(agent, label)); }
    @Override public void failureKept(FailureSnapshot snapshot) { each(l -> l.failureKept(snapshot)); }
    @Override public void promotionRefused(String agent, String rule) { each(l -> l.promotionRefused(agent, rule)); }
    @Override public void promotionFailed(String agent, Throwable cause) { each(l -> l.promotionFailed(agent, cause)); }
    @Override public void rolledBack(String golden, int from, int to, String why) { each(l -> l.rolledBack(golden, from, to, why)); }
    @Override public void terminated(TerminationReport report) { each(l -> l.terminated(report)); }
    @Override public void ended(AgentFigures figures) { each(l -> l.ended(figures)); }
    @Override public void reconciled(ReconcileReport report) { each(l -> l.reconciled(report)); }
}
