// Declaration-only stub of hudson.model.listeners.RunListener (Jenkins 2.555 public API), for the
// stub-kit compile check only; see ../../../../README.md.
package hudson.model.listeners;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.ExtensionPoint;
import hudson.model.Run;
import hudson.model.TaskListener;

@SuppressWarnings("rawtypes")
public abstract class RunListener<R extends Run> implements ExtensionPoint {
    protected RunListener() { }
    public void onCompleted(R r, @NonNull TaskListener listener) { }
    public void onFinalized(R r) { }
    public void onStarted(R r, TaskListener listener) { }
    public void onDeleted(R r) { }
}
