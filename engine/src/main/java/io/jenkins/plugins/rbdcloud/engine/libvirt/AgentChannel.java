package io.jenkins.plugins.rbdcloud.engine.libvirt;

import io.jenkins.plugins.rbdcloud.engine.libvirt.internal.LibVirtNative;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.libvirt.Stream;
import org.libvirt.jna.Libvirt;

/**
 * A guest's virtio-serial channel as an InputStream/OutputStream pair, carried by a libvirt
 * stream over the hypervisor connection (virDomainOpenChannel), so it reaches guests on remote
 * hypervisors without opening any other port.
 *
 * <p>The stream is non-blocking: a blocking receive would hold the remote driver's lock and
 * stall every other call on the connection. Reads and writes wait for libvirt's stream event
 * (with a short poll as a safety net) and honour a read timeout. Only a blocked writer asks for
 * "writable" events: a stream with room fires them without end, and asking for them always
 * kept a controller core busy for as long as a channel was open.
 *
 * <p>Semantics of the channel to design protocols for: only one host client at a time, and
 * opening takes the channel over from a client that still holds it (the old one's stream ends);
 * while no host client is attached the guest's read() returns EOF at once and its write()
 * blocks; bytes written by the guest before this client attached may still be delivered, so
 * start with a sync token.
 */
public final class AgentChannel implements AutoCloseable {

    private static final int EVENT_READABLE = 1;
    private static final int EVENT_WRITABLE = 2;
    private static final int EVENT_ERROR = 4;
    private static final int EVENT_HANGUP = 8;
    private static final int EVENTS_READ = EVENT_READABLE | EVENT_ERROR | EVENT_HANGUP;
    private static final long SAFETY_POLL_MS = 20;
    /**
     * Callbacks libvirt may still call: JNA frees a callback's native stub when its Java object is
     * collected, and libvirt calling a freed stub kills the JVM. Held here from registration until
     * the stream is freed, so that a channel dropped without close cannot leave one behind.
     */
    private static final Set<Libvirt.VirStreamEventCallback> REGISTERED = ConcurrentHashMap.newKeySet();

    private final String description;
    private final Stream stream;
    private final Object signal = new Object();
    private final Libvirt.VirStreamEventCallback callback = (st, events, opaque) -> wake();
    private final Input input = new Input();
    private final Output output = new Output();
    private volatile Duration readTimeout = Duration.ZERO;
    private volatile boolean closed;
    private volatile Exception closedBy;
    private volatile boolean outputClosed;
    private int blockedWriters; // guarded by stream

    private AgentChannel(String description, Stream stream) {
        this.description = description;
        this.stream = stream;
    }

    /** Opens channel {@code channelName} of {@code domain}, which must belong to {@code connection}. */
    static AgentChannel open(Connect connection, Domain domain, String channelName) {
        DomainNames.channelName(channelName);
        String description;
        Stream st;
        try {
            description = "channel " + channelName + " of " + domain.getName();
            st = connection.streamNew(LibVirtNative.STREAM_NONBLOCK);
        } catch (LibvirtException e) {
            throw HypervisorException.of("opening channel " + channelName, e);
        }
        try {
            LibVirtNative.openChannel(domain, channelName, st);
            AgentChannel ch = new AgentChannel(description, st);
            REGISTERED.add(ch.callback);
            st.addCallback(EVENTS_READ, ch.callback);
            return ch;
        } catch (LibvirtException | RuntimeException e) {
            freeQuietly(st);
            throw e instanceof LibvirtException le ? HypervisorException.of("opening " + channelName, le) : (RuntimeException) e;
        }
    }

    public InputStream input() {
        return input;
    }

    public OutputStream output() {
        return output;
    }

    /** How long a read waits for data before {@link InterruptedIOException}; zero waits forever. */
    public void setReadTimeout(Duration timeout) {
        this.readTimeout = Objects.requireNonNull(timeout);
    }

