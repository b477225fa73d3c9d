package io.jenkins.plugins.rbdcloud;

import hudson.model.Computer;
import hudson.model.Executor;
import hudson.model.Node;
import hudson.model.Result;
import hudson.slaves.OfflineCause;
import io.jenkins.plugins.rbdcloud.engine.agents.AgentLifecycleListener;
import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.CauseOfInterruption;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.durabletask.executors.ContinuableExecutable;

/**
 * Hears from a cloud's engine that it ended a sick agent (watchdog fired, guest crashed, disk I/O
 * error, domain stopped outside rbd-cloud) and ends what Jenkins had running there: every build on
 * the agent fails with the reason in its log (a Pipeline {@code node} block is ended by Pipeline
 * itself when the node goes, so that {@code retry(conditions: [agent()])} runs it again), the
 * computer goes offline with the reason, and the node is removed (the guest is gone already). Runs
 * on the engine's event thread: quick, never throws.
 */
final class SickAgents implements AgentLifecycleListener {

    private static final Logger LOG = Logger.getLogger(SickAgents.class.getName());

    private final String cloudName;

    SickAgents(String cloudName) {
        this.cloudName = cloudName;
    }

    @Override
    public void sick(String agent, String why) {
        try {
            end(agent, why);
        } catch (RuntimeException | LinkageError e) {
            LOG.log(Level.WARNING, "rbd-cloud " + cloudName + ": ending the builds on sick agent " + agent + " failed", e);
        }
    }

    private void end(String agent, String why) {
        Jenkins jenkins = Jenkins.getInstanceOrNull();
        Node node = jenkins == null ? null : jenkins.getNode(agent);
        if (!(node instanceof RbdAgent rbd) || !rbd.getCloudName().equals(cloudName)) {
            return; // a warm agent, or one Jenkins already forgot
        }
        String reason = "rbd-cloud ended agent " + agent + ": " + why;
        LOG.warning(reason);
        Computer computer = rbd.toComputer();
        if (computer != null) {
            for (Executor e : computer.getAllExecutors()) {
                if (e.isBusy()) {
                    AgentEnded cause = new AgentEnded(reason);
                    SickBuildLogs.told(e, cause);
                    if (e.getCurrentExecutable() instanceof ContinuableExecutable) {
                        // A Pipeline node block: Pipeline cancels it once the node is removed, with a
                        // cause retry(conditions: [agent()]) retries. Interrupting its executor would
                        // cancel it with no cause at all: the placeholder records (and clears) the
                        // executor's causes before its cancel reads them.
                        continue;
                    }
                    e.interrupt(Result.FAILURE, cause);
                }
            }
            computer.disconnect(offline(reason));
        }
        // Removing takes the Queue lock: not on the engine's thread.
        Computer.threadPoolForRemoting.submit(() -> {
            try {
                jenkins.removeNode(rbd);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "rbd-cloud " + cloudName + ": removing sick agent " + agent + " failed", e);
            }
        });
    }

    /** Why a build on a sick agent was interrupted; printed in the build log and shown on the build page. */
    static final class AgentEnded extends CauseOfInterruption {

        private static final long serialVersionUID = 1L;

        private final String description;

        AgentEnded(String description) {
            this.description = description;
        }

        @Override
        public String getShortDescription() {
            return description;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof AgentEnded a && a.description.equals(description);
        }

        @Override
        public int hashCode() {
            return description.hashCode();
        }
    }

    /** Why a sick agent's computer is offline, for its page. */
    private static OfflineCause offline(String reason) {
        return new OfflineCause() {
            @Override
            public String toString() {
                return reason;
            }
        };
    }
}
