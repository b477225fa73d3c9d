package io.jenkins.plugins.rbdcloud.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.ceph.CephCluster;
import io.jenkins.plugins.rbdcloud.engine.ceph.CephConfig;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
import io.jenkins.plugins.rbdcloud.engine.libvirt.CephSecrets;
import io.jenkins.plugins.rbdcloud.engine.libvirt.DomainEvents;
import io.jenkins.plugins.rbdcloud.engine.libvirt.ExecResult;
import io.jenkins.plugins.rbdcloud.engine.libvirt.Hypervisor;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnvironmentExtension;
import io.jenkins.plugins.rbdcloud.engine.testing.TestGoldenImage;
import io.jenkins.plugins.rbdcloud.engine.testing.TestGuests;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Where guest trim pays. On a flattened (standalone) disk, files written then deleted and trimmed
 * give their space back to the cluster. On a clone, trimming ranges that come from the parent
 * makes librbd write placeholder objects (copy-up), so the clone grows: throw-away clones are
 * deleted untrimmed.
 */
@ExtendWith(DevEnvironmentExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrimReclaimIT {

    private static final int WRITE_MIB = 48;
    private static final long MIB = 1 << 20;

    private DevEnv env;
    private CephCluster ceph;
    private RbdPool agents;
    private TestGoldenImage golden;
    private Hypervisor hv;
    private DomainEvents events;
    private CephSecrets secrets;
    private UUID secret;

    @BeforeAll
    void setUp(DevEnv env) throws Exception {
        this.env = env;
        ceph = CephCluster.connect(CephConfig.ofConfFile(env.cephConf(), env.cephUser(), env.cephKey()), Duration.ofSeconds(10));
        agents = ceph.pool(env.agentsPool());
        golden = TestGoldenImage.importRaw(ceph.pool(env.imagesPool()), env.uniqueName("trim-golden"), env.guestImage());
        hv = Hypervisor.of(env.libvirtUri(), new Hypervisor.Capacity(2, 2048, 2));
        events = new DomainEvents(hv);
        secrets = new CephSecrets(hv, env.uniqueName("trim"));
        secret = secrets.ensure(env.hvUser(), env.hvKey());
    }

    @AfterAll
    void tearDown() throws Exception {
        try (CephCluster c = ceph; Hypervisor h = hv; DomainEvents e = events; TestGoldenImage g = golden) {
            secrets.remove(env.hvUser());
        }
    }

    @Test
    void trimOnAFlattenedDiskGivesDeletedSpaceBack() throws Exception {
        String name = env.uniqueName("trimflat");
        ceph.pool(env.imagesPool()).clone(golden.name(), TestGoldenImage.SNAP, agents, name);
        try {
            agents.flatten(name);
            assertTrue(agents.parent(name).isEmpty(), "flattened disk still has a parent");
            Usage u = writeDeleteTrim(name);
            double fraction = (double) (u.afterWrite - u.afterTrim) / (WRITE_MIB * MIB);
            System.out.printf("bench trim_reclaim fraction=%.2f written_mib=%d used_before_mib=%d used_after_write_mib=%d used_after_trim_mib=%d%n",
                    fraction, WRITE_MIB, u.before / MIB, u.afterWrite / MIB, u.afterTrim / MIB);
            assertTrue(u.afterWrite - u.before >= WRITE_MIB * MIB * 3 / 4, "the write did not reach RBD: " + u);
            assertTrue(fraction >= 0.75, "trim gave back only " + fraction + " of the deleted bytes: " + u);
        } finally {
            agents.remove(name);
        }
    }

    @Test
    void trimOnACloneCopiesUpParentRanges() throws Exception {
        String name = env.uniqueName("trimclone");
        ceph.pool(env.imagesPool()).clone(golden.name(), TestGoldenImage.SNAP, agents, name);
        try {
            Usage u = writeDeleteTrim(name);
            System.out.printf("bench trim_on_clone used_before_mib=%d used_after_write_mib=%d used_after_trim_mib=%d%n",
                    u.before / MIB, u.afterWrite / MIB, u.afterTrim / MIB);
            // The deleted file's own objects go, but trimming the parent's free ranges adds
            // placeholder objects: the clone ends larger than it started.
            assertTrue(u.afterTrim > u.before, "expected copy-up growth on a trimmed clone: " + u);
        } finally {
            agents.remove(name);
        }
    }

    private record Usage(long before, long afterWrite, long afterTrim) {}

    /** Boots the disk, writes a file, deletes it, trims, and measures the disk's own allocation at each step. */
    private Usage writeDeleteTrim(String image) throws Exception {
        try (TestGuests.Booted guest = TestGuests.boot(hv, events, TestGuests.spec(env, image, image, secret, null))) {
            long before = agents.usedBytes(image);
            run(guest, "head -c " + WRITE_MIB * MIB + " /dev/urandom > /scratch.bin && sync");
            long afterWrite = agents.usedBytes(image);
            run(guest, "rm /scratch.bin && sync");
            guest.agent().fsTrim(0);
            run(guest, "sync");
            return new Usage(before, afterWrite, agents.usedBytes(image));
        }
    }

    private static void run(TestGuests.Booted guest, String script) {
        ExecResult r = guest.agent().exec("/bin/sh", List.of("-c", script), Duration.ofSeconds(60));
        assertEquals(0, r.exitCode(), () -> script + ": " + new String(r.stderr(), java.nio.charset.StandardCharsets.UTF_8));
    }
}
