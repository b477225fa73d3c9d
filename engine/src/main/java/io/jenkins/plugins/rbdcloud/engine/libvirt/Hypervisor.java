package io.jenkins.plugins.rbdcloud.engine.libvirt;

import io.jenkins.plugins.rbdcloud.engine.libvirt.internal.EventLoop;
import io.jenkins.plugins.rbdcloud.engine.libvirt.internal.SafeXml;
import io.jenkins.plugins.rbdcloud.engine.util.DaemonThreads;
import io.jenkins.plugins.rbdcloud.engine.util.NativeGuard;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * One hypervisor: a libvirt URI, its capacity, a lazily opened, kept-alive connection, and the
 * verbs rbd-cloud needs on it (create a transient domain, find one, list and remove the owned
 * ones). Nothing outside this package sees a libvirt type. A connection that drops is reopened
 * on next use. When opening fails or times out, or a caller reports it unreachable, the
 * hypervisor is unavailable for {@code retryAfter}: calls fail at once and placement skips it.
 * Blocking calls with a time limit run on this hypervisor's own bounded pool.
 */
public final class Hypervisor implements AutoCloseable {

    /** What this hypervisor may run for rbd-cloud. */
    public record Capacity(int vcpus, long memoryMiB, int maxAgents) {
        public Capacity {
            if (vcpus < 1 || memoryMiB < 64 || maxAgents < 0) {
                throw new IllegalArgumentException("capacity needs vcpus >= 1, memoryMiB >= 64, maxAgents >= 0");
            }
        }
    }

    /** Connection state as shown to users: available, or the last error and since when. */
    public record Status(boolean available, String error, Instant since) {}

    private static final System.Logger LOG = System.getLogger(Hypervisor.class.getName());

    /** Most libvirt calls in flight at once; a call stuck in libvirt holds its thread until it returns. */
    private static final int MAX_CALLS = 8;

    /** Called for each connection opened (to register event callbacks) and before it is closed. */
    public interface ConnectionHook {
        void opened(Connect connection);

        default void closing(Connect connection) {}
    }

    /** A call on the connection itself (not on one of its domains). */
    @FunctionalInterface
    public interface ConnectionCall<T> {
        T apply(Connect connection) throws LibvirtException;
    }

    /** How long {@link #close()} waits for calls still using the connection before leaving it open. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    /**
     * An open connection and the guard of the calls using it. libvirt's calls on a connection do
     * not hold a reference to it: closing one that another thread is still calling through frees
     * it under that call, and the JVM dies. A connection is closed only when its calls returned.
     */
    private record Live(Connect connect, NativeGuard guard) {}

    private final String uri;
    private final Capacity capacity;
    private final Duration connectTimeout;
    private final Duration retryAfter;
    private final Clock clock;
    private final List<ConnectionHook> hooks = new CopyOnWriteArrayList<>();

    private final ThreadPoolExecutor calls;
    /** Closes replaced connections once the calls still using them have returned. */
    private final ExecutorService closer;

    private Live live;
    private volatile boolean dropped;
    private volatile Status status;
    private volatile Instant retryAt = Instant.MIN;
    private volatile Instant lastContact;
    private volatile Status lastFailure;
    /** Connections lost so far (libvirtd restarted, network cut): waits on this hypervisor watch it. */
    private final AtomicLong drops = new AtomicLong();
    private VirtType virtType;
    private boolean closed;

    public Hypervisor(String uri, Capacity capacity, Duration connectTimeout, Duration retryAfter, Clock clock) {
        this.uri = checkUri(uri);
        this.capacity = Objects.requireNonNull(capacity, "capacity");
        this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
        this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.status = new Status(false, "not connected yet", clock.instant());
        // No queue: a call either gets a thread now or is refused, never waits behind a hung one.
        this.calls = new ThreadPoolExecutor(0, MAX_CALLS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                DaemonThreads.numbered("rbd-cloud libvirt call"));
        this.closer = DaemonThreads.single("rbd-cloud libvirt close", 64);
    }

