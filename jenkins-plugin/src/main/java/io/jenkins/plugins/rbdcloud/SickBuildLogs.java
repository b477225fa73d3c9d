package io.jenkins.plugins.rbdcloud;

import hudson.Extension;
import hudson.model.Executor;
import hudson.model.Queue;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.model.listeners.RunListener;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import jenkins.model.InterruptedBuildAction;

/**
 * Puts why rbd-cloud ended a sick agent into the log of the build that ran on it. Interrupting the
 * build's executor prints it only when the build handles the interruption; a build whose step
 * failed first on the dead channel ("command execution failed") never does, and its log said
 * nothing of the guest; a Pipeline {@code node} block is never interrupted (see {@link SickAgents}).
 * So the build's end prints it, unless the interruption did.
 */
@Extension
public final class SickBuildLogs extends RunListener<Run<?, ?>> {

    private static final Map<String, SickAgents.AgentEnded> ENDED = new ConcurrentHashMap<>();

    /** The build running on {@code executor} (a Pipeline's, for a {@code node} block) learns why its agent ended. */
    static void told(Executor executor, SickAgents.AgentEnded why) {
        for (Queue.Executable x = executor.getCurrentExecutable(); x != null; x = x.getParentExecutable()) {
            if (x instanceof Run<?, ?> run) {
                ENDED.put(run.getExternalizableId(), why);
                return;
            }
        }
    }

    @Override
    public void onCompleted(Run<?, ?> run, TaskListener listener) {
        SickAgents.AgentEnded why = ENDED.remove(run.getExternalizableId());
        InterruptedBuildAction printed = run.getAction(InterruptedBuildAction.class);
        if (why != null && (printed == null || !printed.getCauses().contains(why))) {
            if (run.getResult() == Result.SUCCESS) {
                listener.getLogger().println(why.getShortDescription()); // retried elsewhere: no error
            } else {
                listener.error(why.getShortDescription());
            }
        }
    }
}
