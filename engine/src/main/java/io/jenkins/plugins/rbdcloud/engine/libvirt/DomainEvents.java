package io.jenkins.plugins.rbdcloud.engine.libvirt;

import io.jenkins.plugins.rbdcloud.engine.libvirt.internal.LibVirtNative;
import io.jenkins.plugins.rbdcloud.engine.util.DaemonThreads;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.libvirt.event.AgentLifecycleListener;
import org.libvirt.event.DomainEvent;
import org.libvirt.event.IOErrorAction;
import org.libvirt.event.IOErrorListener;
import org.libvirt.event.LifecycleListener;

/**
 * Domain events of one hypervisor, fanned out to listeners by domain name. Callbacks are
 * registered on every connection the hypervisor opens (so they survive a reconnect) and run on
 * libvirt's event loop thread, which only hands each event to a dispatcher thread.
 */
public final class DomainEvents implements Hypervisor.ConnectionHook, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(DomainEvents.class.getName());
    private static final String[] WATCHDOG_ACTIONS = {"none", "pause", "reset", "poweroff", "shutdown", "debug", "inject-nmi"};
    private static final int AGENT_CONNECTED = 1;
    /** Events waiting for listeners; beyond that (listeners stuck) an event is dropped with a warning. */
    private static final int QUEUE_LIMIT = 10_000;

    private final Hypervisor hypervisor;
    private final Map<String, List<DomainEventListener>> listeners = new ConcurrentHashMap<>();
    private final ExecutorService dispatcher = DaemonThreads.single("rbd-cloud-domain-events", QUEUE_LIMIT);

    private final LifecycleListener lifecycle = this::onLifecycle;
    private final IOErrorListener ioError = this::onIoError;
    private final AgentLifecycleListener agent = this::onAgent;
    private LibVirtNative.Registration watchdog;

    /** Registers on the hypervisor's current and future connections. */
    public DomainEvents(Hypervisor hypervisor) {
        this.hypervisor = hypervisor;
        hypervisor.addConnectionHook(this);
    }

    /** Sends events of {@code domain} to {@code listener} until the returned handle is closed. */
    public Subscription subscribe(String domain, DomainEventListener listener) {
        DomainNames.domainName(domain);
        listeners.computeIfAbsent(domain, k -> new CopyOnWriteArrayList<>()).add(listener);
        return () -> listeners.computeIfPresent(domain, (k, l) -> {
            l.remove(listener);
            return l.isEmpty() ? null : l;
        });
    }

    @Override
    public synchronized void opened(Connect c) {
        try {
            c.addLifecycleListener(lifecycle);
            c.addIOErrorListener(ioError);
            c.addAgentLifecycleListener(agent);
        } catch (LibvirtException e) {
            throw HypervisorException.of("registering domain event callbacks on " + hypervisor.uri(), e);
        }
        watchdog = LibVirtNative.registerWatchdog(c, (name, action) -> dispatch(name,
                l -> l.onWatchdog(name, action >= 0 && action < WATCHDOG_ACTIONS.length ? WATCHDOG_ACTIONS[action] : "unknown")));
    }

    @Override
    public synchronized void closing(Connect c) {
        try {
            c.removeLifecycleListener(lifecycle);
            c.removeIOErrorListener(ioError);
            c.removeAgentLifecycleListener(agent);
        } catch (LibvirtException e) {
            // the connection is going away anyway
        }
        if (watchdog != null) {
            try {
                LibVirtNative.deregisterEvent(c, watchdog);
            } catch (HypervisorException e) {
                // same
            }
            watchdog = null;
        }
    }

    private int onLifecycle(Domain d, DomainEvent e) {
        String name = nameOf(d);
        String detail = String.valueOf((Object) e.getDetail()).toLowerCase(Locale.ROOT);
        switch (e.getType()) {
            case STARTED, RESUMED -> dispatch(name, l -> l.onStarted(name));
            case STOPPED -> dispatch(name, l -> l.onStopped(name, detail));
            case CRASHED -> dispatch(name, l -> l.onCrashed(name, detail));
            default -> { }
        }
        return 0;
    }

    private void onIoError(Domain d, String source, String alias, IOErrorAction action) {
        String name = nameOf(d);
        dispatch(name, l -> l.onIoError(name, source, String.valueOf(action).toLowerCase(Locale.ROOT)));
    }

    private void onAgent(Domain d, int state, int reason) {
        String name = nameOf(d);
        dispatch(name, l -> l.onGuestAgent(name, state == AGENT_CONNECTED));
    }

    private void dispatch(String domain, Consumer<DomainEventListener> event) {
        List<DomainEventListener> ls = domain == null ? null : listeners.get(domain);
        if (ls == null) {
            return;
        }
        try {
            dispatcher.execute(() -> {
                for (DomainEventListener l : ls) {
                    try {
                        event.accept(l);
                    } catch (RuntimeException e) {
                        LOG.log(System.Logger.Level.WARNING, "domain event listener for " + domain + " failed", e);
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            // Never throw into libvirt's event loop thread; after close() nobody listens anyway.
            if (!dispatcher.isShutdown()) {
                LOG.log(System.Logger.Level.WARNING, "domain event of " + domain + " dropped: " + e.getMessage());
            }
        }
    }

    private static String nameOf(Domain d) {
        try {
            return d.getName();
        } catch (LibvirtException e) {
            return null;
        }
    }

    @Override
    public void close() {
        hypervisor.removeConnectionHook(this);
        dispatcher.shutdown();
    }

    /** A listener's registration; closing it stops the events and cannot fail. */
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
