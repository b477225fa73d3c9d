package io.jenkins.plugins.rbdcloud.engine.images.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.jenkins.plugins.rbdcloud.engine.ceph.CephCluster;
import io.jenkins.plugins.rbdcloud.engine.ceph.CephConfig;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
import io.jenkins.plugins.rbdcloud.engine.images.store.CatalogLock;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnvironmentExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A held catalog lock outlives its lease because its renewer keeps it, and the renewer thread
 * goes with the lock: a controller that promoted once does not keep a lock thread forever.
 */
@ExtendWith(DevEnvironmentExtension.class)
class CatalogLockRenewalIT {

    private static final String RENEWER = "rbd-cloud golden lock renewer";

    @Test
    void aHeldLockIsRenewedPastItsLeaseAndItsRenewerEndsOnRelease(DevEnv env) throws Exception {
        try (CephCluster cluster = CephCluster.connect(CephConfig.ofConfFile(env.cephConf(), env.cephUser(), env.cephKey()),
                Duration.ofSeconds(20))) {
            RbdPool images = cluster.pool(env.imagesPool());
            String golden = env.uniqueName("lock");
            CatalogLock ours = new CatalogLock(images, Duration.ofSeconds(3));
            try {
                try (CatalogLock.Held held = ours.tryAcquire(golden)) {
                    assertNotNull(held);
                    assertEquals(1, renewers(), "one renewer while the lock is held");
                    Thread.sleep(7_000); // more than two leases
                    assertNull(new CatalogLock(images, Duration.ofSeconds(3)).tryAcquire(golden), "still ours");
                    held.check();
                }
                waitForNoRenewer();
                assertEquals(0, renewers(), "the renewer thread ended with the lock");
            } finally {
                ours.removeObject(golden);
            }
        }
    }

    private static long renewers() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(RENEWER) && t.isAlive()).count();
    }

    private static void waitForNoRenewer() throws InterruptedException {
        for (int i = 0; i < 50 && renewers() > 0; i++) {
            Thread.sleep(100);
        }
    }
}
