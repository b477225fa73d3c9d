package io.jenkins.plugins.rbdcloud.engine.images;

import static io.jenkins.plugins.rbdcloud.engine.images.CatalogFixture.MiB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.ceph.TrashEntry;
import io.jenkins.plugins.rbdcloud.engine.images.store.CatalogLock;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnvironmentExtension;
import io.jenkins.plugins.rbdcloud.engine.testing.ScratchPool;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a promotion killed mid-way leaves (found by the soak, dev/soak): a version image listed but
 * without a header (killed while cloning it), and an agent disk whose promotion snapshot no version
 * reads, moved to the trash, where librbd will not remove an image that has snapshots. Image upkeep
 * removes both; neither while a promotion could be making it.
 */
@ExtendWith(DevEnvironmentExtension.class)
class KilledPromotionLeftoversIT {

    private CatalogFixture fx;
    private GoldenImages gi;

    @BeforeEach
    void setUp(DevEnv env) throws IOException {
        fx = new CatalogFixture(env);
        gi = fx.catalog(); // closed by fx.close()
    }

    @AfterEach
    void tearDown() throws IOException {
        fx.close();
    }

    @Test
    void aHalfMadeVersionImageIsRemovedByUpkeepButNotWhileTheCatalogIsLocked() throws Exception {
        String g = fx.golden("half");
        gi.importFile(g, fx.rawFile("h.raw", 8L * MiB, 1, 0), ImportProgress.NONE);
        String image = GoldenNames.versionImage(g, 2);
        ScratchPool.makeHalfMadeImage(fx.env, fx.env.imagesPool(), image);
        assertTrue(fx.images.list().contains(image), "listed, without a header");

        // A live promotion holds the lock while it makes the image: left alone then.
        CatalogLock.Held held = new io.jenkins.plugins.rbdcloud.engine.images.store.CatalogStore(fx.images,
                CatalogFixture.options().build()).lock().tryAcquire(g);
        List<String> failures = new ArrayList<>();
        try (held) {
            gi.completeFlattens(failures);
        }
        assertTrue(fx.images.list().contains(image), "removed while the catalog was locked");

        gi.completeFlattens(failures);
        assertEquals(List.of(), failures);
        assertFalse(fx.images.list().contains(image), "the half-made version image stayed");
        assertEquals(List.of(1), gi.versions(g).stream().map(GoldenVersion::version).toList(), "v1 untouched");
    }

    @Test
    void aTrashedAgentDiskWithAnUnreadPromotionSnapshotIsRemovedAndAReadOneIsKept() throws Exception {
        String g = fx.golden("reap");
        gi.importFile(g, fx.rawFile("r.raw", 8L * MiB, 2, 0), ImportProgress.NONE);
        String orphan = fx.disk("agent");
        String read = fx.disk("agent");
        gi.cloneForAgent(fx.agents, new AgentCloneRequest(g, 0, orphan, 8L * MiB, "c", "t", "a1"));
        gi.cloneForAgent(fx.agents, new AgentCloneRequest(g, 0, read, 8L * MiB, "c", "t", "a2"));
        // A promotion to v7 died after its snapshot (no version made); another one's snapshot has a clone.
        fx.agents.snapCreate(orphan, GoldenNames.promoteSnap(g, 6)); // two died on this disk
        fx.agents.snapCreate(orphan, GoldenNames.promoteSnap(g, 7));
        fx.agents.snapCreate(read, GoldenNames.promoteSnap(g, 8));
        String reader = fx.disk("reader");
        fx.agents.clone(read, GoldenNames.promoteSnap(g, 8), fx.agents, reader);
        String orphanId = fx.agents.trashMove(orphan, Duration.ZERO);
        String readId = fx.agents.trashMove(read, Duration.ZERO);

        // Killed between its two snapshots' removals: the disk is still in the trash, under no name.
        java.util.concurrent.atomic.AtomicInteger snapsRemoved = new java.util.concurrent.atomic.AtomicInteger();
        try (GoldenImages dying = fx.catalog(CatalogFixture.options().steps(step -> {
            if (step.equals("reap-trashed-agent-snap") && snapsRemoved.incrementAndGet() == 2) {
                throw new IllegalStateException("killed at " + step);
            }
        }).build())) {
            IllegalStateException killed = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> dying.reapTrashedAgentDisk(fx.agents, orphanId));
            assertEquals("killed at reap-trashed-agent-snap", killed.getMessage());
        }
        assertFalse(fx.agents.exists(orphan), "taken out of the trash");
        assertTrue(fx.agents.list().stream().noneMatch(n -> n.contains(orphanId)), "restored under a private name");
        assertEquals(1, fx.agents.trashSnaps(orphanId).size(), "one snapshot removed before the kill");

        assertTrue(gi.reapTrashedAgentDisk(fx.agents, orphanId), "the unread snapshot's disk reaped");
        assertFalse(gi.reapTrashedAgentDisk(fx.agents, readId), "a read snapshot's disk reaped");

        List<TrashEntry> trash = fx.agents.trashList();
        assertTrue(trash.stream().noneMatch(e -> e.id().equals(orphanId)), "still in the trash: " + trash);
        Optional<TrashEntry> kept = trash.stream().filter(e -> e.id().equals(readId)).findFirst();
        assertEquals(Optional.of(read), kept.map(TrashEntry::name), "the read disk is still in the trash under its name: " + trash);
        assertFalse(fx.agents.exists(read), "the read disk was taken out of the trash");
        assertEquals(1, fx.agents.trashSnaps(readId).size());

        // Clean up: the reader, then the read disk.
        fx.agents.remove(reader);
        assertTrue(gi.reapTrashedAgentDisk(fx.agents, readId), "unread now");
    }
}