    private void wake() {
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    /** Waits for a stream event, at most the safety poll interval. */
    private void await() throws InterruptedIOException {
        synchronized (signal) {
            try {
                signal.wait(SAFETY_POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted on " + description);
            }
        }
    }

    private final class Input extends InputStream {
        private final byte[] one = new byte[1];

        @Override
        public int read() throws IOException {
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            Duration timeout = readTimeout;
            long deadline = timeout.isZero() ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
            byte[] buf = off == 0 ? b : new byte[len];
            while (true) {
                ensureOpen();
                int n;
                synchronized (stream) {
                    n = io(() -> LibVirtNative.streamRecv(stream, buf, len), "reading");
                }
                if (n > 0) {
                    if (buf != b) {
                        System.arraycopy(buf, 0, b, off, n);
                    }
                    return n;
                }
                if (n == 0) {
                    return -1; // the stream ended (guest side closed or domain gone)
                }
                if (System.nanoTime() > deadline) {
                    throw new InterruptedIOException("no data on " + description + " within " + timeout.toMillis() + " ms");
                }
                await();
            }
        }

        @Override
        public void close() {
            AgentChannel.this.close();
        }
    }

    private final class Output extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (outputClosed) {
                throw new IOException("writing to " + description + ": its output is closed");
            }
            byte[] rest = Arrays.copyOfRange(b, off, off + len);
            boolean waiting = false;
            try {
                while (rest.length > 0) {
                    ensureOpen();
                    int n;
                    byte[] chunk = rest;
                    synchronized (stream) {
                        n = io(() -> LibVirtNative.streamSend(stream, chunk, chunk.length), "writing");
                        if (n <= 0 && !waiting) {
                            waiting = true;
                            writerBlocked(+1);
                        }
                    }
                    if (n > 0) {
                        rest = Arrays.copyOfRange(rest, n, rest.length);
                    } else {
                        await(); // -2: would block
                    }
                }
            } finally {
                if (waiting) {
                    synchronized (stream) {
                        writerBlocked(-1);
                    }
                }
            }
        }

        /**
         * Half-closes: no more writes, but the input stays open, because a protocol that closes
         * its writing side first (remoting does, then waits for the peer's close command) still
         * has to read the answer. Closing the input, or the channel, detaches.
         */
        @Override
        public void close() {
            outputClosed = true;
        }
    }

    /** Asks for "writable" events while at least one writer waits for room; called holding stream. */
    private void writerBlocked(int delta) throws IOException {
        int before = blockedWriters;
        blockedWriters += delta;
        if (closed || (before > 0) == (blockedWriters > 0)) {
            return;
        }
        int events = blockedWriters > 0 ? EVENTS_READ | EVENT_WRITABLE : EVENTS_READ;
        try {
            stream.updateCallback(events);
        } catch (LibvirtException e) {
            throw new IOException("watching " + description + ": " + e.getMessage(), e);
        }
    }

    private int io(java.util.function.IntSupplier call, String what) throws IOException {
        try {
            return call.getAsInt();
        } catch (HypervisorException e) {
            throw new IOException(what + " " + description + ": " + e.getMessage(), e);
        }
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            // Who closed it, for whoever was still reading or writing.
            throw new IOException(description + " is closed", closedBy);
        }
    }

    /** Detaches from the channel; the guest's next read() sees EOF. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closedBy = new Exception("closed by thread " + Thread.currentThread().getName());
        closed = true;
        synchronized (stream) {
            try {
                stream.removeCallback();
            } catch (LibvirtException e) {
                // not registered or already gone
            }
            freeQuietly(stream);
            REGISTERED.remove(callback);
        }
        wake();
    }

    private static void freeQuietly(Stream st) {
        try {
            st.abort();
        } catch (LibvirtException e) {
            // already finished or aborted
        }
        try {
            st.free();
        } catch (LibvirtException e) {
            // freed
        }
    }

    @Override
    public String toString() {
        return "AgentChannel[" + description + (closed ? ", closed" : "") + "]";
    }
}