    /** Connect timeout 10 s, retry an unavailable hypervisor after 15 s. */
    public static Hypervisor of(String uri, Capacity capacity) {
        return new Hypervisor(uri, capacity, Duration.ofSeconds(10), Duration.ofSeconds(15), Clock.systemUTC());
    }

    public String uri() { return uri; }
    public Capacity capacity() { return capacity; }
    public Status status() { return status; }

    /** Up unless it failed within the last {@code retryAfter}; a hypervisor never tried is up. */
    public boolean isAvailable(Instant now) {
        return !now.isBefore(retryAt);
    }

    /**
     * How many connections were lost so far. A wait that began at one count and sees another knows
     * that libvirt went away meanwhile: its events and answers may be lost, so it fails with that
     * cause instead of running into its timeout.
     */
    public long connectionsLost() { return drops.get(); }

    /** When libvirt last answered a verb; null before the first. */
    public Instant lastContact() { return lastContact; }

    /** The last failure (error and when), kept after the hypervisor is back; null when none. */
    public Status lastFailure() { return lastFailure; }

    /**
     * A caller found it unreachable: calls fail at once, and placement skips it, for
     * {@code retryAfter}.
     */
    public void markUnavailable(String why) {
        Instant now = clock.instant();
        Status failed = new Status(false, why, now);
        status = failed;
        lastFailure = failed;
        retryAt = now.plus(retryAfter);
    }

    /** Opens the connection if needed: throws {@link HypervisorUnavailableException} when it cannot. */
    public void probe() {
        live();
        answered();
    }

    private void answered() {
        Instant now = clock.instant();
        lastContact = now;
        if (!status.available()) {
            status = new Status(true, null, now);
        }
    }

    /** Adds a hook; when a connection is already open it is run for that one at once. */
    public synchronized void addConnectionHook(ConnectionHook hook) {
        hooks.add(hook);
        if (live != null && !dropped) {
            hook.opened(live.connect());
        }
    }

    public synchronized void removeConnectionHook(ConnectionHook hook) {
        if (hooks.remove(hook) && live != null && !dropped) {
            hook.closing(live.connect());
        }
    }

    /**
     * Runs {@code call} on the open connection (opened or reopened as needed), which is not closed
     * until the call returns. Calls on a domain handle need no such care: a domain holds its own
     * reference to its connection.
     */
    <T> T withConnection(ConnectionCall<T> call) throws LibvirtException {
        Live l = live();
        NativeGuard.Permit permit;
        try {
            permit = l.guard().enter();
        } catch (IllegalStateException replaced) {
            // dropped and replaced between the two lines: once more, on the new one
            l = live();
            permit = l.guard().enter();
        }
        try {
            return call.apply(l.connect());
        } finally {
            permit.close();
        }
    }

    /** The open connection, for tests on one thread; everything else goes through {@link #withConnection}. */
    Connect connection() {
        return live().connect();
    }

    /** The open connection, opened or reopened as needed. */
    private synchronized Live live() {
        if (closed) {
            throw new HypervisorUnavailableException(uri + ": closed", null);
        }
        if (live != null && !dropped && alive(live.connect())) {
            return live;
        }
        if (live != null) {
            drops.incrementAndGet(); // dead without a close event (driver without one)
            discardConnection();
        }
        Instant now = clock.instant();
        if (now.isBefore(retryAt)) {
            throw new HypervisorUnavailableException(uri + " is unavailable (" + status.error() + "), next attempt after " + retryAt, null);
        }
        try {
            live = new Live(open(), new NativeGuard("libvirt connection to " + uri));
        } catch (HypervisorUnavailableException e) {
            markUnavailable(e.getMessage());
            throw e;
        }
        dropped = false;
        status = new Status(true, null, clock.instant());
        for (ConnectionHook h : hooks) {
            h.opened(live.connect());
        }
        return live;
    }

