// Declaration-only stub of hudson.remoting.Channel (remoting 3355.v388858a_47b_33 public API), for the
// stub-kit compile check only: the kit's stub plus the Listener callbacks the channel launcher uses
// (onRead, onWrite, onResponse, since remoting 3.17); see ../../README.md.
package hudson.remoting;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.util.concurrent.Future;

// Supertype IChannel, ChannelBuilder/CommandTransport constructors and most members omitted.
public class Channel implements VirtualChannel, Closeable {
    private Channel() { }

    public abstract static class Listener {
        public void onClosed(Channel channel, IOException cause) { }
        public void onRead(Channel channel, Command cmd, long blockSize) { }
        public void onWrite(Channel channel, Command cmd, long blockSize) { }
        public void onResponse(Channel channel, Request<?, ?> req, Response<?, ?> rsp, long totalTime) { }
        public void onJar(Channel channel, File jar) { }
    }

    public String getName() { throw new UnsupportedOperationException(); }
    public boolean isOutClosed() { throw new UnsupportedOperationException(); }
    public boolean isInClosed() { throw new UnsupportedOperationException(); }
    public boolean isClosingOrClosed() { throw new UnsupportedOperationException(); }
    @CheckForNull public Throwable getCloseRequestCause() { throw new UnsupportedOperationException(); }
    @Override public <T> T export(Class<T> type, T instance) { throw new UnsupportedOperationException(); }
    public void pin(@NonNull Object instance) { throw new UnsupportedOperationException(); }
    @Override public <V, T extends Throwable> V call(Callable<V, T> callable) throws IOException, T, InterruptedException { throw new UnsupportedOperationException(); }
    @Override public <V, T extends Throwable> Future<V> callAsync(final Callable<V, T> callable) throws IOException { throw new UnsupportedOperationException(); }
    public void terminate(@NonNull IOException e) { throw new UnsupportedOperationException(); }
    public void addListener(Listener l) { throw new UnsupportedOperationException(); }
    public boolean removeListener(Listener l) { throw new UnsupportedOperationException(); }
    @Override public synchronized void join() throws InterruptedException { throw new UnsupportedOperationException(); }
    @Override public synchronized void join(long timeout) throws InterruptedException { throw new UnsupportedOperationException(); }
    @Override public void close() throws IOException { throw new UnsupportedOperationException(); }
    @Override public void syncLocalIO() throws InterruptedException { throw new UnsupportedOperationException(); }
    @CheckForNull public static Channel current() { throw new UnsupportedOperationException(); }
}
