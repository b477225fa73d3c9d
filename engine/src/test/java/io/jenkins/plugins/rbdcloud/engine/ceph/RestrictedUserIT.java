package io.jenkins.plugins.rbdcloud.engine.ceph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * client.rbd-cloud-hv (what QEMU runs as) may only read {@code images} but does everything in
 * {@code agents}, including cloning images→agents: the store must open parents read-only.
 */
class RestrictedUserIT extends CephItBase {

    private static CephCluster hv;

    RestrictedUserIT(DevEnv env) {
        super(env);
    }

    @BeforeAll
    static void connectHypervisor(DevEnv env) {
        hv = CephCluster.connect(hypervisor(env), TIMEOUT);
    }

    @AfterAll
    static void disconnectHypervisor() {
        if (hv != null) {
            hv.close();
        }
    }

    @Test
    void cannotChangeTheImagesPool() {
        RbdPool images = hv.pool(env.imagesPool());
        String golden = scratch.create(cluster.pool(env.imagesPool()), env.uniqueName("golden"), 8 * MiB);
        cluster.pool(env.imagesPool()).snapCreate(golden, "v1");

        denied(() -> images.create(scratch.track(cluster.pool(env.imagesPool()), env.uniqueName("hv")), MiB));
        denied(() -> images.open(golden));
        denied(() -> images.remove(golden));
        denied(() -> images.metaSet(golden, "rbd-cloud.owner", "hv"));
        denied(() -> images.snapCreate(golden, "v2"));
        denied(() -> images.snapRemove(golden, "v1"));
        denied(() -> images.resize(golden, 16 * MiB));
        // Reading is allowed.
        assertTrue(images.exists(golden));
        assertEquals(8 * MiB, images.stat(golden).size());
        try (RbdImageHandle h = images.openReadOnly(golden, "v1")) {
            assertEquals(8 * MiB, h.size());
        }
    }

    @Test
    void clonesImagesIntoAgentsAndWritesThere() {
        RbdPool controllerImages = cluster.pool(env.imagesPool());
        String golden = scratch.create(controllerImages, env.uniqueName("golden"), 8 * MiB);
        byte[] data = RbdImageIT.pattern(4096);
        try (RbdImageHandle h = controllerImages.open(golden)) {
            h.write(0, data);
        }
        controllerImages.snapCreate(golden, "v1");

        RbdPool agents = hv.pool(env.agentsPool());
        String child = scratch.track(agents, env.uniqueName("hvclone"));
        hv.pool(env.imagesPool()).clone(golden, "v1", agents, child);
        assertEquals(Optional.of(ImageSpec.of(env.imagesPool(), golden, "v1")), agents.parent(child));
        try (RbdImageHandle h = agents.open(child)) {
            assertArrayEquals(data, h.read(0, 4096));
            h.write(4096, data);
            h.flush();
            assertArrayEquals(data, h.read(4096, 4096));
        }
        agents.metaSet(child, "rbd-cloud.owner", "hv");
        agents.snapCreate(child, "s");
        agents.snapRemove(child, "s");
        agents.remove(child);
        assertTrue(controllerImages.children(golden, "v1").isEmpty());
    }

    private static void denied(Executable e) {
        RbdPermissionException p = assertThrows(RbdPermissionException.class, e);
        assertTrue(p.getMessage().contains("not permitted"), p.getMessage());
    }
}
