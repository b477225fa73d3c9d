// Declaration-only stub of hudson.model.Executor (Jenkins 2.555 public API), for the stub-kit
// compile check only; see ../../README.md. It replaces the kit's Executor, which lacks
// interrupt(Result, CauseOfInterruption...): the kit's declarations plus that one method.
package hudson.model;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import org.kohsuke.stapler.HttpResponse;

// Supertype jenkins.model.IExecutor and WorkUnit members omitted.
public class Executor extends Thread implements ModelObject {
    protected final @NonNull Computer owner;

    public Executor(@NonNull Computer owner, int n) { this.owner = owner; }

    @Override public void interrupt() { throw new UnsupportedOperationException(); }
    public void interrupt(Result result) { throw new UnsupportedOperationException(); }
    public void interrupt(Result result, jenkins.model.CauseOfInterruption... causes) { throw new UnsupportedOperationException(); }
    public Result abortResult() { throw new UnsupportedOperationException(); }
    public @CheckForNull Queue.Executable getCurrentExecutable() { throw new UnsupportedOperationException(); }
    @Override public String getDisplayName() { throw new UnsupportedOperationException(); }
    public int getNumber() { throw new UnsupportedOperationException(); }
    public boolean isIdle() { throw new UnsupportedOperationException(); }
    public boolean isBusy() { throw new UnsupportedOperationException(); }
    public boolean isActive() { throw new UnsupportedOperationException(); }
    public boolean isParking() { throw new UnsupportedOperationException(); }
    public int getProgress() { throw new UnsupportedOperationException(); }
    public boolean isLikelyStuck() { throw new UnsupportedOperationException(); }
    public long getElapsedTime() { throw new UnsupportedOperationException(); }
    public long getTimeSpentInQueue() { throw new UnsupportedOperationException(); }
    public long getEstimatedRemainingTimeMillis() { throw new UnsupportedOperationException(); }
    @org.kohsuke.stapler.interceptor.RequirePOST public HttpResponse doStop() { throw new UnsupportedOperationException(); }
    public @NonNull Computer getOwner() { throw new UnsupportedOperationException(); }
    public long getIdleStartMilliseconds() { throw new UnsupportedOperationException(); }
    public static @CheckForNull Executor currentExecutor() { throw new UnsupportedOperationException(); }
    @CheckForNull public static Executor of(Queue.Executable executable) { throw new UnsupportedOperationException(); }
}
