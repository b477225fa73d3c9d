package io.jenkins.plugins.rbdcloud.engine.images.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.ceph.CephCluster;
import io.jenkins.plugins.rbdcloud.engine.ceph.CephConfig;
import io.jenkins.plugins.rbdcloud.engine.ceph.ImageSpec;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
import io.jenkins.plugins.rbdcloud.engine.ceph.TrashEntry;
import io.jenkins.plugins.rbdcloud.engine.images.CatalogOptions;
import io.jenkins.plugins.rbdcloud.engine.images.store.CatalogStore;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnvironmentExtension;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A promoted agent disk moved to the trash between the flattener's look-up and its snapshot
 * removal: the promotion snapshot is still released (found in the trash by image id) and the disk
 * removed for good, instead of keeping its snapshot in the trash forever.
 */
@ExtendWith(DevEnvironmentExtension.class)
class ReleaseAgentSnapIT {

    @Test
    void aDiskTrashedBetweenLookUpAndRemovalStillLosesItsSnapshotAndGoes(DevEnv env) {
        try (CephCluster cluster = CephCluster.connect(CephConfig.ofConfFile(env.cephConf(), env.cephUser(), env.cephKey()),
                Duration.ofSeconds(20))) {
            RbdPool agents = cluster.pool(env.agentsPool());
            String disk = env.uniqueName("reap");
            String snap = "rbd-cloud.promote." + disk + ".v1";
            agents.create(disk, 4L << 20);
            agents.snapCreate(disk, snap);
            String id = agents.stat(disk).id();
            AtomicBoolean trashed = new AtomicBoolean();
            CatalogOptions options = CatalogOptions.builder("it-controller").steps(step -> {
                if (step.equals("release-agent-snap") && trashed.compareAndSet(false, true)) {
                    agents.trashMove(disk, Duration.ZERO); // what deleting a pinned agent disk does, just now
                }
            }).build();
            try {
                new Flattener(new CatalogStore(cluster.pool(env.imagesPool()), options))
                        .releaseAgentSnap(ImageSpec.of(agents.name(), disk, snap), id);
                assertTrue(trashed.get(), "the disk went to the trash in between");
                assertFalse(agents.exists(disk));
                assertFalse(agents.exists("rbd-cloud.reap." + id));
                assertEquals(0, agents.trashList().stream().filter(e -> e.id().equals(id)).count(),
                        "released and removed for good, not left in the trash with its snapshot");
            } finally {
                cleanUp(agents, disk, id);
            }
        }
    }

    private static void cleanUp(RbdPool agents, String disk, String id) {
        for (TrashEntry e : agents.trashList()) {
            if (e.id().equals(id)) {
                agents.trashRestore(id, disk);
            }
        }
        for (String name : new String[] {disk, "rbd-cloud.reap." + id}) {
            if (agents.exists(name)) {
                agents.snaps(name).forEach(s -> agents.snapRemove(name, s.name()));
                agents.remove(name);
            }
        }
    }
}
