package io.jenkins.plugins.rbdcloud.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.ceph.CephCluster;
import io.jenkins.plugins.rbdcloud.engine.ceph.CephConfig;
import io.jenkins.plugins.rbdcloud.engine.ceph.ImageSpec;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPermissionException;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
import io.jenkins.plugins.rbdcloud.engine.libvirt.CephSecrets;
import io.jenkins.plugins.rbdcloud.engine.libvirt.DomainEvents;
import io.jenkins.plugins.rbdcloud.engine.libvirt.DomainSpec;
import io.jenkins.plugins.rbdcloud.engine.libvirt.Hypervisor;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnvironmentExtension;
import io.jenkins.plugins.rbdcloud.engine.testing.TestGoldenImage;
import io.jenkins.plugins.rbdcloud.engine.testing.TestGuests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The foundation end to end: the controller user clones the test golden image into the agents
 * pool, libvirt boots it from that RBD clone with the hypervisor user's key in a libvirt secret,
 * the guest prints READY on its serial console, and teardown leaves no domain, secret or clone.
 */
@ExtendWith(DevEnvironmentExtension.class)
class BootFromCloneIT {

    @Test
    void bootsAnAgentFromAnRbdCloneAndLeavesNothingBehind(DevEnv env) throws Exception {
        String golden = env.uniqueName("golden");
        String agent = env.uniqueName("boot");
        Path console = env.devDir().resolve("libvirt/log/" + agent + ".console.log");
        try (CephCluster ceph = CephCluster.connect(CephConfig.ofConfFile(env.cephConf(), env.cephUser(), env.cephKey()), Duration.ofSeconds(10));
                Hypervisor hv = Hypervisor.of(env.libvirtUri(), new Hypervisor.Capacity(2, 2048, 2));
                DomainEvents events = new DomainEvents(hv);
                TestGoldenImage image = TestGoldenImage.importRaw(ceph.pool(env.imagesPool()), golden, env.guestImage())) {
            RbdPool agents = ceph.pool(env.agentsPool());
            CephSecrets secrets = new CephSecrets(hv, agent);

            long t0 = System.nanoTime();
            ImageSpec disk = ceph.pool(env.imagesPool()).clone(golden, TestGoldenImage.SNAP, agents, agent);
            long cloned = System.nanoTime();
            UUID secret = secrets.ensure(env.hvUser(), env.hvKey());
            DomainSpec spec = TestGuests.spec(env, agent, disk.image(), secret, console);
            long readyAt;
            long serialReadyAt;
            try (TestGuests.Booted guest = TestGuests.boot(hv, events, spec)) {
                readyAt = System.nanoTime();
                serialReadyAt = waitForSerial(console, "READY", Duration.ofSeconds(60));
                System.out.printf("bench boot_from_clone clone_ms=%d guest_agent_ready_ms=%d serial_READY_ms=%d%n",
                        ms(cloned - t0), ms(readyAt - cloned), ms(serialReadyAt - cloned));
                assertEquals("running", guest.state());
                assertTrue(hv.listOwned().stream().anyMatch(d -> d.name().equals(agent)));
                // the disk really is a copy-on-write clone of the golden snapshot
                assertEquals(golden, agents.parent(agent).orElseThrow().image());
            } finally {
                secrets.remove(env.hvUser());
                agents.remove(agent);
                Files.deleteIfExists(console);
            }
            assertFalse(hv.listOwned().stream().anyMatch(d -> d.name().equals(agent)), "domain left behind");
            assertFalse(agents.exists(agent), "clone left behind");
            assertTrue(secrets.list().isEmpty(), "secret left behind: " + secrets.list());
        }
    }

    @Test
    void hypervisorUserCannotWriteGoldenImages(DevEnv env) throws Exception {
        try (CephCluster admin = CephCluster.connect(CephConfig.ofConfFile(env.cephConf(), env.cephUser(), env.cephKey()), Duration.ofSeconds(10));
                CephCluster hv = CephCluster.connect(CephConfig.ofConfFile(env.cephConf(), env.hvUser(), env.hvKey()), Duration.ofSeconds(10));
                TestGoldenImage image = TestGoldenImage.importRaw(admin.pool(env.imagesPool()), env.uniqueName("golden"), env.guestImage())) {
            RbdPool images = hv.pool(env.imagesPool());
            assertThrows(RbdPermissionException.class, () -> images.create(env.uniqueName("intruder"), 1 << 20));
            assertThrows(RbdPermissionException.class, () -> images.open(image.name()));
            assertThrows(RbdPermissionException.class, () -> images.snapCreate(image.name(), "evil"));
            assertEquals(List.of(TestGoldenImage.SNAP), admin.pool(env.imagesPool()).snaps(image.name()).stream().map(s -> s.name()).toList());
        }
    }

    private static long waitForSerial(Path log, String marker, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.isReadable(log) && Files.readString(log, java.nio.charset.StandardCharsets.ISO_8859_1).contains(marker)) {
                return System.nanoTime();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no " + marker + " on the serial console within " + timeout + "; console log:\n"
                + (Files.isReadable(log) ? Files.readString(log, java.nio.charset.StandardCharsets.ISO_8859_1) : "(none)"));
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }
}
