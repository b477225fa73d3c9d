package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import io.jenkins.plugins.rbdcloud.engine.agents.CloudStatus;
import io.jenkins.plugins.rbdcloud.engine.agents.PendingUndo;
import io.jenkins.plugins.rbdcloud.engine.agents.TerminationReport.DiskFate;
import io.jenkins.plugins.rbdcloud.engine.agents.policy.UndoBackoff;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Failed launches whose undo could not finish, and disks of ended agents still being removed in
 * the background: each keeps its agent record (what is left: domain UUID on its hypervisor, disk
 * name) and its reservation until a retry, or reconciliation, removes what is left. A launch is
 * not over until its undo ran; a terminated agent is not gone until its disk is.
 */
public final class PendingUndos {

    private static final Logger LOG = Logger.getLogger(PendingUndos.class.getName());

    private static final class Entry {
        final AgentRecord agent;
        int attempts;
        Instant nextAttempt;
        String lastError;
        boolean running;
        /** Completes with the disk's fate once everything is gone. */
        final CompletableFuture<Teardown.DiskRemoval> gone = new CompletableFuture<>();

        Entry(AgentRecord agent) {
            this.agent = agent;
        }
    }

    private final EngineContext ctx;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    PendingUndos(EngineContext ctx) {
        this.ctx = ctx;
    }

    /** The launch's own undo of {@code agent} failed with {@code error}: keep what is left for later. */
    public void add(AgentRecord agent, String error) {
        Entry e = new Entry(agent);
        synchronized (e) {
            failed(e, error);
        }
        entries.put(agent.name(), e);
        LOG.warning("undo of agent " + agent.name() + " left for later (" + error + "): "
                + toView(e).describe(ctx.agentsPool().name()));
    }

    /**
     * Removes the disk of {@code agent} (its domain destroyed) on the engine's executor, so that
     * terminating does not wait for it. Tracked as an undo from the start: a removal that fails is
     * reported and retried on every tick, reconciliation treats the disk as known garbage, and a
     * CLI waits for it before it exits ({@code awaitUndos}). The same ownership checks as ever.
     *
     * @return completes with what the removal did, once the disk is gone
     */
    public CompletableFuture<Teardown.DiskRemoval> removeDiskInBackground(AgentRecord agent, Teardown teardown) {
        Entry e = new Entry(agent);
        e.nextAttempt = ctx.now();
        entries.put(agent.name(), e);
        try {
            ctx.executor().execute(() -> attempt(e, ctx.now(), teardown));
        } catch (RejectedExecutionException full) {
            LOG.fine("disk of agent " + agent.name() + " left to the next tick: " + full);
        }
        return e.gone;
    }

    /**
     * Waits up to {@code timeout} for the background removals whose first attempt has not failed
     * (those that failed are retried by ticks, or found by reconciliation). For an engine closing.
     */
    public void awaitFirstAttempts(Duration timeout) {
        List<CompletableFuture<Teardown.DiskRemoval>> running = entries.values().stream().filter(e -> {
            synchronized (e) {
                return e.attempts == 0;
            }
        }).map(e -> e.gone).toList();
        try {
            CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warning("closing with disk removals still under way (reconciliation removes what is left): "
                    + list().stream().map(u -> u.describe(ctx.agentsPool().name())).toList());
        }
    }

    /** Retries every entry that is due at {@code now}; blocking, call it on the engine's executor. */
    public void retryDue(Instant now, Teardown teardown) {
        for (Entry e : List.copyOf(entries.values())) {
            attempt(e, now, teardown);
        }
    }

    private void attempt(Entry e, Instant now, Teardown teardown) {
        synchronized (e) {
            if (e.running || now.isBefore(e.nextAttempt)) {
                return;
            }
            e.running = true;
        }
        try {
            // Domain first: QEMU holds the disk open while it runs.
            teardown.removeDomain(e.agent);
            done(e, teardown.removeDisk(e.agent));
        } catch (RuntimeException | Error x) {
            String why = ProvisionJob.describe(x);
            boolean first;
            synchronized (e) {
                first = e.attempts == 0;
                failed(e, why);
            }
            if (first) {
                // A background removal's first failure: nobody waits on it, so say it here.
                LOG.warning("removing what is left of agent " + e.agent.name() + " failed, retried on every tick ("
                        + why + "): " + toView(e).describe(ctx.agentsPool().name()));
                ctx.recordFailure(e.agent.name(), e.agent.template().name(), CloudStatus.Kind.ENDING, "remove disk", why);
            } else {
                LOG.log(Level.FINE, "undo of agent " + e.agent.name() + " failed again", x);
            }
        } finally {
            synchronized (e) {
                e.running = false;
            }
        }
    }

    /** Reconciliation removed {@code agent}'s domain. */
    public void domainGone(String agent) {
        Entry e = entries.get(agent);
        if (e != null) {
            e.agent.domain(null);
            doneIfEmpty(e);
        }
    }

    /** Reconciliation removed (or trashed) {@code agent}'s disk. */
    public void diskGone(String agent) {
        Entry e = entries.get(agent);
        if (e != null) {
            e.agent.disk(null, e.agent.golden());
            e.agent.unfinishedDisk(null);
            doneIfEmpty(e);
        }
    }

    private void doneIfEmpty(Entry e) {
        if (e.agent.domain() == null && e.agent.disk() == null && e.agent.unfinishedDisk() == null) {
            done(e, new Teardown.DiskRemoval(DiskFate.REMOVED, 0));
        }
    }

    private void failed(Entry e, String error) {
        e.attempts++;
        e.lastError = error;
        e.nextAttempt = ctx.now().plus(UndoBackoff.after(e.attempts));
    }

    /** Everything is gone: the reservation is free again (released already for an ended agent: idempotent). */
    private void done(Entry e, Teardown.DiskRemoval disk) {
        if (entries.remove(e.agent.name(), e)) {
            ctx.ledger().release(e.agent.reservation());
            if (e.attempts > 0) {
                LOG.info("pending undo of agent " + e.agent.name() + " done");
            }
            e.gone.complete(disk);
        }
    }

    /** Agents whose undo failed at least once: their tagged objects are known garbage. */
    public Set<String> agents() {
        return names(true);
    }

    /**
     * Agents whose disk is being removed in the background and has not failed yet: the removal is
     * under way, so reconciliation leaves their objects to it rather than racing it (and reporting a
     * terminated agent's disk as a leak).
     */
    public Set<String> underway() {
        return names(false);
    }

    private Set<String> names(boolean failed) {
        return entries.values().stream().filter(e -> {
            synchronized (e) {
                return (e.attempts > 0) == failed;
            }
        }).map(e -> e.agent.name()).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** When the earliest entry is due, if any. */
    public Optional<Instant> nextDue() {
        return list().stream().map(PendingUndo::nextAttempt).min(Comparator.naturalOrder());
    }

    public List<PendingUndo> list() {
        return entries.values().stream().map(PendingUndos::toView).sorted(Comparator.comparing(PendingUndo::agent)).toList();
    }

    private static PendingUndo toView(Entry e) {
        synchronized (e) {
            AgentRecord a = e.agent;
            return new PendingUndo(a.name(), a.template().name(), a.node().name(), Optional.ofNullable(a.domain()),
                    Optional.ofNullable(a.disk() != null ? a.disk() : a.unfinishedDisk()), e.attempts, e.nextAttempt, e.lastError);
        }
    }
}
