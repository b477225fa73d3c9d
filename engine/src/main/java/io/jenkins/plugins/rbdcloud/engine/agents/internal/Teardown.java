package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import io.jenkins.plugins.rbdcloud.engine.agents.TerminationReport.DiskFate;
import io.jenkins.plugins.rbdcloud.engine.ceph.ImageSpec;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdException;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdHasSnapshotsException;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdNotFoundException;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
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

    public DiskRemoval removeDisk(AgentRecord agent) {
        String disk = agent.disk();
        if (disk == null) {
            return new DiskRemoval(DiskFate.ABSENT, 0);
        }
        ctx.options().steps().before(agent.name(), "remove-disk");
        DiskRemoval r = removeDisk(disk);
        agent.disk(null, agent.golden());
        return r;
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
            ctx.options().deletion().call("remove image " + pool.name() + "/" + disk, () -> {
                try {
                    pool.remove(disk);
                    return null;
                } catch (RbdNotFoundException gone) {
                    return null;
                } catch (RbdHasSnapshotsException e) {
                    throw e; // a promotion snapshot: not something waiting fixes
                } catch (RbdException e) {
                    throw BackendFailure.of(e, true);
                }
            }, d -> Thread.sleep(d.toMillis()));
            return new DiskRemoval(DiskFate.REMOVED, used);
        } catch (RbdHasSnapshotsException e) {
            // A held disk's snapshot goes with it; any other (a promotion's) waits in the trash.
            return releaseHeldSnapshot(pool, disk) ? removeDisk(disk) : trash(pool, disk);
        } catch (BackendFailure e) {
            if (e.hasWatchers()) {
                // Still open after every retry: trashing does not need it closed; the purge retries later.
                return trash(pool, disk);
            }
            throw e.unwrap();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while removing " + pool.name() + "/" + disk, e);
        }
    }

    /**
     * Removes a held disk's snapshot; false when there is none. A promotion renames it first, so
     * it is never what a version reads from.
     */
    private static boolean releaseHeldSnapshot(RbdPool pool, String disk) {
        try {
            if (pool.snaps(disk).stream().anyMatch(s -> s.name().equals(HeldDisks.SNAPSHOT))) {
                pool.snapRemove(disk, HeldDisks.SNAPSHOT);
                return true;
            }
        } catch (RbdNotFoundException gone) {
            // the disk (or the snapshot) went meanwhile: nothing to release
        }
        return false;
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
