package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import io.jenkins.plugins.rbdcloud.engine.Ownership;
import io.jenkins.plugins.rbdcloud.engine.agents.TerminationReport.DiskFate;
import io.jenkins.plugins.rbdcloud.engine.ceph.ImageSpec;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdException;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdHasSnapshotsException;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdNotFoundException;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
import io.jenkins.plugins.rbdcloud.engine.ceph.SnapInfo;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenNames;
import java.time.Duration;
import java.util.UUID;

/**
 * Removes an agent's backend objects: its domain, then its disk (with its held snapshot, if any). A disk a flattening golden
 * version still reads from, or one that keeps refusing removal while QEMU lets go of it, goes to
 * the trash (maintenance purges it); a throw-away clone is never trimmed first, since removal
 * frees all of it anyway.
 */
public final class Teardown {

    static final Duration DESTROY_TIMEOUT = Duration.ofSeconds(30);

    private final EngineContext ctx;

    public Teardown(EngineContext ctx) {
        this.ctx = ctx;
    }

    /** Destroys the agent's domain if it has one; true when there was one to destroy. */
    public boolean removeDomain(AgentRecord agent) {
        UUID uuid = agent.domain();
        if (uuid == null) {
            return false;
        }
        ctx.options().steps().before(agent.name(), "destroy");
        agent.node().hypervisor().remove(uuid, DESTROY_TIMEOUT);
        agent.domain(null);
        return true;
    }

    /** What removing a disk did, and the bytes it allocated. */
    public record DiskRemoval(DiskFate fate, long freedBytes) {}

    /**
     * Removes the agent's disk: the one its clone made, or what a clone it did not finish left
     * under its name (see {@link #removeUnfinishedDisk(String)}).
     */
    public DiskRemoval removeDisk(AgentRecord agent) {
        String made = agent.disk();
        String unfinished = agent.unfinishedDisk();
        if (made == null && unfinished == null) {
            return new DiskRemoval(DiskFate.ABSENT, 0);
        }
        ctx.options().steps().before(agent.name(), "remove-disk");
        DiskRemoval r = made != null ? removeMadeDisk(made) : removeUnfinishedDisk(unfinished);
        agent.disk(null, agent.golden());
        agent.unfinishedDisk(null);
        return r;
    }

    /** A disk this engine made and recorded is ours also when its header can no longer be read. */
    private DiskRemoval removeMadeDisk(String disk) {
        DiskRemoval r = removeDisk(disk);
        return r.fate() == DiskFate.ABSENT && removeBrokenDisk(disk) ? new DiskRemoval(DiskFate.REMOVED, 0) : r;
    }

    /**
     * Removes a disk that this engine's own clone started under {@code disk} and did not finish.
     * Its tags cannot prove it ours (the clone stopped before writing them, or before the header
     * existed), so the proof is the clone itself: it was started under this agent's name (random,
     * reserved in the ledger) and did not fail with EEXIST, so nothing else had that name. A disk
     * that has tags is still removed only when they are ours.
     */
    public DiskRemoval removeUnfinishedDisk(String disk) {
        RbdPool pool = ctx.agentsPool();
        try {
            if (Ownership.fromMeta(pool.metaList(disk)).isPresent()) {
                return removeDisk(disk); // finished after all: its tags decide
            }
        } catch (RbdNotFoundException headerMissing) {
            // listed or not, it cannot be opened: half-made, or gone
        }
        return removeImage(pool, disk) ? new DiskRemoval(DiskFate.REMOVED, 0) : new DiskRemoval(DiskFate.ABSENT, 0);
    }

    /**
     * Removes a listed agent disk whose header cannot be opened (see
     * {@link io.jenkins.plugins.rbdcloud.engine.agents.policy.BrokenDisks} for why that may be ours).
     * Looked at once more first: one that opens now stays.
     *
     * @return true when it was removed, false when it opens after all or is gone
     */
    public boolean removeBrokenDisk(String disk) {
        RbdPool pool = ctx.agentsPool();
        try {
            pool.metaList(disk);
            return false;
        } catch (RbdNotFoundException headerMissing) {
            return removeImage(pool, disk);
        }
    }

    /**
     * Removes an image whose tags could not be read (the caller has its own proof), with the
     * deletion retry policy; librbd removes a half-made one too. False when there was none.
     */
    boolean removeImage(RbdPool pool, String disk) {
        try {
            return retryRemove(pool, disk);
        } catch (BackendFailure e) {
            throw e.unwrap();
        }
    }

