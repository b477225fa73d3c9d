// Declaration-only stub of hudson.model.Queue (Jenkins 2.555 public API), for the stub-kit compile
// check only; see ../../README.md. It replaces the kit's Queue, which lacks withLock(Runnable): the
// kit's declarations plus that one method.
package hudson.model;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.model.queue.CauseOfBlockage;
import hudson.model.queue.SubTask;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import org.springframework.security.core.Authentication;

// Supertype hudson.model.ResourceController omitted. Item constructors/future omitted.
public class Queue implements Saveable {
    private Queue() { }

    @Override public void save() throws IOException { throw new UnsupportedOperationException(); }
    public @CheckForNull WaitingItem schedule(Task p, int quietPeriod) { throw new UnsupportedOperationException(); }
    public @CheckForNull WaitingItem schedule(Task p, int quietPeriod, Action... actions) { throw new UnsupportedOperationException(); }
    public Item getItem(long id) { throw new UnsupportedOperationException(); }
    public Item getItem(Task t) { throw new UnsupportedOperationException(); }
    public Item[] getItems() { throw new UnsupportedOperationException(); }
    public List<BuildableItem> getBuildableItems() { throw new UnsupportedOperationException(); }
    public boolean cancel(Task p) { throw new UnsupportedOperationException(); }
    public static Queue getInstance() { throw new UnsupportedOperationException(); }
    public static void withLock(Runnable runnable) { throw new UnsupportedOperationException(); }

    public interface TransientTask extends Task { }
    public interface FlyweightTask extends Task { }
    public interface NonBlockingTask extends Task { }

    // Supertype jenkins.model.FullyNamedModelObject reduced (via SubTask) to ModelObject.
    public interface Task extends SubTask {
        @CheckForNull default CauseOfBlockage getCauseOfBlockage() { throw new UnsupportedOperationException(); }
        String getName();
        String getFullDisplayName();
        default String getAffinityKey() { throw new UnsupportedOperationException(); }
        default void checkAbortPermission() { throw new UnsupportedOperationException(); }
        @Override String getUrl();
        default boolean isConcurrentBuild() { throw new UnsupportedOperationException(); }
        default Collection<? extends SubTask> getSubTasks() { throw new UnsupportedOperationException(); }
        default @NonNull Authentication getDefaultAuthentication2() { throw new UnsupportedOperationException(); }
        default @NonNull Authentication getDefaultAuthentication2(Queue.Item item) { throw new UnsupportedOperationException(); }
    }

    // Supertype jenkins.model.queue.WithConsoleUrl omitted.
    public interface Executable extends Runnable {
        @NonNull SubTask getParent();
        default @CheckForNull Executable getParentExecutable() { throw new UnsupportedOperationException(); }
        @Override void run() throws jenkins.model.queue.AsynchronousExecution;
        default long getEstimatedDuration() { throw new UnsupportedOperationException(); }
        @Override String toString();
    }

    // Supertype jenkins.model.queue.QueueItem omitted.
    public abstract static class Item extends Actionable {
        @NonNull public final Task task = null;
        Item() { }
        public long getId() { throw new UnsupportedOperationException(); }
        @Override public String getDisplayName() { throw new UnsupportedOperationException(); }
        @NonNull public Task getTask() { throw new UnsupportedOperationException(); }
        public boolean isBlocked() { throw new UnsupportedOperationException(); }
        public boolean isBuildable() { throw new UnsupportedOperationException(); }
        public boolean isStuck() { throw new UnsupportedOperationException(); }
        public long getInQueueSince() { throw new UnsupportedOperationException(); }
        @CheckForNull public Label getAssignedLabel() { throw new UnsupportedOperationException(); }
        public @CheckForNull Label getAssignedLabelFor(@NonNull SubTask st) { throw new UnsupportedOperationException(); }
        public String getUrl() { throw new UnsupportedOperationException(); }
        public final String getWhy() { throw new UnsupportedOperationException(); }
        public abstract CauseOfBlockage getCauseOfBlockage();
        public String getParams() { throw new UnsupportedOperationException(); }
        @NonNull public Authentication authenticate2() { throw new UnsupportedOperationException(); }
    }

    public static final class WaitingItem extends Item implements Comparable<WaitingItem> {
        private WaitingItem() { }
        @Override public CauseOfBlockage getCauseOfBlockage() { throw new UnsupportedOperationException(); }
        @Override public int compareTo(WaitingItem that) { throw new UnsupportedOperationException(); }
    }

    public abstract static class NotWaitingItem extends Item {
        NotWaitingItem() { }
    }

    public final class BlockedItem extends NotWaitingItem {
        private BlockedItem() { }
        @Override public CauseOfBlockage getCauseOfBlockage() { throw new UnsupportedOperationException(); }
    }

    public static final class BuildableItem extends NotWaitingItem {
        private BuildableItem() { }
        @Override public CauseOfBlockage getCauseOfBlockage() { throw new UnsupportedOperationException(); }
        public boolean isPending() { throw new UnsupportedOperationException(); }
    }

    public static final class LeftItem extends Item {
        private LeftItem() { }
        @Override public CauseOfBlockage getCauseOfBlockage() { throw new UnsupportedOperationException(); }
        public boolean isCancelled() { throw new UnsupportedOperationException(); }
    }
}
