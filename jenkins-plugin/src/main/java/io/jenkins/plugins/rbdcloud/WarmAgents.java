package io.jenkins.plugins.rbdcloud;

import hudson.Extension;
import hudson.ExtensionList;
import hudson.model.Computer;
import hudson.model.Node;
import hudson.model.PeriodicWork;
import hudson.slaves.Cloud;
import hudson.slaves.SlaveComputer;
import io.jenkins.plugins.rbdcloud.engine.agents.Launch;
import io.jenkins.plugins.rbdcloud.engine.agents.RbdCloudEngine;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.Jenkins;
import jenkins.model.NodeListener;
import jenkins.util.Timer;

/**
 * A template's warm pool, in Jenkins: that many of its agents booted, connected and idle, so a
 * build that asks for the template's label starts on one the moment it is scheduled. A booted
 * guest is not enough: under emulation remoting's handshake alone takes 10 s and more, and a
 * warm agent has done it before any build waits.
 *
 * <p>Refilled every 10 s and whenever one of the cloud's agents is removed: agents of the template
 * that are idle and take tasks (online, or still connecting) and launches started here count; the
 * rest is asked from the engine like any other agent (its capacity limits apply). Warm agents
 * are ordinary agents of the template: a one-shot one ends after its build, and one that takes
 * no build ends when it is older than the template's warm pool maximum age. The engine keeps no
 * pool of its own for the plugin's templates (see {@link AgentTemplate#toSettings()}).
 */
@Extension
public final class WarmAgents extends PeriodicWork {

    private static final Logger LOG = Logger.getLogger(WarmAgents.class.getName());

    /** Launches started here and not ended yet: cloud/template → agent names. */
    private final Map<String, Set<String>> launching = new ConcurrentHashMap<>();

    @Override
    public long getRecurrencePeriod() {
        return 10_000;
    }

    @Override
    protected synchronized void doRun() { // one round at a time: two would both see the same shortfall
        Jenkins j = Jenkins.get();
        for (Cloud c : j.clouds) {
            if (c instanceof RbdCloud cloud) {
                try {
                    refill(j, cloud);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "rbd-cloud " + cloud.name + ": refilling the warm pools failed", e);
                }
            }
        }
    }

    /** Asks for a refill now, off the caller's thread. */
    static void refillSoon() {
        Timer.get().submit(() -> ExtensionList.lookupSingleton(WarmAgents.class).run());
    }

    private void refill(Jenkins j, RbdCloud cloud) {
        RbdCloudEngine engine = Engines.get().current(cloud.name);
        if (engine != null) {
            endStale(j, cloud.name, engine);
        }
        for (AgentTemplate t : cloud.getTemplates()) {
            int missing = t.getWarmPool() - warm(j, cloud.name, t.getName()) - launching(cloud.name, t.getName()).size();
            if (missing <= 0) {
                continue;
            }
            if (engine == null && (engine = Engines.get().running(cloud)) == null) {
                return; // starting; the next round asks again
            }
            for (Launch launch : engine.plan(ts -> ts.name().equals(t.getName()), missing)) {
                start(engine, cloud.name, t, launch);
            }
        }
    }

    private void start(RbdCloudEngine engine, String cloudName, AgentTemplate template, Launch launch) {
        Set<String> names = launching(cloudName, template.getName());
        names.add(launch.name());
        LOG.info(() -> "rbd-cloud " + cloudName + ": warming " + launch.name() + " for template " + template.getName());
        launch.ready().whenComplete((agent, failure) -> {
            try {
                if (failure != null) {
                    LOG.warning(() -> "rbd-cloud " + cloudName + ": warm agent " + launch.name() + " failed: " + failure.getMessage());
                    return;
                }
                try {
                    Jenkins.get().addNode(RbdAgent.of(cloudName, template, agent));
                } catch (Exception e) {
                    LOG.log(Level.WARNING, "rbd-cloud " + cloudName + ": cannot add warm agent " + agent.name() + ", deleting it", e);
                    engine.terminate(agent.name());
                }
            } finally {
                names.remove(launch.name());
            }
        });
    }

    private Set<String> launching(String cloudName, String template) {
        return launching.computeIfAbsent(cloudName + "/" + template, k -> ConcurrentHashMap.newKeySet());
    }

    /**
     * A waiting agent booted from a golden version that is no longer the template's (a build's disk
     * was promoted, or an admin rolled back) is ended, and the refill boots one from the new version:
     * the next build sees what the promoted build left, as it would without a warm pool.
     */
    private static void endStale(Jenkins j, String cloudName, RbdCloudEngine engine) {
        Map<String, String> current = new java.util.HashMap<>();
        engine.status(java.time.Instant.now()).templates()
                .forEach(t -> t.golden().ifPresent(g -> current.put(t.name(), g.label())));
        for (Node node : j.getNodes()) {
            if (!(node instanceof RbdAgent a) || !a.getCloudName().equals(cloudName)) {
                continue;
            }
            String now = current.get(a.getTemplateName());
            if (now == null || now.equals(a.getGolden()) || !(a.toComputer() instanceof SlaveComputer c) || !c.isIdle()
                    || !c.isAcceptingTasks()) {
                continue;
            }
            c.setAcceptingTasks(false); // no build may start on it while it ends
            if (!c.isIdle()) {
                c.setAcceptingTasks(true);
                continue;
            }
            LOG.info(() -> "rbd-cloud " + cloudName + ": ending waiting agent " + a.getNodeName() + " of " + a.getGolden()
                    + ": the template's version is " + now);
            Computer.threadPoolForRemoting.submit(() -> {
                try {
                    a.terminate();
                } catch (Exception e) {
                    LOG.log(Level.WARNING, "ending " + a.getNodeName() + " failed", e);
                }
            });
        }
    }

    /** The template's agents in Jenkins that are idle and take tasks: online, or connecting. */
    static int warm(Jenkins j, String cloudName, String template) {
        int n = 0;
        for (Node node : j.getNodes()) {
            if (node instanceof RbdAgent a && a.getCloudName().equals(cloudName) && a.getTemplateName().equals(template)) {
                Computer c = a.toComputer();
                if (c != null && c.isIdle() && c.isAcceptingTasks() && (c.isOnline() || c.isConnecting())) {
                    n++;
                }
            }
        }
        return n;
    }

    /** One of a cloud's agents is gone: its template's pool may be short by one. */
    @Extension
    public static final class Refill extends NodeListener {
        @Override
        protected void onDeleted(Node node) {
            if (node instanceof RbdAgent) {
                refillSoon();
            }
        }
    }
}
