package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import io.jenkins.plugins.rbdcloud.engine.Ownership;
import io.jenkins.plugins.rbdcloud.engine.agents.FailureSnapshot;
import io.jenkins.plugins.rbdcloud.engine.agents.policy.AgentNames;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdException;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdNotFoundException;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
import io.jenkins.plugins.rbdcloud.engine.config.OnFailure;
import io.jenkins.plugins.rbdcloud.engine.images.Provenance;
import io.jenkins.plugins.rbdcloud.engine.util.Printable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Failure snapshots ({@code onFailure=snapshot}): a held disk whose build failed keeps its
 * snapshot, renamed {@value FailureTags#SNAPSHOT}, and is tagged with the build, the reason and an
 * expiry; at most the template's count is kept, the oldest going first. Reconciliation removes it
 * once expired (the tags say when; see {@link FailureTags}).
 */
public final class FailureSnapshots {

    private static final Logger LOG = Logger.getLogger(FailureSnapshots.class.getName());

    private final EngineContext ctx;
    private final Teardown teardown;

    FailureSnapshots(EngineContext ctx, Teardown teardown) {
        this.ctx = ctx;
        this.teardown = teardown;
    }

    /**
     * Turns the held disk {@code disk} into a failure snapshot kept for {@code settings}' retention,
     * then drops this template's oldest beyond its count. Tags first, rename second, the hold's tags
     * last: a crash in between leaves a disk whose failure tags win.
     */
    FailureSnapshot keep(String disk, Ownership owner, OnFailure settings, Optional<Provenance> build, String reason,
                         Instant now) {
        RbdPool pool = ctx.agentsPool();
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(FailureTags.FAILED_AT, now.toString());
        tags.put(FailureTags.UNTIL, now.plus(settings.retention()).toString());
        tags.put(FailureTags.REASON, FailureTags.reason(reason));
        build.ifPresent(b -> tags.put(FailureTags.BUILD, b.encode()));
        pool.metaSetAll(disk, tags);
        pool.snapRename(disk, HeldDisks.SNAPSHOT, FailureTags.SNAPSHOT);
        pool.metaRemove(disk, HeldDisks.HELD_UNTIL);
        pool.metaRemove(disk, HeldDisks.HELD_AT);
        dropOldest(owner.template(), settings.snapshots(), disk);
        return read(disk).orElseThrow(() -> new IllegalStateException("the failure snapshot of " + disk + " vanished"));
    }

    /**
     * {@code onFailure=keep:<d>}: the failed agent keeps running, out of Jenkins, until {@code until}; its
     * disk's tags say so, so any engine of this controller and cloud removes it then (reconciliation).
     */
    void keepRunning(AgentRecord agent, Optional<Provenance> build, String reason, Instant until) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(FailureTags.KEPT_UNTIL, until.toString());
        tags.put(FailureTags.REASON, FailureTags.reason(reason));
        build.ifPresent(b -> tags.put(FailureTags.BUILD, b.encode()));
        ctx.agentsPool().metaSetAll(agent.disk(), tags);
        agent.keptUntil(until);
    }

    /**
     * A kept agent whose build succeeded after all (a Pipeline's, kept while its build went on):
     * no longer kept, so that its disk is held, promoted or deleted like any other. The tags go
     * first: a held disk, and a version promoted from it, must not carry a keep deadline.
     */
    void release(AgentRecord agent) {
        RbdPool pool = ctx.agentsPool();
        pool.metaRemove(agent.disk(), FailureTags.KEPT_UNTIL);
        pool.metaRemove(agent.disk(), FailureTags.REASON);
        pool.metaRemove(agent.disk(), FailureTags.BUILD);
        agent.keptUntil(null);
    }

    /** Keeps the newest {@code cap} of the template's failure snapshots (always {@code kept}); removes the rest. */
    private void dropOldest(String template, int cap, String kept) {
        List<FailureSnapshot> mine = new ArrayList<>(list().stream().filter(f -> f.template().equals(template))
                .filter(f -> !f.agent().equals(kept)).sorted(Comparator.comparing(FailureSnapshot::failedAt).reversed()).toList());
        for (FailureSnapshot old : mine.subList(Math.min(mine.size(), cap - 1), mine.size())) {
            try {
                teardown.removeDisk(old.agent()); // ownership checked there
                LOG.info(() -> "removed the failure snapshot of " + old.agent() + ": more than " + cap + " of template " + template);
            } catch (RuntimeException e) {
                // Still cloned by a debug agent, or busy: the count is over for a while, expiry removes it.
                LOG.log(Level.INFO, "keeping the failure snapshot of " + old.agent() + " over the count for now", e);
            }
        }
    }

    /** The failure snapshots of this controller and cloud, oldest first. */
    public List<FailureSnapshot> list() {
        List<FailureSnapshot> out = new ArrayList<>();
        for (String name : ctx.agentsPool().list()) {
            if (AgentNames.isAgentName(name) && !ctx.agents().containsKey(name)) {
                read(name).ifPresent(out::add);
            }
        }
        out.sort(Comparator.comparing(FailureSnapshot::failedAt).thenComparing(FailureSnapshot::agent));
        return out;
    }

    /**
     * The failure snapshot {@code what} names: its agent, its snapshot ({@code pool/disk@snap}) or
     * its build ({@code job#12}; the newest of that build).
     */
    public FailureSnapshot find(String what) {
        List<FailureSnapshot> all = list();
        for (int i = all.size() - 1; i >= 0; i--) {
            FailureSnapshot f = all.get(i);
            if (f.agent().equals(what) || f.snapshot().equals(what)
                    || f.build().map(b -> what.equals(b.job() + "#" + b.build())).orElse(false)) {
                return f;
            }
        }
        throw new IllegalArgumentException("no failure snapshot of agent, snapshot or build '" + Printable.of(what)
                + "' (agents failures lists them)");
    }

    /** The failure snapshot kept on {@code disk}; empty when it is none of ours, or gone. */
    public Optional<FailureSnapshot> read(String disk) {
        RbdPool pool = ctx.agentsPool();
        try {
            Map<String, String> meta = pool.metaList(disk);
            if (!FailureTags.isFailure(meta)) {
                return Optional.empty();
            }
            Optional<Ownership> o = Ownership.fromMeta(meta).filter(x -> x.ownerId().equals(ctx.settings().ownerId())
                    && x.cloud().equals(ctx.settings().name()) && x.agent().equals(disk));
            if (o.isEmpty()) {
                return Optional.empty();
            }
            Optional<Provenance> build = Provenance.decode(meta.get(FailureTags.BUILD));
            return Optional.of(new FailureSnapshot(disk, o.get().template(), o.get().golden(),
                    pool.name() + "/" + disk + "@" + FailureTags.SNAPSHOT, build,
                    FailureTags.reason(meta.get(FailureTags.REASON)),
                    FailureTags.failedAt(meta).orElse(o.get().createdAt()), FailureTags.until(meta), pool.usedBytes(disk)));
        } catch (RbdNotFoundException gone) {
            return Optional.empty();
        } catch (RbdException e) {
            LOG.log(Level.FINE, "reading the tags of " + disk, e);
            return Optional.empty();
        }
    }
}