    /**
     * {@code rbd rm} with the deletion retry policy: true when removed, false when there was none.
     *
     * @throws RbdHasSnapshotsException at once: waiting does not remove a snapshot
     * @throws BackendFailure           once retrying gave up
     */
    private boolean retryRemove(RbdPool pool, String disk) {
        try {
            return ctx.options().deletion().call("remove image " + pool.name() + "/" + disk, () -> {
                try {
                    pool.remove(disk);
                    return true;
                } catch (RbdNotFoundException gone) {
                    requireUnlisted(pool, disk, gone);
                    return false;
                } catch (RbdHasSnapshotsException e) {
                    throw e;
                } catch (RbdException e) {
                    throw BackendFailure.of(e, true);
                }
            }, d -> Thread.sleep(d.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while removing " + pool.name() + "/" + disk, e);
        }
    }

    /**
     * A removal that said "not found" really found nothing: in a full pool librbd's remove fails to
     * move the image to the trash (EDQUOT) and then reports ENOENT while the image stays listed.
     */
    private void requireUnlisted(RbdPool pool, String disk, RbdNotFoundException said) {
        if (!pool.list().contains(disk)) {
            return;
        }
        String why = ctx.pools().faultNow().map(f -> " (" + f.getMessage() + ")").orElse("");
        RbdException still = new RbdException("remove " + pool.name() + "/" + disk + ": librbd said not found, but it is still listed"
                + why, said.errno(), said.target());
        still.initCause(said);
        throw still;
    }

    /**
     * Removes {@code agents/disk}: gone already is fine; pinned or persistently busy goes to the trash.
     * Only a disk whose tags prove it ours (see {@link DiskOwnership}) is touched; any other fails.
     */
    public DiskRemoval removeDisk(String disk) {
        RbdPool pool = ctx.agentsPool();
        long used;
        try {
            DiskOwnership.requireOurs(pool.metaList(disk), ctx, disk);
            used = pool.usedBytes(disk);
        } catch (RbdNotFoundException e) {
            return new DiskRemoval(DiskFate.ABSENT, 0);
        }
        if (isPinned(disk)) {
            // A held disk's snapshot goes first: a version reads from a promotion snapshot, never from
            // it, and left on the trashed disk it would keep the disk from going after the flatten.
            releaseHeldSnapshot(pool, disk);
            return trash(pool, disk);
        }
        try {
            retryRemove(pool, disk);
            return new DiskRemoval(DiskFate.REMOVED, used);
        } catch (RbdHasSnapshotsException e) {
            // A held disk's snapshot goes with it, and so does the snapshot of a promotion that died
            // before it made its version; a version's (one with clones) waits in the trash with the disk.
            return releaseHeldSnapshot(pool, disk) | releaseAbandonedPromotions(pool, disk) ? removeDisk(disk) : trash(pool, disk);
        } catch (BackendFailure e) {
            if (e.hasWatchers()) {
                // Still open after every retry: trashing does not need it closed; the purge retries later.
                return trash(pool, disk);
            }
            throw e.unwrap();
        }
    }

    /**
     * Removes a held disk's snapshot (or a failure disk's); false when there is none. A promotion renames it first, so
     * it is never what a version reads from.
     */
    private static boolean releaseHeldSnapshot(RbdPool pool, String disk) {
        try {
            for (var s : pool.snaps(disk)) {
                if (s.name().equals(HeldDisks.SNAPSHOT) || s.name().equals(FailureTags.SNAPSHOT)) {
                    if (s.isProtected()) {
                        pool.snapUnprotect(disk, s.name()); // busy while a debug agent's disk is cloned from it
                    }
                    pool.snapRemove(disk, s.name());
                    return true;
                }
            }
        } catch (RbdNotFoundException gone) {
            // the disk (or the snapshot) went meanwhile: nothing to release
        }
        return false;
    }

    /**
     * Removes promotion snapshots of an unpinned disk that nothing was cloned from: a promotion
     * killed between its snapshot and its version's clone (found by the soak: such a disk went to the
     * trash and its purge failed on the snapshot for good). A version reads from its promotion
     * snapshot only through a clone, and clones of any pool, trashed ones included, are listed.
     */
    private static boolean releaseAbandonedPromotions(RbdPool pool, String disk) {
        boolean released = false;
        try {
            for (SnapInfo s : pool.snaps(disk)) {
                if (GoldenNames.isPromoteSnap(s.name()) && pool.children(disk, s.name()).isEmpty()) {
                    pool.snapRemove(disk, s.name());
                    released = true;
                }
            }
        } catch (RbdNotFoundException gone) {
            // the disk (or the snapshot) went meanwhile: nothing to release
        }
        return released;
    }

    private boolean isPinned(String disk) {
        ImageSpec spec = ImageSpec.of(ctx.agentsPool().name(), disk);
        return ctx.catalog().pinnedAgentDisks().contains(spec);
    }

    private static DiskRemoval trash(RbdPool pool, String disk) {
        try {
            pool.trashMove(disk, Duration.ZERO);
        } catch (RbdNotFoundException gone) {
            return new DiskRemoval(DiskFate.ABSENT, 0);
        }
        return new DiskRemoval(DiskFate.TRASHED, 0);
    }
}
