package io.jenkins.plugins.rbdcloud.engine.replication;

import static io.jenkins.plugins.rbdcloud.engine.replication.Goldens.MiB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.ceph.CephCluster;
import io.jenkins.plugins.rbdcloud.engine.ceph.CephConfig;
import io.jenkins.plugins.rbdcloud.engine.images.AgentCloneRequest;
import io.jenkins.plugins.rbdcloud.engine.images.VersionState;
import io.jenkins.plugins.rbdcloud.engine.images.store.CatalogStore;
import io.jenkins.plugins.rbdcloud.engine.replication.internal.StreamRecord;
import io.jenkins.plugins.rbdcloud.engine.replication.internal.StreamWriter;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnvironmentExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streams that must not change the target: a current version that is not usable there, declared
 * sizes the stream cannot back, and unsigned or wrongly signed backups. Source and target are the
 * shared dev cluster's images pool (the target under another name), so no second cluster is needed.
 */
@ExtendWith(DevEnvironmentExtension.class)
class UntrustedStreamIT {

    @TempDir
    Path dir;
    private CephCluster ceph;
    private Goldens goldens;
    private DevEnv env;

    @BeforeEach
    void setUp(DevEnv env) {
        this.env = env;
        ceph = CephCluster.connect(CephConfig.ofConfFile(env.cephConf(), env.cephUser(), env.cephKey()), Duration.ofSeconds(20));
        goldens = new Goldens(ceph.pool(env.imagesPool()), ceph.pool(env.agentsPool()));
    }

    @AfterEach
    void tearDown() throws IOException {
        try (CephCluster c = ceph) {
            goldens.close();
        }
    }

    @Test
    void currentNeverMovesToAVersionRetiredOnTheTarget() throws IOException {
        String g = goldens.track(env.uniqueName("retired"));
        String copy = goldens.track(g + "-copy");
        goldens.importRaw(g, 8L * MiB, 31, 0);
        goldens.promote(g, 8L * MiB, Goldens.randomAt(32, 2, 1));
        ReplicationOptions asCopy = ReplicationOptions.defaults().withTargetName(copy);
        assertEquals(2, replicate(g, asCopy).current());

        // On the target, v1 is retired (pruned while an agent still uses it); the origin rolls back to v1.
        String disk = copy + "-agent";
        goldens.catalog.cloneForAgent(goldens.agents, new AgentCloneRequest(copy, 1, disk, 8L * MiB, "it-cloud", "it", "agent"));
        try {
            assertEquals(java.util.List.of(1), goldens.catalog.prune(copy, 1).retired());
            goldens.catalog.rollback(g, 1);

            ReplicationException e = assertThrows(ReplicationException.class, () -> replicate(g, asCopy));
            assertTrue(e.getMessage().contains("v1") && e.getMessage().contains("retired"), e.getMessage());
            System.out.println("refused: " + e.getMessage());
            assertEquals(2, goldens.catalog.show(copy).currentVersion(), "current stays on a usable version");

            Path backup = dir.resolve("rolled-back.golden");
            GoldenBackup.export(goldens.images, g, backup, ReplicationProgress.NONE);
            ReplicationException r = assertThrows(ReplicationException.class, () -> GoldenBackup.restore(goldens.images, backup, asCopy));
            assertTrue(r.getMessage().contains("retired"), r.getMessage());
            assertEquals(2, goldens.catalog.show(copy).currentVersion());
            assertEquals(VersionState.RETIRED, goldens.catalog.show(copy).version(1).orElseThrow().state());
        } finally {
            CatalogStore.removeImage(goldens.agents, disk);
        }
    }