    /** KVM when the host offers it for x86_64 hvm guests, else QEMU; asked once per hypervisor. */
    public synchronized VirtType virtType() {
        if (virtType == null) {
            try {
                virtType = preferredVirtType(withConnection(Connect::getCapabilities));
            } catch (LibvirtException e) {
                throw HypervisorException.of("reading capabilities of " + uri, e);
            }
        }
        return virtType;
    }

    /** The spec with AUTO replaced by this hypervisor's type. */
    public DomainSpec resolve(DomainSpec spec) {
        return spec.virtType() == VirtType.AUTO ? spec.withVirtType(virtType()) : spec;
    }

    /**
     * Creates and starts a transient domain: nothing goes to libvirt's config directory, and once
     * destroyed it is gone entirely. The spec's UUID finds it even when this call fails or times
     * out after libvirt created it. The rendered XML may hold launch secrets: it is never logged.
     */
    public DomainHandle createTransient(DomainSpec spec, Duration timeout) {
        DomainSpec resolved = resolve(spec);
        String xml = DomainXml.render(resolved);
        bounded(resolved.name(), "create", timeout, () -> withConnection(c -> {
            c.domainCreateXML(xml, 0).free();
            return null;
        }));
        answered();
        return domain(resolved.name(), resolved.uuid());
    }

    /** A handle on a domain that may exist; looked up by UUID when first used. */
    public DomainHandle domain(String name, UUID uuid) {
        return new DomainHandle(this, name, uuid);
    }

    /** Every domain (running or only defined) whose metadata says rbd-cloud made it. */
    public List<OwnedDomain> listOwned() {
        List<OwnedDomain> owned = call("listing domains", c -> Domains.listOwned(c, uri));
        answered();
        return owned;
    }

    /** As {@link #listOwned()}, with name, UUID and tags only: two calls fewer per domain (for reconciliation). */
    public List<TaggedDomain> listTagged() {
        List<TaggedDomain> tagged = call("listing domains", c -> Domains.listTagged(c, uri));
        answered();
        return tagged;
    }

    /**
     * Removes the domain completely: destroys it if running (and its QEMU log with it), then
     * undefines it if persistent. Succeeds when it is already gone; bounded by {@code timeout}.
     */
    public void remove(UUID uuid, Duration timeout) {
        bounded(uuid.toString(), "destroy", timeout, () -> withConnection(c -> {
            Domains.remove(c, uuid);
            return null;
        }));
    }

    /** {@link #withConnection} on the caller's thread, libvirt's errors as {@link HypervisorException}. */
    <T> T call(String what, ConnectionCall<T> call) {
        try {
            return withConnection(call);
        } catch (LibvirtException e) {
            throw HypervisorException.of(what + " on " + uri, e);
        }
    }

