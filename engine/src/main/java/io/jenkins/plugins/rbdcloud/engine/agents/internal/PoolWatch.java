package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import io.jenkins.plugins.rbdcloud.engine.ceph.CephCluster;
import io.jenkins.plugins.rbdcloud.engine.ceph.PoolFaults;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdException;
import io.jenkins.plugins.rbdcloud.engine.util.DaemonThreads;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The engine's view of its two pools' faults (full, or no OSD serving them, see {@link PoolFaults}):
 * checked before each clone, every second while one runs, and, for {@code plan}, kept from the last
 * check at most a few seconds old. The monitor requests run on a thread of their own, so a clone
 * blocked on an OSD never delays the check that names why.
 */
public final class PoolWatch implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PoolWatch.class.getName());
    /** How old the fault {@code plan} sees may be before a new check starts. */
    static final Duration FRESH = Duration.ofSeconds(2);
    /** A clone takes tens of milliseconds; one still running after this is waiting for something. */
    static final Duration WATCH_EVERY = Duration.ofSeconds(1);
    /** How long a check that found no fault is believed before the next clone. */
    static final Duration TRUST_CLEAN = Duration.ofSeconds(1);

    private record Seen(Instant at, Optional<String> fault) {}

    private final PoolFaults faults;
    private final List<String> pools;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private final ExecutorService checker = DaemonThreads.single("rbd-cloud-pool-check", 64);
    private final AtomicBoolean checking = new AtomicBoolean();
    private volatile Seen last = new Seen(Instant.MIN, Optional.empty());

    /** @param pools the agents pool and the golden images' pool (a clone writes to both) */
    PoolWatch(CephCluster cluster, List<String> pools, Clock clock, ScheduledExecutorService timer) {
        this.faults = new PoolFaults(cluster);
        this.pools = List.copyOf(pools);
        this.clock = clock;
        this.timer = timer;
    }

    /**
     * The fault the last check found, without waiting; starts a new check (in the background) when
     * that one is older than {@link #FRESH}. Empty before the first check has answered.
     */
    public Optional<String> lastFault() {
        Seen s = last;
        if (s.at.plus(FRESH).isBefore(clock.instant())) {
            checkInBackground(f -> {});
        }
        return s.fault;
    }

    /**
     * Fails with the pools' fault: checked now (blocking, on the caller's thread) unless a check
     * less than {@link #TRUST_CLEAN} ago found none. That spares each clone of a burst three monitor
     * requests; a pool that fills in between is caught by {@link #watch} within a second.
     */
    void requireWritable() {
        Seen s = last;
        if (s.fault.isEmpty() && s.at.plus(TRUST_CLEAN).isAfter(clock.instant())) {
            return;
        }
        try {
            faults.requireWritable(pools);
            last = new Seen(clock.instant(), Optional.empty());
        } catch (RbdException e) {
            last = new Seen(clock.instant(), Optional.of(e.getMessage()));
            throw e;
        }
    }

    /** Checks now (blocking): the first fault of the pools, empty when none or when the check itself fails. */
    Optional<RbdException> faultNow() {
        try {
            Optional<RbdException> f = faults.fault(pools);
            last = new Seen(clock.instant(), f.map(Throwable::getMessage));
            return f;
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "checking pools " + pools + " failed", e);
            return Optional.empty();
        }
    }

    /** {@code e} with its cause named, when it is a timeout or no-space error on one of the pools. */
    RbdException explain(RbdException e) {
        return faults.explain(e, pools);
    }

    /**
     * Checks every {@link #WATCH_EVERY} until the returned handle is closed, and tells
     * {@code onFault} the first fault found (once).
     */
    AutoCloseable watch(Consumer<String> onFault) {
        AtomicBoolean told = new AtomicBoolean();
        Consumer<Optional<String>> tell = f -> f.ifPresent(why -> {
            if (told.compareAndSet(false, true)) {
                onFault.accept(why);
            }
        });
        long ms = WATCH_EVERY.toMillis();
        ScheduledFuture<?> f = timer.scheduleWithFixedDelay(() -> checkInBackground(tell), ms, ms, TimeUnit.MILLISECONDS);
        return () -> f.cancel(false);
    }

    private void checkInBackground(Consumer<Optional<String>> then) {
        if (!checking.compareAndSet(false, true)) {
            return; // one check at a time: a slow monitor must not pile them up
        }
        try {
            checker.execute(() -> {
                try {
                    Optional<String> fault = faults.fault(pools).map(Throwable::getMessage);
                    last = new Seen(clock.instant(), fault);
                    then.accept(fault);
                } catch (RuntimeException e) {
                    LOG.log(Level.FINE, "checking pools " + pools + " failed", e);
                } finally {
                    checking.set(false);
                }
            });
        } catch (RejectedExecutionException closed) {
            checking.set(false);
        }
    }

    @Override
    public void close() {
        checker.shutdownNow();
    }
}
