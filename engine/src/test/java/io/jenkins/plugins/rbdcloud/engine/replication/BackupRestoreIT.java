package io.jenkins.plugins.rbdcloud.engine.replication;

import static io.jenkins.plugins.rbdcloud.engine.replication.Goldens.MiB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.Ownership;
import io.jenkins.plugins.rbdcloud.engine.ceph.CephCluster;
import io.jenkins.plugins.rbdcloud.engine.ceph.CephConfig;
import io.jenkins.plugins.rbdcloud.engine.images.AgentCloneRequest;
import io.jenkins.plugins.rbdcloud.engine.images.AgentDisk;
import io.jenkins.plugins.rbdcloud.engine.images.store.CatalogStore;
import io.jenkins.plugins.rbdcloud.engine.libvirt.CephMonitor;
import io.jenkins.plugins.rbdcloud.engine.libvirt.CephSecrets;
import io.jenkins.plugins.rbdcloud.engine.libvirt.DomainEvents;
import io.jenkins.plugins.rbdcloud.engine.libvirt.DomainSpec;
import io.jenkins.plugins.rbdcloud.engine.libvirt.Hypervisor;
import io.jenkins.plugins.rbdcloud.engine.libvirt.KernelBoot;
import io.jenkins.plugins.rbdcloud.engine.libvirt.RbdDisk;
import io.jenkins.plugins.rbdcloud.engine.libvirt.VirtType;
import io.jenkins.plugins.rbdcloud.engine.libvirt.WatchdogAction;
import io.jenkins.plugins.rbdcloud.engine.replication.ReplicationResult.Action;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import io.jenkins.plugins.rbdcloud.engine.testing.TestGuests;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnvironmentExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Backup of the test guest's golden image from cluster a, incremental backup of a second version,
 * restore onto a wiped cluster b with identical checksums, and an agent booted from the restored
 * image on b.
 */
@ExtendWith({DevEnvironmentExtension.class, SecondCluster.Extension.class})
class BackupRestoreIT {

