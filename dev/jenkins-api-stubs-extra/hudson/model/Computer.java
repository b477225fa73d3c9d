// Declaration-only stub of hudson.model.Computer (Jenkins 2.555 public API), for the stub-kit
// compile check only; see ../../README.md. It replaces the kit's Computer, which lacks
// getEnvironment() and buildEnvironment(TaskListener): the kit's declarations plus those two.
package hudson.model;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import edu.umd.cs.findbugs.annotations.Nullable;
import hudson.model.labels.LabelAtom;
import hudson.remoting.VirtualChannel;
import hudson.security.ACL;
import hudson.security.AccessControlled;
import hudson.security.Permission;
import hudson.slaves.OfflineCause;
import hudson.slaves.RetentionStrategy;
import jakarta.servlet.ServletException;
import java.io.File;
import java.io.IOException;
import java.nio.charset.Charset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.logging.LogRecord;
import org.kohsuke.stapler.HttpResponse;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.StaplerResponse2;

// Supertypes IComputer, DescriptorByNameOwner, StaplerProxy, HasWidgets omitted.
public abstract class Computer extends Actionable implements AccessControlled, ExecutorListener {
    protected volatile OfflineCause offlineCause;
    protected String nodeName;
    protected transient List<Action> transientActions;
    protected final Object statusChangeLock = new Object();

    protected Computer(Node node) { }

    @NonNull @Override public ACL getACL() { throw new UnsupportedOperationException(); }
    public @NonNull File getLogFile() { throw new UnsupportedOperationException(); }
    public String getLog() throws IOException { throw new UnsupportedOperationException(); }
    public OfflineCause getOfflineCause() { throw new UnsupportedOperationException(); }
    public boolean hasOfflineCause() { throw new UnsupportedOperationException(); }
    public String getOfflineCauseReason() { throw new UnsupportedOperationException(); }
    public abstract @Nullable VirtualChannel getChannel();
    public abstract Charset getDefaultCharset();
    public abstract List<LogRecord> getLogRecords() throws IOException, InterruptedException;
    public abstract void doLaunchSlaveAgent(StaplerRequest2 req, StaplerResponse2 rsp) throws IOException, ServletException;
    public final Future<?> connect(boolean forceReconnect) { throw new UnsupportedOperationException(); }
    protected abstract Future<?> _connect(boolean forceReconnect);
    public final long getConnectTime() { throw new UnsupportedOperationException(); }
    public Future<?> disconnect(OfflineCause cause) { throw new UnsupportedOperationException(); }
    @Deprecated public Future<?> disconnect() { throw new UnsupportedOperationException(); }
    public int getNumExecutors() { throw new UnsupportedOperationException(); }
    public @NonNull String getName() { throw new UnsupportedOperationException(); }
    public abstract @CheckForNull Boolean isUnix();
    @CheckForNull public Node getNode() { throw new UnsupportedOperationException(); }
    public boolean isOffline() { throw new UnsupportedOperationException(); }
    public final boolean isOnline() { throw new UnsupportedOperationException(); }
    public boolean isConnected() { throw new UnsupportedOperationException(); }
    public boolean isConnecting() { throw new UnsupportedOperationException(); }
    public boolean isManualLaunchAllowed() { throw new UnsupportedOperationException(); }
    public boolean isLaunchSupported() { throw new UnsupportedOperationException(); }
    @Deprecated public boolean isTemporarilyOffline() { throw new UnsupportedOperationException(); }
    public void setOfflineCause(OfflineCause cause) { throw new UnsupportedOperationException(); }
    @Deprecated(since = "2.482") public void setTemporarilyOffline(boolean temporarilyOffline, OfflineCause cause) { throw new UnsupportedOperationException(); }
    public void setTemporaryOfflineCause(@CheckForNull OfflineCause temporaryOfflineCause) { throw new UnsupportedOperationException(); }
    public String getIcon() { throw new UnsupportedOperationException(); }
    public String getIconClassName() { throw new UnsupportedOperationException(); }
    @Override public @NonNull String getDisplayName() { throw new UnsupportedOperationException(); }
    @NonNull public String getUrl() { throw new UnsupportedOperationException(); }
    public Set<LabelAtom> getAssignedLabels() { throw new UnsupportedOperationException(); }
    protected void setNode(Node node) { throw new UnsupportedOperationException(); }
    protected void kill() { throw new UnsupportedOperationException(); }
    protected void onRemoved() { throw new UnsupportedOperationException(); }
    public int countIdle() { throw new UnsupportedOperationException(); }
    public final int countBusy() { throw new UnsupportedOperationException(); }
    public final int countExecutors() { throw new UnsupportedOperationException(); }
    public List<Executor> getExecutors() { throw new UnsupportedOperationException(); }
    public List<Executor> getAllExecutors() { throw new UnsupportedOperationException(); }
    public final boolean isIdle() { throw new UnsupportedOperationException(); }
    public final boolean isPartiallyIdle() { throw new UnsupportedOperationException(); }
    public final long getIdleStartMilliseconds() { throw new UnsupportedOperationException(); }
    public final long getDemandStartMilliseconds() { throw new UnsupportedOperationException(); }
    protected void removeExecutor(final Executor e) { throw new UnsupportedOperationException(); }
    protected boolean isAlive() { throw new UnsupportedOperationException(); }
    public void interrupt() { throw new UnsupportedOperationException(); }
    public abstract RetentionStrategy getRetentionStrategy();
    public String getHostName() throws IOException, InterruptedException { throw new UnsupportedOperationException(); }
    @org.kohsuke.stapler.interceptor.RequirePOST public HttpResponse doDoDelete() throws IOException { throw new UnsupportedOperationException(); }
    public void waitUntilOnline() throws InterruptedException { throw new UnsupportedOperationException(); }
    public void waitUntilOffline() throws InterruptedException { throw new UnsupportedOperationException(); }
    public static @Nullable Computer currentComputer() { throw new UnsupportedOperationException(); }
    public boolean isAcceptingTasks() { throw new UnsupportedOperationException(); }
    public hudson.EnvVars getEnvironment() throws IOException, InterruptedException { throw new UnsupportedOperationException(); }
    public @NonNull hudson.EnvVars buildEnvironment(@NonNull TaskListener listener) throws IOException, InterruptedException { throw new UnsupportedOperationException(); }

    public static final ExecutorService threadPoolForRemoting = null;
    public static final Permission CONFIGURE = null;
    public static final Permission EXTENDED_READ = null;
    public static final Permission DELETE = null;
    public static final Permission CREATE = null;
    public static final Permission DISCONNECT = null;
    public static final Permission CONNECT = null;
    public static final Permission BUILD = null;
}