    /** Runs a blocking libvirt call on this hypervisor's pool with a time limit. */
    <T> T bounded(String domain, String step, Duration timeout, Callable<T> call) {
        Future<T> f;
        try {
            f = calls.submit(call);
        } catch (RejectedExecutionException e) {
            throw new HypervisorException(step + " " + domain + ": " + MAX_CALLS + " libvirt calls to " + uri
                    + " are still waiting for an answer" + (calls.isShutdown() ? " (closed)" : ""), e);
        }
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new DomainTimeoutException(domain, step, timeout, null);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof LibvirtException le) {
                throw HypervisorException.of(step + " " + domain, le);
            }
            throw c instanceof RuntimeException re ? re : new HypervisorException(step + " " + domain + ": " + c, c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HypervisorException("interrupted during " + step + " of " + domain, e);
        }
    }

    static VirtType preferredVirtType(String capabilitiesXml) {
        Document caps = SafeXml.parse(capabilitiesXml);
        NodeList guests = caps.getElementsByTagName("guest");
        for (int i = 0; i < guests.getLength(); i++) {
            Element guest = (Element) guests.item(i);
            NodeList osType = guest.getElementsByTagName("os_type");
            NodeList arch = guest.getElementsByTagName("arch");
            if (osType.getLength() == 0 || !"hvm".equals(osType.item(0).getTextContent().strip())
                    || arch.getLength() == 0 || !"x86_64".equals(((Element) arch.item(0)).getAttribute("name"))) {
                continue;
            }
            NodeList domains = ((Element) arch.item(0)).getElementsByTagName("domain");
            for (int j = 0; j < domains.getLength(); j++) {
                if ("kvm".equals(((Element) domains.item(j)).getAttribute("type"))) {
                    return VirtType.KVM;
                }
            }
        }
        return VirtType.QEMU;
    }

    private Connect open() {
        EventLoop.ensureStarted();
        CompletableFuture<Connect> f = CompletableFuture.supplyAsync(() -> {
            try {
                return new Connect(uri);
            } catch (LibvirtException e) {
                throw HypervisorException.of("connecting to " + uri, e);
            }
        }, calls);
        Connect c;
        try {
            c = f.get(connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.thenAccept(Hypervisor::closeQuietly); // a late success must not leak
            throw new HypervisorUnavailableException("connecting to " + uri + " timed out after " + connectTimeout.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            throw new HypervisorUnavailableException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HypervisorUnavailableException("interrupted while connecting to " + uri, e);
        }
        try {
            c.setKeepAlive(5, 3); // a dead peer is noticed after ~20 s and reported as closed
        } catch (LibvirtException e) {
            // local drivers (test:///, qemu:///embed) have no keepalive; nothing to watch there
        }
        try {
            c.registerCloseListener((conn, reason) -> {
                dropped = true;
                drops.incrementAndGet();
            });
        } catch (LibvirtException e) {
            // not supported by some drivers; isAlive() still catches a dead connection
        }
        return c;
    }

    private static boolean alive(Connect c) {
        try {
            return c.isAlive();
        } catch (LibvirtException e) {
            return false;
        }
    }

    private void discardConnection() {
        Live old = live;
        live = null;
        virtType = null;
        for (ConnectionHook h : hooks) {
            try {
                h.closing(old.connect());
            } catch (RuntimeException e) {
                // the connection is dead; its callbacks go with it
            }
        }
        // Off this lock: a call still using it (a hung one until its timeout) must not hold up the reopen.
        try {
            closer.execute(() -> old.guard().close(() -> closeQuietly(old.connect())));
        } catch (RejectedExecutionException e) {
            LOG.log(System.Logger.Level.WARNING, "left the libvirt connection to " + uri + " open: " + e.getMessage());
        }
    }

    private static void closeQuietly(Connect c) {
        try {
            c.unregisterCloseListener();
        } catch (LibvirtException | RuntimeException e) {
            // none registered
        }
        try {
            c.close();
        } catch (LibvirtException e) {
            // already closed by the peer
        }
    }

    private static String checkUri(String uri) {
        if (uri == null || uri.isBlank() || uri.length() > 1024 || DomainNames.hasControl(uri) || !uri.contains(":")) {
            throw new IllegalArgumentException("a libvirt URI such as qemu:///system or qemu+ssh://host/system is needed, got "
                    + DomainNames.visible(uri));
        }
        return uri;
    }

    /**
     * Closes the connection once the calls using it have returned; after {@link #CLOSE_WAIT} with
     * a call still stuck in libvirt, leaves it open rather than free it under that call.
     */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            if (live != null) {
                discardConnection();
            }
            calls.shutdownNow();
            status = new Status(false, "closed", clock.instant());
        }
        closer.shutdown();
        try {
            if (!closer.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "left the libvirt connection to " + uri + " open: a call on it has not"
                        + " returned after " + CLOSE_WAIT.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "Hypervisor[" + uri + ", " + (status.available() ? "available" : "unavailable: " + status.error()) + "]";
    }
}