    @Test
    void restoresOntoAWipedClusterAndBootsAnAgentFromIt(DevEnv env, SecondCluster second) throws Exception {
        Path dir = Files.createTempDirectory("rbd-cloud-backup-it");
        Path file = dir.resolve("single.golden");
        Path backups = Files.createDirectory(dir.resolve("dir"));
        String g = env.uniqueName("backup");
        try (CephCluster a = CephCluster.connect(CephConfig.ofConfFile(env.cephConf(), env.cephUser(), env.cephKey()), Duration.ofSeconds(20));
                Goldens src = new Goldens(a.pool(env.imagesPool()), a.pool(env.agentsPool()))) {
            long guestSize = Files.size(env.guestImage());
            src.importFile(g, env.guestImage());

            GoldenBackup.ExportResult full = GoldenBackup.export(src.images, g, backups, ReplicationProgress.NONE);
            assertEquals(List.of(Action.FULL), full.versions().stream().map(v -> v.action()).toList());
            long fullBytes = Files.size(backups.resolve(g + ".v1.golden"));

            // v2: the disk grown by 8 MiB, 4 MiB of data past the file system (so the guest still boots).
            src.promote(g, guestSize + 8L * MiB, Goldens.randomAt(21, (int) (guestSize / MiB) + 2, 4));
            GoldenBackup.ExportResult incremental = GoldenBackup.export(src.images, g, backups, ReplicationProgress.NONE);
            assertEquals(List.of(Action.SKIPPED, Action.DIFF), incremental.versions().stream().map(v -> v.action()).toList());
            long deltaBytes = Files.size(backups.resolve(g + ".v2.golden"));
            System.out.printf("backup full_bytes=%d incremental_bytes=%d (4 MiB written)%n", fullBytes, deltaBytes);
            assertTrue(deltaBytes >= 4L * MiB && deltaBytes < 4L * MiB + 64 * 1024, "v2 costs only its difference: " + deltaBytes);
            assertTrue(GoldenBackup.export(src.images, g, backups, ReplicationProgress.NONE).versions().stream()
                    .allMatch(v -> v.action() == Action.SKIPPED));
            GoldenBackup.export(src.images, g, file, ReplicationProgress.NONE);
            Map<Integer, String> expected = Goldens.readChecksums(src.images, g);

            // A fresh, empty cluster b.
            second.wipeAndStart();
            try (CephCluster b = second.connect(); Goldens dst = new Goldens(b.pool(second.imagesPool()), b.pool(second.agentsPool()))) {
                dst.track(g);
                ReplicationResult restored = GoldenBackup.restore(dst.images, backups, ReplicationOptions.defaults());
                assertEquals(2, restored.current());
                assertEquals(expected, Goldens.readChecksums(dst.images, g), "identical content on the restored cluster");
                assertTrue(GoldenBackup.restore(dst.images, backups, ReplicationOptions.defaults()).versions().stream()
                        .allMatch(v -> v.action() == Action.SKIPPED), "restoring again changes nothing");

                String fromFile = dst.track(g + "-file");
                assertEquals(2, GoldenBackup.restore(dst.images, file, ReplicationOptions.defaults().withTargetName(fromFile)).current());
                assertEquals(expected, Goldens.readChecksums(dst.images, fromFile));

                // A damaged backup publishes nothing.
                byte[] bytes = Files.readAllBytes(file);
                bytes[bytes.length / 3] ^= 0x40;
                Path damaged = dir.resolve("damaged.golden");
                Files.write(damaged, bytes);
                String fromDamaged = dst.track(g + "-damaged");
                assertThrows(ReplicationException.class,
                        () -> GoldenBackup.restore(dst.images, damaged, ReplicationOptions.defaults().withTargetName(fromDamaged)));
                assertFalse(dst.images.list().stream().anyMatch(i -> i.startsWith(fromDamaged)), dst.images.list().toString());

                bootFromB(env, second, dst, g);
            }
        } finally {
            try (var files = Files.walk(dir)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Boots the test guest from a clone of the restored golden image, on cluster b's monitor, with b's hypervisor key. */
    private static void bootFromB(DevEnv env, SecondCluster second, Goldens dst, String g) throws Exception {
        String agent = g + "-boot";
        Path console = env.devDir().resolve("libvirt/log/" + agent + ".console.log");
        try (Hypervisor hv = Hypervisor.of(env.libvirtUri(), new Hypervisor.Capacity(2, 2048, 2));
                DomainEvents events = new DomainEvents(hv)) {
            AgentDisk disk = dst.catalog.cloneForAgent(dst.agents, new AgentCloneRequest(g, 0, agent,
                    dst.catalog.show(g).current().orElseThrow().sizeBytes(), "it-cloud", "it", agent));
            CephSecrets secrets = new CephSecrets(hv, agent);
            try {
                UUID secret = secrets.ensure(second.hvUser(), second.hvKey());
                DomainSpec spec = DomainSpec.builder(agent)
                        .virtType(VirtType.QEMU)
                        .vcpus(1).memoryMiB(512)
                        .bootDisk(RbdDisk.of(disk.spec().pool(), disk.spec().image(),
                                List.of(new CephMonitor("127.0.0.1", second.monPort())), second.hvUser(), secret))
                        .kernelBoot(new KernelBoot(env.guestKernel().toString(), env.guestInitrd().toString(), env.guestCmdline()))
                        .serialLog(console.toString())
                        .watchdog(WatchdogAction.RESET)
                        .ownership(new Ownership("it-owner", "it-cloud", "test", agent, g + "@v2", Instant.now()))
                        .build();
                long t0 = System.nanoTime();
                try (TestGuests.Booted guest = TestGuests.boot(hv, events, spec)) {
                    waitForSerial(console, "READY", Duration.ofSeconds(90));
                    System.out.printf("restored agent on cluster b: READY after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
                    assertEquals("running", guest.state());
                }
            } finally {
                secrets.remove(second.hvUser());
                CatalogStore.removeImage(dst.agents, agent);
                Files.deleteIfExists(console);
            }
        }
    }

    private static void waitForSerial(Path log, String marker, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.isReadable(log) && Files.readString(log, StandardCharsets.ISO_8859_1).contains(marker)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no " + marker + " on the serial console within " + timeout + ":\n"
                + (Files.isReadable(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "(none)"));
    }
}
