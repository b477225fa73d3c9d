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

    @Test
    void aVersionKilledBeforeItsTagsReleasesTheDiskItWasClonedFromNotTheOneItsInheritedInfoNames() throws Exception {
        String g = fx.golden("untagged");
        gi.importFile(g, fx.rawFile("u.raw", 8L * MiB, 3, 0), ImportProgress.NONE);
        String a = fx.disk("agent");
        gi.cloneForAgent(fx.agents, new AgentCloneRequest(g, 0, a, 8L * MiB, "c", "t", "a"));
        gi.promote(g, fx.agents, a);
        gi.completeFlattens(g); // v2 ready: its info names a (by image id) as its source
        String b = fx.disk("agent");
        gi.cloneForAgent(fx.agents, new AgentCloneRequest(g, 0, b, 8L * MiB, "c", "t", "b")); // carries v2's info
        // A promotion of b to v3 killed after the clone, before its tags: v3 carries v2's info too.
        fx.agents.snapCreate(b, GoldenNames.promoteSnap(g, 3));
        fx.agents.clone(b, GoldenNames.promoteSnap(g, 3), fx.images, GoldenNames.versionImage(g, 3));
        String bId = fx.agents.trashMove(b, Duration.ZERO);
        // a, meanwhile, was moved to the trash by an operator who keeps it restorable for an hour.
        String aId = fx.agents.trashMove(a, Duration.ofHours(1));

        List<String> failures = new ArrayList<>();
        gi.completeFlattens(failures);
        assertEquals(List.of(), failures);
        assertFalse(fx.images.list().contains(GoldenNames.versionImage(g, 3)), "the killed promotion's version stayed");
        assertTrue(fx.agents.trashList().stream().anyMatch(e -> e.id().equals(aId)),
                "a disk the leftover's inherited info named was removed from the trash");
        assertEquals(1, fx.agents.trashSnaps(bId).size(), "b keeps its snapshot for the reap (its name was not looked up by a's id)");
        assertTrue(gi.reapTrashedAgentDisk(fx.agents, bId), "b, whose snapshot nothing reads now, reaped");
    }
}
