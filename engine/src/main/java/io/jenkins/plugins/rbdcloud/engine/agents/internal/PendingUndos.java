package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import io.jenkins.plugins.rbdcloud.engine.agents.PendingUndo;
import io.jenkins.plugins.rbdcloud.engine.agents.policy.UndoBackoff;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Failed launches whose undo could not finish: each keeps its agent record (what is left: domain
 * UUID on its hypervisor, disk name) and its reservation until a retry, or reconciliation,
 * removes what is left. A launch is not over until its undo ran.
 */
public final class PendingUndos {

    private static final Logger LOG = Logger.getLogger(PendingUndos.class.getName());

    private static final class Entry {
        final AgentRecord agent;
        int attempts;
        Instant nextAttempt;
        String lastError;
        boolean running;

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

    /** Retries every entry that is due at {@code now}; blocking, call it on the engine's executor. */
    public void retryDue(Instant now, Teardown teardown) {
        for (Entry e : List.copyOf(entries.values())) {
            synchronized (e) {
                if (e.running || now.isBefore(e.nextAttempt)) {
                    continue;
                }
                e.running = true;
            }
            try {
                // Domain first: QEMU holds the disk open while it runs.
                teardown.removeDomain(e.agent);
                teardown.removeDisk(e.agent);
                done(e);
            } catch (RuntimeException | Error x) {
                synchronized (e) {
                    failed(e, ProvisionJob.describe(x));
                }
                LOG.log(Level.FINE, "undo of agent " + e.agent.name() + " failed again", x);
            } finally {
                synchronized (e) {
                    e.running = false;
                }
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
            done(e);
        }
    }

    private void failed(Entry e, String error) {
        e.attempts++;
        e.lastError = error;
        e.nextAttempt = ctx.now().plus(UndoBackoff.after(e.attempts));
    }

    /** Everything is gone: the reservation is free again. */
    private void done(Entry e) {
        if (entries.remove(e.agent.name(), e)) {
            ctx.ledger().release(e.agent.reservation());
            LOG.info("pending undo of agent " + e.agent.name() + " done");
        }
    }

    /** Agents with a pending undo: their tagged objects are known garbage. */
    public Set<String> agents() {
        return Set.copyOf(entries.keySet());
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