    @Test
    void aTinyBackupDeclaringAHugeVersionIsRefusedInSecondsAndCreatesNothing() throws IOException {
        String g = goldens.track(env.uniqueName("huge"));
        Path file = dir.resolve("huge.golden");
        try (var out = Files.newOutputStream(file)) {
            StreamWriter w = new StreamWriter(out);
            w.start(g, "fsid/images/" + g);
            w.beginVersion(new StreamRecord.VersionStart(1, 0, 512L << 40, "", "v1", new byte[32], java.util.Map.of("format", "raw")));
            w.endVersion(new byte[32]);
            w.versionList(java.util.List.of(1));
            w.current(1);
            w.finish();
        }
        long t0 = System.nanoTime();
        ReplicationException e = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThrows(ReplicationException.class,
                () -> GoldenBackup.restore(goldens.images, file, ReplicationOptions.defaults())));
        System.out.printf("%d-byte backup declaring 512 TiB refused in %d ms: %s%n", Files.size(file),
                (System.nanoTime() - t0) / 1_000_000, e.getMessage());
        assertTrue(e.getMessage().contains("512.0 TiB") && e.getMessage().contains("--max-version-size"), e.getMessage());
        assertFalse(goldens.images.list().stream().anyMatch(i -> i.startsWith(g)), "nothing created");
    }

    @Test
    void underRequireSignatureOnlyBackupsSignedWithTheKeyAreRestored() throws IOException {
        String g = goldens.track(env.uniqueName("signed"));
        goldens.importRaw(g, 8L * MiB, 41, 0, 3);
        SigningKey key = keyFile("ours", 1);
        Path plain = dir.resolve("plain.golden");
        Path signed = dir.resolve("signed.golden");
        Path forged = dir.resolve("forged.golden");
        GoldenBackup.export(goldens.images, g, plain, ReplicationProgress.NONE);
        GoldenBackup.export(goldens.images, g, signed, ReplicationProgress.NONE, java.util.Optional.of(key));
        // Someone without our key can write a well-formed stream with valid digests, and sign it with a key of theirs.
        GoldenBackup.export(goldens.images, g, forged, ReplicationProgress.NONE, java.util.Optional.of(keyFile("theirs", 2)));
        Path flipped = dir.resolve("flipped.golden");
        byte[] bytes = Files.readAllBytes(signed);
        bytes[bytes.length / 2] ^= 0x10;
        Files.write(flipped, bytes);

        String copy = goldens.track(g + "-copy");
        ReplicationOptions required = ReplicationOptions.defaults().withTargetName(copy).withSignature(key, true);
        String unsigned = assertThrows(ReplicationException.class, () -> GoldenBackup.restore(goldens.images, plain, required)).getMessage();
        assertTrue(unsigned.contains("not signed"), unsigned);
        for (Path bad : java.util.List.of(forged, flipped)) {
            String why = assertThrows(ReplicationException.class, () -> GoldenBackup.restore(goldens.images, bad, required)).getMessage();
            System.out.println("refused: " + why);
        }
        // A wrongly signed backup is refused whenever the key is given, required or not.
        assertTrue(assertThrows(ReplicationException.class, () -> GoldenBackup.restore(goldens.images, forged,
                required.withSignature(key, false))).getMessage().contains("signature does not match"));
        assertFalse(goldens.images.list().stream().anyMatch(i -> i.startsWith(copy)), "nothing created: " + goldens.images.list());

        assertEquals(1, GoldenBackup.restore(goldens.images, signed, required).current());
        assertEquals(Goldens.readChecksums(goldens.images, g), Goldens.readChecksums(goldens.images, copy));
    }

    @Test
    void aDifferenceWithoutItsBaseIsRefusedBeforeAnythingIsCreated() throws IOException {
        String g = goldens.track(env.uniqueName("nobase"));
        goldens.importRaw(g, 8L * MiB, 51, 0);
        goldens.promote(g, 8L * MiB, Goldens.randomAt(52, 4, 1));
        Path backups = Files.createDirectory(dir.resolve("backups"));
        GoldenBackup.export(goldens.images, g, backups, ReplicationProgress.NONE);
        String copy = goldens.track(g + "-copy");
        ReplicationException e = assertThrows(ReplicationException.class, () -> GoldenBackup.restore(goldens.images,
                backups.resolve(g + ".v2.golden"), ReplicationOptions.defaults().withTargetName(copy)));
        assertTrue(e.getMessage().contains("restore v1 first"), e.getMessage());
        assertFalse(goldens.images.list().stream().anyMatch(i -> i.startsWith(copy)), "nothing created");
    }

    private SigningKey keyFile(String name, long seed) throws IOException {
        byte[] k = new byte[32];
        new java.util.Random(seed).nextBytes(k);
        Path f = Files.write(dir.resolve(name + ".key"), k);
        Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return SigningKey.read(f);
    }

    private ReplicationResult replicate(String golden, ReplicationOptions o) {
        return GoldenReplication.replicate(goldens.images, goldens.images, golden, o, ReplicationProgress.NONE);
    }
}
