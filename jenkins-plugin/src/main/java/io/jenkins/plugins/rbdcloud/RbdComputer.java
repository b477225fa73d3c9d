package io.jenkins.plugins.rbdcloud;

import hudson.EnvVars;
import hudson.model.Executor;
import hudson.model.Queue;
import hudson.model.Run;
import hudson.slaves.AbstractCloudComputer;
import hudson.util.Secret;
import io.jenkins.plugins.rbdcloud.engine.agents.RbdCloudEngine;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The computer of an {@link RbdAgent}. Remembers the build of its last task, because that build
 * decides snapshot-on-success when it completes ({@link PromotionDecisions}), and shows the agent's golden version,
 * hypervisor, phase timings and bytes written (main.jelly).
 */
public final class RbdComputer extends AbstractCloudComputer<RbdAgent> {

    private static final Logger LOG = Logger.getLogger(RbdComputer.class.getName());

    /** The build the last task belonged to: it decides snapshot-on-success when it completes. */
    private transient volatile Run<?, ?> lastRun;
    private volatile ScheduledFuture<?> handshakeGuard;

    public RbdComputer(RbdAgent agent) {
        super(agent);
    }

    /** The channel launcher's handshake timer; replacing or clearing it cancels the previous one. */
    void guardHandshake(ScheduledFuture<?> guard) {
        ScheduledFuture<?> old = handshakeGuard;
        handshakeGuard = guard;
        if (old != null && old != guard) {
            old.cancel(false);
        }
    }

    /**
     * The agent's environment with its template's launch variables ({@code env}) in it. A channel
     * agent's agent.jar starts at boot, before the engine hands the guest those values, so its own
     * process environment lacks them; builds get them here, the same values for either launcher.
     */
    @Override
    public EnvVars getEnvironment() throws IOException, InterruptedException {
        EnvVars env = super.getEnvironment();
        RbdAgent node = getNode();
        RbdCloud cloud = node == null ? null : RbdCloud.named(node.getCloudName());
        AgentTemplate template = cloud == null ? null : cloud.template(node.getTemplateName());
        if (template != null) {
            for (EnvVar v : template.getEnv()) {
                env.put(v.getName(), Secret.toString(v.getValue()));
            }
        }
        return env;
    }

    /** The build of the last task that ran here, or null before the first one ended. */
    Run<?, ?> getLastRun() {
        return lastRun;
    }

    // Recorded before super: the retention strategy, told by super, may terminate the agent at once.
    @Override
    public void taskCompleted(Executor executor, Queue.Task task, long durationMS) {
        lastRun = runOf(executor.getCurrentExecutable());
        super.taskCompleted(executor, task, durationMS);
    }

    @Override
    public void taskCompletedWithProblems(Executor executor, Queue.Task task, long durationMS, Throwable problems) {
        lastRun = runOf(executor.getCurrentExecutable());
        super.taskCompletedWithProblems(executor, task, durationMS, problems);
    }

    /** The build a task belongs to: a freestyle build itself, or the Pipeline run of a {@code node} block. */
    private static Run<?, ?> runOf(Queue.Executable executable) {
        for (Queue.Executable e = executable; e != null; e = e.getParentExecutable()) {
            if (e instanceof Run<?, ?> run) {
                return run;
            }
        }
        return null;
    }

    /**
     * Bytes the agent's disk allocates itself (what its builds wrote so far); -1 when unknown. For
     * the agent page: asks only an engine that is already running, and waits at most a second.
     */
    public long getBytesWritten() {
        RbdAgent node = getNode();
        RbdCloudEngine engine = node == null ? null : node.engine();
        if (engine == null) {
            return -1;
        }
        try {
            Map<String, Long> m = engine.bytesWritten().get(1, TimeUnit.SECONDS);
            return m.getOrDefault(node.getNodeName(), -1L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(Level.FINE, "bytes written by " + node.getNodeName() + " unknown", e);
            return -1; // the page shows "unknown"
        }
    }
}
