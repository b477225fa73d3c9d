package io.jenkins.plugins.rbdcloud;

import hudson.Extension;
import hudson.model.Computer;
import hudson.model.Descriptor;
import hudson.model.Executor;
import hudson.model.ExecutorListener;
import hudson.model.OneOffExecutor;
import hudson.model.Queue;
import hudson.slaves.AbstractCloudComputer;
import hudson.slaves.AbstractCloudSlave;
import hudson.slaves.OfflineCause;
import hudson.slaves.RetentionStrategy;
import java.util.concurrent.TimeUnit;
import org.jenkinsci.plugins.durabletask.executors.ContinuableExecutable;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * When an rbd-cloud agent ends, and what happens while it is offline:
 * <ul>
 * <li>one-shot ({@code idleMinutes == 0}): ended as soon as its first task completes (not when a
 * Pipeline {@code node} block only pauses for a controller restart), or after
 * {@link AgentTemplate#ONE_SHOT_UNUSED_MINUTES} (a warm agent: the warm pool's maximum age) online
 * without ever taking one;</li>
 * <li>otherwise: ended after {@code idleMinutes} idle;</li>
 * <li>either: an offline agent is connected again (after a controller restart, a settings change
 * or a failed launch); after {@link #MAX_FAILED_LAUNCHES} failed launches in a row it is ended, so
 * its capacity goes to a fresh agent instead of an offline node holding it.</li>
 * </ul>
 * Jenkins' CloudRetentionStrategy never reconnects, and durable-task's OnceRetentionStrategy keeps a
 * node whose launch failed until its idle timeout; from the latter this keeps the rule that a
 * continuable task (durable-task's {@code ContinuableExecutable}) does not end the agent.
 */
public final class RbdRetentionStrategy extends RetentionStrategy<AbstractCloudComputer<?>> implements ExecutorListener {

    private static final Logger LOG = Logger.getLogger(RbdRetentionStrategy.class.getName());
    static final int MAX_FAILED_LAUNCHES = 3;

    private final int idleMinutes;
    /** How long a one-shot agent may wait for its task; 0 in agents saved before it existed. */
    private final int unusedMinutes;
    private transient int failedLaunches;
    private transient volatile boolean ending;

    public RbdRetentionStrategy(int idleMinutes, int unusedMinutes) {
        this.idleMinutes = Math.max(0, idleMinutes);
        this.unusedMinutes = unusedMinutes;
    }

    private int unusedMinutes() {
        return unusedMinutes > 0 ? unusedMinutes : AgentTemplate.ONE_SHOT_UNUSED_MINUTES;
    }

    public int getIdleMinutes() {
        return idleMinutes;
    }

    boolean isOneShot() {
        return idleMinutes == 0;
    }

    @Override
    public void start(AbstractCloudComputer<?> c) {
        c.connect(false);
    }

    @Override
    public long check(AbstractCloudComputer<?> c) {
        if (c.getNode() == null || ending) {
            return 1;
        }
        if (c.getChannel() == null) {
            if (c.isConnecting() || !c.isLaunchSupported()) {
                return 1;
            }
            if (c.getOfflineCause() instanceof OfflineCause.LaunchFailed && ++failedLaunches >= MAX_FAILED_LAUNCHES) {
                end(c, Level.WARNING, failedLaunches + " launches failed in a row");
                return 1;
            }
            LOG.info(() -> c.getName() + " is offline, connecting it again");
            c.connect(false);
            return 1;
        }
        failedLaunches = 0;
        long idleMillis = System.currentTimeMillis() - c.getIdleStartMilliseconds();
        long limit = TimeUnit.MINUTES.toMillis(isOneShot() ? unusedMinutes() : idleMinutes);
        if (c.isIdle() && idleMillis > limit) {
            end(c, Level.INFO, "idle for " + TimeUnit.MILLISECONDS.toMinutes(idleMillis) + " min");
        }
        return 1;
    }

    @Override
    public void taskAccepted(Executor executor, Queue.Task task) {
        // nothing: one-shot agents end when the task completes
    }

    @Override
    public void taskCompleted(Executor executor, Queue.Task task, long durationMS) {
        endIfOneShot(executor);
    }

    @Override
    public void taskCompletedWithProblems(Executor executor, Queue.Task task, long durationMS, Throwable problems) {
        endIfOneShot(executor);
    }

    private void endIfOneShot(Executor executor) {
        if (!isOneShot() || !(executor.getOwner() instanceof AbstractCloudComputer<?> c)) {
            return;
        }
        Queue.Executable e = executor.getCurrentExecutable();
        // A flyweight task (a Pipeline run's own executor) is no build of this agent; a Pipeline
        // node block that is only paused (Jenkins stopping, to resume after the restart) is not done.
        if (executor instanceof OneOffExecutor || e instanceof ContinuableExecutable ce && ce.willContinue()) {
            LOG.fine(() -> "not ending " + c.getName() + ": " + e + " continues");
            return;
        }
        end(c, Level.INFO, "its task " + e + " completed (one-shot)");
    }

    /** Takes no new task, then terminates the node off the caller's thread (an executor or the Timer). */
    private void end(AbstractCloudComputer<?> c, Level level, String why) {
        LOG.log(level, () -> "ending " + c.getName() + ": " + why);
        c.setAcceptingTasks(false);
        synchronized (this) {
            if (ending) {
                return;
            }
            ending = true;
        }
        Computer.threadPoolForRemoting.submit(() -> {
            AbstractCloudSlave node = c.getNode();
            try {
                if (node != null) {
                    node.terminate();
                }
            } catch (Exception e) {
                LOG.log(Level.WARNING, "ending " + c.getName() + " failed", e);
                synchronized (this) {
                    ending = false;
                }
            }
        });
    }

    @Extension
    public static final class DescriptorImpl extends Descriptor<RetentionStrategy<?>> {
        @Override
        public String getDisplayName() {
            return "rbd-cloud: one-shot or idle timeout, reconnect while offline";
        }
    }
}
