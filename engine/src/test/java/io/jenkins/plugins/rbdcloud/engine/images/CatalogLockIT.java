package io.jenkins.plugins.rbdcloud.engine.images;

import static io.jenkins.plugins.rbdcloud.engine.images.CatalogFixture.MiB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.ceph.CephCluster;
import io.jenkins.plugins.rbdcloud.engine.ceph.ObjectLocker;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
import io.jenkins.plugins.rbdcloud.engine.images.store.CatalogLock;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnvironmentExtension;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The catalog lock is a lease: once another client broke it, the holder's renewal fails (it is
 * not silently taken again), a promotion stops before writing {@code current}, and closing the
 * lock reports the loss. The break comes from a second Ceph connection, as an operator's
 * {@code rados lock break} or another controller would.
 */
@ExtendWith(DevEnvironmentExtension.class)
class CatalogLockIT {

    private CatalogFixture fx;
    private CephCluster second;
    private RbdPool secondImages;
    private String golden;

    @BeforeEach
    void setUp(DevEnv env) throws IOException {
        fx = new CatalogFixture(env);
        second = CephCluster.connect(CatalogFixture.controller(env), CatalogFixture.TIMEOUT);
        secondImages = second.pool(env.imagesPool());
        golden = fx.golden("lease");
    }

    @AfterEach
    void tearDown() throws IOException {
        try {
            fx.images.objectRemove(CatalogLock.objectName(golden));
        } finally {
            second.close();
            fx.close();
        }
    }

    /** What {@code rados lock break} does, from the second connection: every holder of the golden image's lock. */
    private List<ObjectLocker> breakLock() {
        String oid = CatalogLock.objectName(golden);
        List<ObjectLocker> holders = secondImages.objectLockers(oid, CatalogLock.LOCK_NAME);
        holders.forEach(h -> assertTrue(secondImages.objectBreakLock(oid, CatalogLock.LOCK_NAME, h)));
        return holders;
    }

    @Test
    void renewalAfterABreakFailsAndCloseReportsTheLostLease() {
        CatalogLock lock = new CatalogLock(fx.images, Duration.ofSeconds(30));
        CatalogLock.Held held = lock.tryAcquire(golden);
        assertNotNull(held);
        held.check(); // renews while held

        assertEquals(1, breakLock().size());

        GoldenImageException renew = assertThrows(GoldenImageException.class, held::check);
        assertTrue(renew.getMessage().contains("lost the lock"), renew.getMessage());
        // The renewal did not take the lock again: another holder can have it.
        CatalogLock.Held other = new CatalogLock(secondImages, Duration.ofSeconds(30)).tryAcquire(golden);
        assertNotNull(other, "the broken lock is free for the next holder");
        try (other) {
            assertThrows(GoldenImageException.class, held::check, "still lost while someone else holds it");
            GoldenImageException close = assertThrows(GoldenImageException.class, held::close);
            assertTrue(close.getMessage().contains("lost the lock"), close.getMessage());
            other.check();
        }
    }

    @Test
    void promotionWhoseLockWasBrokenLeavesCurrentAlone() throws IOException {
        try (GoldenImages gi = fx.catalog(CatalogFixture.options().build())) {
            gi.importFile(golden, fx.rawFile("base.raw", 8L * MiB, 21, 0), ImportProgress.NONE);
            String disk = fx.disk("lease-agent");
            gi.cloneForAgent(fx.agents, new AgentCloneRequest(golden, 0, disk, 8L * MiB, "c", "t", "agent"));
            try (GoldenImages broken = fx.catalog(CatalogFixture.options().steps(step -> {
                if (step.equals("mark-current")) {
                    breakLock();
                }
            }).build())) {
                GoldenImageException e = assertThrows(GoldenImageException.class, () -> broken.promote(golden, fx.agents, disk));
                assertTrue(e.getMessage().contains("lost the lock"), e.getMessage());
            }
            assertEquals(1, gi.show(golden).currentVersion(), "current did not move");
            assertEquals(List.of(1), gi.versions(golden).stream().map(GoldenVersion::version).toList());
            assertFalse(fx.images.exists(GoldenNames.versionImage(golden, 2)), "the half-made version was undone");
            assertTrue(fx.agents.snaps(disk).isEmpty(), "the agent snapshot was released");
        }
    }
}
