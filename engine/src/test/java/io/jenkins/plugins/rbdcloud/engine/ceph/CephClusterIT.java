package io.jenkins.plugins.rbdcloud.engine.ceph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnvironmentExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(DevEnvironmentExtension.class)
class CephClusterIT {

    @Test
    void connectsWithConfFileAndReportsFsid(DevEnv env) {
        try (CephCluster c = CephCluster.connect(CephItBase.controller(env), CephItBase.TIMEOUT)) {
            assertEquals(env.fsid(), c.fsid());
            assertEquals(env.cephUser(), c.user());
        }
    }

    @Test
    void connectsWithMonitorAddressesAlone(DevEnv env) {
        CephConfig byMon = CephConfig.ofMonHost(env.monHost() + ":" + env.monPort(), env.cephUser(), env.cephKey());
        try (CephCluster c = CephCluster.connect(byMon, CephItBase.TIMEOUT)) {
            assertEquals(env.fsid(), c.fsid());
            assertTrue(c.pool(env.imagesPool()).list() != null);
        }
    }

    @Test
    void wrongKeyIsAPermissionErrorWithoutTheKey(DevEnv env) {
        String wrong = "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==";
        CephConfig bad = CephConfig.ofMonHost(env.monHost() + ":" + env.monPort(), env.cephUser(), wrong);
        long t0 = System.nanoTime();
        RbdException e = assertThrows(RbdException.class, () -> CephCluster.connect(bad, Duration.ofSeconds(5)).close());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(e instanceof RbdPermissionException || e instanceof RbdTimeoutException, e.toString());
        assertFalse(String.valueOf(e.getMessage()).contains(wrong), e.getMessage());
        assertTrue(e.getMessage().contains("client." + env.cephUser()), e.getMessage());
        System.out.println("wrong key: " + e.getMessage() + " after " + ms + " ms");
    }

    @Test
    void unreachableMonitorsTimeOut() {
        CephConfig nowhere = CephConfig.ofMonHost("127.0.0.1:1", "rbd-cloud", "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==");
        long t0 = System.nanoTime();
        RbdException e = assertThrows(RbdException.class, () -> CephCluster.connect(nowhere, Duration.ofSeconds(2)).close());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 15_000, "connect gave up after " + ms + " ms");
        System.out.println("unreachable monitors: " + e.getMessage() + " after " + ms + " ms");
    }

    @Test
    void poolsAreCachedAndMissingPoolsNamed(DevEnv env) {
        try (CephCluster c = CephCluster.connect(CephItBase.controller(env), CephItBase.TIMEOUT)) {
            assertSame(c.pool(env.agentsPool()), c.pool(env.agentsPool()));
            String missing = env.uniqueName("nopool");
            RbdNotFoundException e = assertThrows(RbdNotFoundException.class, () -> c.pool(missing));
            assertTrue(e.getMessage().contains(missing), e.getMessage());
            assertEquals(ImageSpec.ofPool(missing), e.target());
        }
    }

    @Test
    void closeClosesOpenImagesAndLaterCallsFailCleanly(DevEnv env) {
        String name = env.uniqueName("close");
        CephCluster c = CephCluster.connect(CephItBase.controller(env), CephItBase.TIMEOUT);
        RbdPool agents = c.pool(env.agentsPool());
        try (CephCluster cleaner = CephCluster.connect(CephItBase.controller(env), CephItBase.TIMEOUT); ScratchImages scratch = new ScratchImages()) {
            scratch.create(cleaner.pool(env.agentsPool()), name, 1 << 20);
            RbdImageHandle h = agents.open(name);
            assertEquals(1, c.openImageCount());
            c.close();
            assertEquals(0, c.openImageCount());
            assertThrows(IllegalStateException.class, h::size);
            assertThrows(IllegalStateException.class, () -> agents.stat(name));
            assertThrows(IllegalStateException.class, c::fsid);
            h.close(); // idempotent
            c.close();
        }
    }

    @Test
    void hostileNamesAreRejectedBeforeLibrbd(DevEnv env) {
        CephCluster c = CephCluster.connect(CephItBase.controller(env), CephItBase.TIMEOUT);
        RbdPool agents = c.pool(env.agentsPool());
        c.close();
        // The connection is closed: any call that reached native code would fail with
        // IllegalStateException; validation fails first.
        for (String bad : new String[] {"a/b", "a@b", "a b", "a\0b", "a\nb", "", "x".repeat(96), "-x"}) {
            assertThrows(IllegalArgumentException.class, () -> agents.create(bad, 1 << 20), bad);
            assertThrows(IllegalArgumentException.class, () -> agents.remove(bad), bad);
            assertThrows(IllegalArgumentException.class, () -> agents.snapCreate("ok", bad), bad);
            assertThrows(IllegalArgumentException.class, () -> agents.clone("ok", "s", agents, bad), bad);
            assertThrows(IllegalArgumentException.class, () -> agents.trashRestore("abc123", bad), bad);
            assertThrows(IllegalArgumentException.class, () -> c.pool(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> agents.metaSet("ok", "conf_rbd_cache", "false"));
        assertThrows(IllegalArgumentException.class, () -> agents.metaSet("ok", "k", "v\0"));
    }
}
