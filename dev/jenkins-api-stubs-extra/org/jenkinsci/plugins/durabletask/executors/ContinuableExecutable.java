// Declaration-only stub of org.jenkinsci.plugins.durabletask.executors.ContinuableExecutable
// (durable-task plugin public API), for the stub-kit compile check only; see ../../../../../../README.md.
package org.jenkinsci.plugins.durabletask.executors;

import hudson.model.Queue;

public interface ContinuableExecutable extends Queue.Executable {
    boolean willContinue();
}
