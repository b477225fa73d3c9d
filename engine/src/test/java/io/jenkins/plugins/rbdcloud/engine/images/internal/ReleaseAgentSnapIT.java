package io.jenkins.plugins.rbdcloud.engine.images.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.ceph.CephCluster;
import io.jenkins.plugins.rbdcloud.engine.ceph.CephConfig;
import io.jenkins.plugins.rbdcloud.engine.ceph.ImageSpec;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdNotFoundException;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
import io.jenkins.plugins.rbdcloud.engine.ceph.TrashEntry;
import io.jenkins.plugins.rbdcloud.engine.images.CatalogOptions;
import io.jenkins.plugins.rbdcloud.engine.images.store.CatalogStore;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnvironmentExtension;
import io.jenkins.plugins.rbdcloud.engine.testing.ScratchPool;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A promoted agent disk moved to the trash between the flattener's look-up and its snapshot
 * removal: the promotion snapshot is still released (found in the trash by image id) and the disk
 * removed for good, instead of keeping its snapshot in the trash forever. The disk never leaves
 * the trash meanwhile: a release killed half-way (the soak's promotion_kill once left the disk
 * restored under a private name nothing looked at) leaves it where the next pass finds it.
 */
@ExtendWith(DevEnvironmentExtension.class)
class ReleaseAgentSnapIT {

    @Test
    void aDiskTrashedBetweenLookUpAndRemovalStillLosesItsSnapshotAndGoes(DevEnv env) {
        try (CephCluster cluster = connect(env)) {
            RbdPool agents = cluster.pool(env.agentsPool());
            String disk = env.uniqueName("reap");
            String snap = promotedDisk(agents, disk);
            String id = agents.stat(disk).id();
            AtomicBoolean trashed = new AtomicBoolean();
            CatalogOptions options = CatalogOptions.builder("it-controller").steps(step -> {
                if (step.equals("release-agent-snap") && trashed.compareAndSet(false, true)) {
                    agents.trashMove(disk, Duration.ZERO); // what deleting a pinned agent disk does, just now
                }
            }).build();
            try {
                flattener(cluster, env, options)
                        .releaseAgentSnap(ImageSpec.of(agents.name(), disk, snap), id);
                assertTrue(trashed.get(), "the disk went to the trash in between");
                assertFalse(agents.exists(disk));
                assertTrue(agents.list().stream().noneMatch(n -> n.contains(id)), "an image under a private name: " + agents.list());
                assertEquals(0, agents.trashList().stream().filter(e -> e.id().equals(id)).count(),
                        "released and removed for good, not left in the trash with its snapshot");
            } finally {
                cleanUp(agents, disk, id);
            }
        }
    }

    @Test
    void aReleaseKilledBetweenItsStepsLeavesTheDiskInTheTrashAndTheNextPassRemovesIt(DevEnv env) {
        try (CephCluster cluster = connect(env)) {
            RbdPool agents = cluster.pool(env.agentsPool());
            String disk = env.uniqueName("killed");
            String snap = promotedDisk(agents, disk);
            agents.snapProtect(disk, snap); // a format-1 style promotion snapshot: unprotected in the trash too
            String id = agents.trashMove(disk, Duration.ZERO); // a pinned disk deleted: in the trash with its snapshot
            CatalogOptions killing = CatalogOptions.builder("it-controller").steps(step -> {
                if (step.equals("remove-released-agent-disk")) {
                    throw new IllegalStateException("killed at " + step);
                }
            }).build();
            try {
                Flattener dying = flattener(cluster, env, killing);
                IllegalStateException killed = assertThrows(IllegalStateException.class,
                        () -> dying.releaseAgentSnap(ImageSpec.of(agents.name(), disk, snap), id));
                assertEquals("killed at remove-released-agent-disk", killed.getMessage());
                assertFalse(agents.exists(disk), "restored under its name");
                assertTrue(agents.list().stream().noneMatch(n -> n.contains(id)), "restored under a private name: " + agents.list());
                assertTrue(agents.trashList().stream().anyMatch(e -> e.id().equals(id) && e.name().equals(disk)),
                        "the disk is still in the trash under its name");
                assertTrue(agents.trashSnaps(id).isEmpty(), "the snapshot was released before the kill");

                flattener(cluster, env, CatalogOptions.builder("it-controller").build())
                        .releaseAgentSnap(ImageSpec.of(agents.name(), disk, snap), id);
                assertTrue(agents.trashList().stream().noneMatch(e -> e.id().equals(id)), "the next pass removed it");
            } finally {
                cleanUp(agents, disk, id);
            }
        }
    }

    @Test
    void aDiskWhoseRemovalWasKilledAfterItsHeaderWentIsFinishedFromTheRecordedId(DevEnv env) {
        try (CephCluster cluster = connect(env)) {
            RbdPool agents = cluster.pool(env.agentsPool());
            String disk = env.uniqueName("headless");
            String snap = promotedDisk(agents, disk);
            String id = agents.trashMove(disk, Duration.ZERO);
            // What librbd's removal leaves when killed after it removed the header: a trash entry nothing can open.
            ScratchPool.run(env, "rados", "-p", agents.name(), "rm", "rbd_header." + id);
            try {
                assertThrows(RbdNotFoundException.class,
                        () -> agents.trashSnaps(id));
                flattener(cluster, env, CatalogOptions.builder("it-controller").build())
                        .releaseAgentSnap(ImageSpec.of(agents.name(), disk, snap), id);
                assertTrue(agents.trashList().stream().noneMatch(e -> e.id().equals(id)), "the trash entry stayed");
            } finally {
                if (agents.trashList().stream().anyMatch(e -> e.id().equals(id))) {
                    agents.trashRemove(id, true);
                }
            }
        }
    }

    /** A flattener over the dev cluster's images pool with {@code options} (step hooks). */
    private static Flattener flattener(CephCluster cluster, DevEnv env, CatalogOptions options) {
        return new Flattener(new CatalogStore(cluster.pool(env.imagesPool()), options));
    }

    private static CephCluster connect(DevEnv env) {
        return CephCluster.connect(CephConfig.ofConfFile(env.cephConf(), env.cephUser(), env.cephKey()), Duration.ofSeconds(20));
    }

    /** An agent disk with a promotion snapshot; returns the snapshot's name. */
    private static String promotedDisk(RbdPool agents, String disk) {
        String snap = "rbd-cloud.promote." + disk + ".v1";
        agents.create(disk, 4L << 20);
        agents.snapCreate(disk, snap);
        return snap;
    }

    private static void cleanUp(RbdPool agents, String disk, String id) {
        for (TrashEntry e : agents.trashList()) {
            if (e.id().equals(id)) {
                agents.trashSnaps(id).forEach(s -> agents.trashSnapRemove(id, s.name()));
                agents.trashRemove(id, true);
            }
        }
        if (agents.exists(disk)) {
            agents.snaps(disk).forEach(s -> agents.snapRemove(disk, s.name()));
            agents.remove(disk);
        }
    }
}
