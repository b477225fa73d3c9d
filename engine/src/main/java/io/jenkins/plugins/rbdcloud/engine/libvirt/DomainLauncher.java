package io.jenkins.plugins.rbdcloud.engine.libvirt;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.libvirt.LibvirtException;

/**
 * Starts agent domains on one hypervisor: (define →) start → wait until qemu-guest-agent
 * answers. Each step has a timeout; when a step fails or times out, what was done is undone
 * (destroy, and undefine for a persistent domain), found by the domain's UUID even if the
 * libvirt call itself never returned.
 *
 * <p>{@link Persistence#TRANSIENT} (the default) is created in one call and vanishes entirely
 * when destroyed: nothing is written to libvirt's config directory, so there is less to clean
 * after a crash of the controller.
 */
public final class DomainLauncher {

    public enum Persistence { TRANSIENT, PERSISTENT }

    /** Time budgets of the steps. */
    public record Timeouts(Duration define, Duration start, Duration ready, Duration destroy) {
        public static Timeouts defaults() {
            return new Timeouts(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(30));
        }
    }

    private static final ExecutorService CALLS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "rbd-cloud-libvirt-call");
        t.setDaemon(true);
        return t;
    });

    private final Hypervisor hypervisor;
    private final DomainEvents events;

    public DomainLauncher(Hypervisor hypervisor, DomainEvents events) {
        this.hypervisor = Objects.requireNonNull(hypervisor);
        this.events = Objects.requireNonNull(events);
    }

    public Hypervisor hypervisor() {
        return hypervisor;
    }

    /** Launches a transient domain with default timeouts. */
    public RunningDomain launch(DomainSpec spec, DomainEventListener listener) {
        return launch(spec, Persistence.TRANSIENT, Timeouts.defaults(), listener);
    }

    /**
     * Starts the domain and returns once its guest agent answers; {@code listener} hears the
     * domain's events from before it starts until it is destroyed.
     */
    public RunningDomain launch(DomainSpec spec, Persistence persistence, Timeouts timeouts, DomainEventListener listener) {
        DomainSpec resolved = hypervisor.resolve(spec);
        String xml = DomainXml.render(resolved);
        ReadyWatch watch = new ReadyWatch();
        LaunchTimings timings = new LaunchTimings();
        RunningDomain running = new RunningDomain(hypervisor, resolved, timings,
                events.subscribe(resolved.name(), listener), events.subscribe(resolved.name(), watch));
        try {
            if (persistence == Persistence.PERSISTENT) {
                bounded(resolved.name(), "define", timeouts.define(), () -> hypervisor.connection().domainDefineXML(xml).free());
                timings.phase("define");
                bounded(resolved.name(), "start", timeouts.start(), () -> running.domain().create());
                timings.phase("start");
            } else {
                bounded(resolved.name(), "create", timeouts.start(), () -> hypervisor.connection().domainCreateXML(xml, 0).free());
                timings.phase("create");
            }
            watch.awaitReady(running, timeouts.ready(), timings);
            return running;
        } catch (RuntimeException e) {
            try {
                running.destroy(timeouts.destroy());
            } catch (RuntimeException undo) {
                e.addSuppressed(undo);
            }
            throw e;
        }
    }

    /** Runs a blocking libvirt call with a time limit. */
    static <T> T bounded(String domain, String step, Duration timeout, Callable<T> call) {
        Future<T> f = CALLS.submit(call);
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

    /** Readiness is an event (agent connected) confirmed by a guest-ping; a 1 s poll backs it up. */
    private static final class ReadyWatch implements DomainEventListener {
        private final Object lock = new Object();
        private boolean agentConnected;
        private String stopped;

        @Override
        public void onGuestAgent(String domain, boolean connected) {
            synchronized (lock) {
                agentConnected = connected;
                lock.notifyAll();
            }
        }

        @Override
        public void onStopped(String domain, String reason) {
            synchronized (lock) {
                stopped = "stopped (" + reason + ")";
                lock.notifyAll();
            }
        }

        @Override
        public void onCrashed(String domain, String detail) {
            synchronized (lock) {
                stopped = "crashed (" + detail + ")";
                lock.notifyAll();
            }
        }

        void awaitReady(RunningDomain d, Duration timeout, LaunchTimings timings) {
            long deadline = System.nanoTime() + timeout.toNanos();
            boolean sawEvent = false;
            while (true) {
                boolean connected;
                synchronized (lock) {
                    if (stopped != null) {
                        throw new HypervisorException("domain " + d.name() + " " + stopped + " before its guest agent answered");
                    }
                    connected = agentConnected;
                }
                if (connected && !sawEvent) {
                    sawEvent = true;
                    timings.phase("agent-connected");
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new DomainTimeoutException(d.name(), "waiting for the guest agent", timeout,
                            connected ? "connected but not answering guest-ping" : "agent never connected");
                }
                // Without the event a ping fails fast ("not connected"): that is the bounded poll.
                if (d.agent().isResponsive(Duration.ofMillis(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, 5000)))) {
                    timings.phase(sawEvent ? "ping" : "agent-ready");
                    return;
                }
                synchronized (lock) {
                    if (stopped == null && agentConnected == connected) {
                        try {
                            lock.wait(Math.max(1, Math.min(1000, TimeUnit.NANOSECONDS.toMillis(left))));
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new HypervisorException("interrupted while waiting for " + d.name(), e);
                        }
                    }
                }
            }
        }
    }
}
