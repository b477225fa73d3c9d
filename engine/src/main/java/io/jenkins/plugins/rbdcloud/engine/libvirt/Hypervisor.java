package io.jenkins.plugins.rbdcloud.engine.libvirt;

import io.jenkins.plugins.rbdcloud.engine.libvirt.internal.EventLoop;
import io.jenkins.plugins.rbdcloud.engine.libvirt.internal.SafeXml;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * One hypervisor: a libvirt URI, its capacity and a lazily opened, kept-alive connection. A
 * connection that drops is reopened on next use. When opening fails or times out the
 * hypervisor is marked unavailable with the error, and for {@code retryAfter} further calls
 * fail at once instead of waiting on it again.
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

    /** Called for each connection opened (to register event callbacks) and before it is closed. */
    public interface ConnectionHook {
        void opened(Connect connection);

        default void closing(Connect connection) {}
    }

    private final String uri;
    private final Capacity capacity;
    private final Duration connectTimeout;
    private final Duration retryAfter;
    private final Clock clock;
    private final List<ConnectionHook> hooks = new CopyOnWriteArrayList<>();

    private Connect connection;
    private volatile boolean dropped;
    private volatile Status status;
    private Instant retryAt = Instant.MIN;
    private VirtType virtType;
    private boolean closed;

    public Hypervisor(String uri, Capacity capacity, Duration connectTimeout, Duration retryAfter, Clock clock) {
        this.uri = checkUri(uri);
        this.capacity = Objects.requireNonNull(capacity, "capacity");
        this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
        this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.status = new Status(false, "not connected yet", clock.instant());
    }

    /** Connect timeout 10 s, retry an unavailable hypervisor after 15 s. */
    public static Hypervisor of(String uri, Capacity capacity) {
        return new Hypervisor(uri, capacity, Duration.ofSeconds(10), Duration.ofSeconds(15), Clock.systemUTC());
    }

    public String uri() { return uri; }
    public Capacity capacity() { return capacity; }
    public Status status() { return status; }

    /** Adds a hook; when a connection is already open it is run for that one at once. */
    public synchronized void addConnectionHook(ConnectionHook hook) {
        hooks.add(hook);
        if (connection != null && !dropped) {
            hook.opened(connection);
        }
    }

    public synchronized void removeConnectionHook(ConnectionHook hook) {
        if (hooks.remove(hook) && connection != null && !dropped) {
            hook.closing(connection);
        }
    }

    /** The open connection, opened or reopened as needed. */
    public synchronized Connect connection() {
        if (closed) {
            throw new HypervisorUnavailableException(uri + ": closed", null);
        }
        if (connection != null && !dropped && alive(connection)) {
            return connection;
        }
        if (connection != null) {
            discardConnection();
        }
        Instant now = clock.instant();
        if (now.isBefore(retryAt)) {
            throw new HypervisorUnavailableException(uri + " is unavailable (" + status.error() + "), next attempt after " + retryAt, null);
        }
        try {
            connection = open();
        } catch (HypervisorUnavailableException e) {
            status = new Status(false, e.getMessage(), now);
            retryAt = now.plus(retryAfter);
            throw e;
        }
        dropped = false;
        status = new Status(true, null, clock.instant());
        for (ConnectionHook h : hooks) {
            h.opened(connection);
        }
        return connection;
    }

    /** KVM when the host offers it for x86_64 hvm guests, else QEMU; asked once per hypervisor. */
    public synchronized VirtType virtType() {
        if (virtType == null) {
            try {
                virtType = preferredVirtType(connection().getCapabilities());
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
        }, r -> {
            Thread t = new Thread(r, "libvirt-connect");
            t.setDaemon(true);
            t.start();
        });
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
            c.registerCloseListener((conn, reason) -> dropped = true);
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
        for (ConnectionHook h : hooks) {
            try {
                h.closing(connection);
            } catch (RuntimeException e) {
                // the connection is dead; its callbacks go with it
            }
        }
        closeQuietly(connection);
        connection = null;
        virtType = null;
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

    @Override
    public synchronized void close() {
        closed = true;
        if (connection != null) {
            discardConnection();
        }
        status = new Status(false, "closed", clock.instant());
    }

    @Override
    public String toString() {
        return "Hypervisor[" + uri + ", " + (status.available() ? "available" : "unavailable: " + status.error()) + "]";
    }
}
