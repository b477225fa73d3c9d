package io.jenkins.plugins.rbdcloud.engine.replication;

import static io.jenkins.plugins.rbdcloud.engine.replication.Goldens.MiB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.ceph.CephCluster;
import io.jenkins.plugins.rbdcloud.engine.images.AgentCloneRequest;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenImage;
import io.jenkins.plugins.rbdcloud.engine.images.VersionState;
import io.jenkins.plugins.rbdcloud.engine.images.store.CatalogStore;
import io.jenkins.plugins.rbdcloud.engine.replication.ReplicationResult.Action;
import io.jenkins.plugins.rbdcloud.engine.replication.ReplicationResult.VersionOutcome;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnvironmentExtension;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Replication of golden images from the shared dev cluster (a) to the second dev cluster (b):
 * full first run, incremental runs, idempotence, an interrupted run and its resume, refusals,
 * and pruning that never touches versions with clones.
 */
@ExtendWith({DevEnvironmentExtension.class, SecondCluster.Extension.class})
class ReplicationIT {

    private static final long SIZE = 64L * MiB;

    private CephCluster a;
    private CephCluster b;
    private Goldens src;
    private Goldens dst;
    private DevEnv env;

    @BeforeEach
    void setUp(DevEnv env, SecondCluster second) {
        this.env = env;
        a = CephCluster.connect(io.jenkins.plugins.rbdcloud.engine.ceph.CephConfig.ofConfFile(env.cephConf(), env.cephUser(),
                env.cephKey()), Duration.ofSeconds(20));
        b = second.connect();
        src = new Goldens(a.pool(env.imagesPool()), a.pool(env.agentsPool()));
        dst = new Goldens(b.pool(second.imagesPool()), b.pool(second.agentsPool()));
    }

    @AfterEach
    void tearDown() throws IOException {
        try (CephCluster x = a; CephCluster y = b; Goldens s = src; Goldens d = dst) {
            // closes all
        }
    }

    private ReplicationResult replicate(String golden, ReplicationOptions o) {
        return GoldenReplication.replicate(src.images, dst.images, golden, o, ReplicationProgress.NONE);
    }

    private static VersionOutcome outcome(ReplicationResult r, int n) {
        return r.versions().stream().filter(v -> v.version() == n).findFirst().orElseThrow();
    }

    @Test
    void firstRunCopiesSparseThenOnlyDifferencesTravel() throws IOException {
        String g = dst.track(env.uniqueName("repl"));
        src.importRaw(g, SIZE, 1, 0, 5, 17, 40, 41, 63); // 6 MiB of data in 64 MiB
        ReplicationResult first = replicate(g, ReplicationOptions.defaults());
        VersionOutcome v1 = outcome(first, 1);
        assertEquals(Action.FULL, v1.action());
        assertTrue(v1.bytesSent() >= 6L * MiB && v1.bytesSent() < 6L * MiB + 64 * 1024, "sparse: only data travels, " + v1.bytesSent());
        assertEquals(1, first.current());

        // v2: 2 MiB rewritten, 1 MiB of old data zeroed
        src.promote(g, SIZE, h -> {
            Goldens.randomAt(2, 10, 2).accept(h);
            h.writeZeroes(40L * MiB, MiB);
        });
        long t0 = System.nanoTime();
        ReplicationResult second = replicate(g, ReplicationOptions.defaults());
        long millis = (System.nanoTime() - t0) / 1_000_000;
        VersionOutcome v2 = outcome(second, 2);
        System.out.printf("replication incremental delta_mib=2 zeroed_mib=1 bytes_sent=%d millis=%d%n", v2.bytesSent(), millis);
        assertEquals(Action.DIFF, v2.action());
        assertEquals(1, v2.base());
        assertEquals(Action.SKIPPED, outcome(second, 1).action());
        assertTrue(v2.bytesSent() >= 2L * MiB && v2.bytesSent() < 2L * MiB + 16 * 1024, "only the delta travels: " + v2.bytesSent());
        assertEquals(2, second.current());

        // Identical content on both sides, read from the data itself.
        assertEquals(Goldens.readChecksums(src.images, g), Goldens.readChecksums(dst.images, g));
        GoldenImage replica = dst.catalog.show(g);
        assertEquals(2, replica.currentVersion());
        assertEquals(VersionState.FLATTENING, replica.version(2).orElseThrow().state(), "usable at once, flattened afterwards");
        dst.catalog.completeFlattens(g);
        replica = dst.catalog.show(g);
        assertTrue(replica.versions().stream().allMatch(v -> v.state() == VersionState.READY), replica.toString());
        assertEquals(0, replica.cloneDepth(), "replicated versions are standalone once flattened");
        assertEquals(Goldens.readChecksums(src.images, g), Goldens.readChecksums(dst.images, g));
        assertEquals(src.catalog.show(g).version(2).orElseThrow().createdBy(), replica.version(2).orElseThrow().createdBy());

        // Idempotent: nothing to send.
        ReplicationResult again = replicate(g, ReplicationOptions.defaults());
        assertTrue(again.versions().stream().allMatch(v -> v.action() == Action.SKIPPED), again.toString());
        assertTrue(again.bytesSent() < 1024, "a run with nothing new sends only headers: " + again.bytesSent());

        // The replica is cloneable on b like any golden image.
        String disk = g + "-agent-on-b";
        dst.catalog.cloneForAgent(dst.agents, new AgentCloneRequest(g, 0, disk, SIZE, "it-cloud", "it", "agent"));
        assertTrue(dst.agents.exists(disk));
    }

    @Test
    void anIncrementReadsOnlyTheChangedBlocksAndIsClonableBeforeItsFlatten() throws IOException {
        String g = dst.track(env.uniqueName("delta"));
        src.importRaw(g, SIZE, 13, java.util.stream.IntStream.range(0, 32).toArray()); // 32 MiB of data
        src.promote(g, SIZE, Goldens.randomAt(14, 10, 1)); // 1 MiB changed, inside the 4 MiB block at 8 MiB
        replicate(g, ReplicationOptions.defaults()); // the first send of each version stores its block digests
        dst.catalog.completeFlattens(g);
        CatalogStore.removeImage(dst.images, g + ".v2");
        new CatalogStore(dst.images, io.jenkins.plugins.rbdcloud.engine.images.CatalogOptions.defaults("it")).markCurrent(g, 1);

        java.util.Map<String, Long> scanned = new java.util.concurrent.ConcurrentHashMap<>();
        ReplicationResult r = GoldenReplication.replicate(src.images, dst.images, g, ReplicationOptions.defaults(),
                (label, done, total, sent) -> scanned.put(label, total));
        assertEquals(Action.DIFF, outcome(r, 2).action());
        assertEquals(4L * MiB, scanned.get(g + "@v2"), "only the changed 4 MiB block is read, not the 32 MiB of data: " + scanned);
        assertTrue(outcome(r, 2).bytesSent() >= MiB && outcome(r, 2).bytesSent() < MiB + 16 * 1024, "the 1 MiB delta travels");
        assertEquals(2, r.current());

        // Current and clonable before its flatten; the same content as the source after it.
        assertEquals(VersionState.FLATTENING, dst.catalog.show(g).version(2).orElseThrow().state());
        String disk = g + "-agent-before-flatten";
        dst.catalog.cloneForAgent(dst.agents, new AgentCloneRequest(g, 0, disk, SIZE, "it-cloud", "it", "agent"));
        CatalogStore.removeImage(dst.agents, disk);
        dst.catalog.completeFlattens(g);
        assertEquals(VersionState.READY, dst.catalog.show(g).version(2).orElseThrow().state());
        assertEquals(0, dst.catalog.show(g).cloneDepth());
        assertEquals(Goldens.readChecksums(src.images, g), Goldens.readChecksums(dst.images, g));
    }

    /** The block digests beside a version are a cache in the images pool: damaged or another version's, they are not used. */
    @Test
    void aDamagedOrForeignDigestListIsIgnoredAndTheReplicaStillMatches() throws IOException {
        String g = dst.track(env.uniqueName("digests"));
        src.importRaw(g, 16L * MiB, 15, 0, 1, 2, 3, 9);
        src.promote(g, 16L * MiB, Goldens.randomAt(16, 1, 1));
        src.promote(g, 16L * MiB, Goldens.randomAt(17, 9, 1));
        replicate(g, ReplicationOptions.defaults().withTargetName(dst.track(g + "-warm"))); // stores every list on a
        String v2 = io.jenkins.plugins.rbdcloud.engine.images.GoldenNames.blockDigestsObject(g + ".v2");
        String v3 = io.jenkins.plugins.rbdcloud.engine.images.GoldenNames.blockDigestsObject(g + ".v3");
        byte[] v1List = src.images.objectRead(
                io.jenkins.plugins.rbdcloud.engine.images.GoldenNames.blockDigestsObject(g + ".v1"), 1 << 20).orElseThrow();
        src.images.objectWrite(v2, v1List); // a list that claims v2 has v1's content
        byte[] junk = new byte[200];
        new java.util.Random(18).nextBytes(junk);
        src.images.objectWrite(v3, junk);

        ReplicationResult r = replicate(g, ReplicationOptions.defaults());
        assertEquals(3, r.current());
        assertEquals(Action.DIFF, outcome(r, 3).action());
        dst.catalog.completeFlattens(g);
        assertEquals(Goldens.readChecksums(src.images, g), Goldens.readChecksums(dst.images, g),
                "the replica has the source's content, not what the lists claimed");
    }

    @Test
    void anInterruptedRunLeavesOnlyCompleteVersionsAndResumes() throws IOException {
        String g = dst.track(env.uniqueName("resume"));
        src.importRaw(g, SIZE, 3, 0, 1, 2, 3);
        src.promote(g, SIZE, Goldens.randomAt(4, 8, 1));
        src.promote(g, SIZE, Goldens.randomAt(5, 20, 2));
        AtomicInteger windows = new AtomicInteger();
        ReplicationOptions crashInV3 = ReplicationOptions.defaults().withSteps(step -> {
            if (step.equals("write " + g + "@v3") && windows.incrementAndGet() == 1) {
                throw new IllegalStateException("simulated crash while writing v3");
            }
        });
        assertThrows(IllegalStateException.class, () -> replicate(g, crashInV3));
        GoldenImage half = dst.catalog.show(g);
        assertEquals(List.of(1, 2), half.versions().stream().map(v -> v.version()).toList(), "no half version: " + half);
        assertEquals(0, half.currentVersion(), "current moves only after a complete run");

        // A crash (not an exception) leaves an unpublished image behind: the next run removes it.
        dst.images.create(g + ".v3", 4096);
        ReplicationResult resumed = replicate(g, ReplicationOptions.defaults());
        assertEquals(Action.SKIPPED, outcome(resumed, 1).action());
        assertEquals(Action.SKIPPED, outcome(resumed, 2).action());
        assertEquals(Action.DIFF, outcome(resumed, 3).action());
        assertEquals(2, outcome(resumed, 3).base());
        assertEquals(3, resumed.current());
        assertEquals(Goldens.readChecksums(src.images, g), Goldens.readChecksums(dst.images, g));
        assertTrue(dst.catalog.show(g).cloneDepth() <= 1, "differences in one stream never chain clones: " + dst.catalog.show(g));

        // Interrupted just before publishing: still nothing half-made, current unchanged.
        src.promote(g, SIZE, Goldens.randomAt(6, 30, 1));
        ReplicationOptions crashAtPublish = ReplicationOptions.defaults().withSteps(step -> {
            if (step.equals("publish " + g + "@v4")) {
                throw new IllegalStateException("simulated crash before publishing v4");
            }
        });
        assertThrows(IllegalStateException.class, () -> replicate(g, crashAtPublish));
        assertFalse(dst.images.exists(g + ".v4"));
        assertEquals(3, dst.catalog.show(g).currentVersion());
        assertEquals(4, replicate(g, ReplicationOptions.defaults()).current());
    }

    @Test
    void refusesAnotherImageWithTheSameNameOrOtherContent() throws IOException {
        String g = dst.track(src.track(env.uniqueName("clash")));
        src.importRaw(g, 8L * MiB, 7, 0);
        dst.importRaw(g, 8L * MiB, 8, 1); // a local golden image on b with the same name
        ReplicationException e = assertThrows(ReplicationException.class, () -> replicate(g, ReplicationOptions.defaults()));
        assertTrue(e.getMessage().contains("not a replica"), e.getMessage());
        assertEquals(1, dst.catalog.versions(g).size(), "the local image is untouched");

        // Another name on the target works.
        String other = dst.track(g + "-copy");
        assertEquals(1, replicate(g, ReplicationOptions.defaults().withTargetName(other)).current());

        // Same origin name, other content (the source was removed and re-imported): refused.
        src.catalog.remove(g);
        src.importRaw(g, 8L * MiB, 9, 2);
        ReplicationException diff = assertThrows(ReplicationException.class,
                () -> replicate(g, ReplicationOptions.defaults().withTargetName(other)));
        assertTrue(diff.getMessage().contains("other content"), diff.getMessage());
    }

    @Test
    void aVersionPromotedMomentsAgoIsSentOnceItsFlattenMadeItsSnapshot() throws IOException {
        String g = dst.track(src.track(env.uniqueName("fresh")));
        src.importRaw(g, 8L * MiB, 3, 0);
        String disk = g + "-agent";
        src.catalog.cloneForAgent(src.agents, new AgentCloneRequest(g, 0, disk, 8L * MiB, "it-cloud", "it", "agent"));
        try {
            src.catalog.promote(g, src.agents, disk); // current at once; its flatten has not run
            ReplicationException e = assertThrows(ReplicationException.class, () -> replicate(g, ReplicationOptions.defaults()));
            assertTrue(e.getMessage().contains("v2 of golden image " + g + " is current but has no snapshot of its own yet"),
                    e.getMessage());
            assertFalse(dst.catalog.list().contains(g), "nothing was sent");

            src.catalog.completeFlattens(g);
            assertEquals(2, replicate(g, ReplicationOptions.defaults()).current());
        } finally {
            CatalogStore.removeImage(src.agents, disk);
            src.catalog.completeFlattens(g);
        }
    }

    @Test
    void pruneOnlyWhenAskedAndNeverAVersionWithClones() throws IOException {
        String g = dst.track(env.uniqueName("prune"));
        src.importRaw(g, 16L * MiB, 10, 0);
        src.promote(g, 16L * MiB, Goldens.randomAt(11, 4, 1));
        src.promote(g, 16L * MiB, Goldens.randomAt(12, 8, 1));
        replicate(g, ReplicationOptions.defaults());
        String disk = g + "-agent-on-b";
        dst.catalog.cloneForAgent(dst.agents, new AgentCloneRequest(g, 1, disk, 16L * MiB, "it-cloud", "it", "agent"));
        assertEquals(List.of(1, 2), src.catalog.prune(g, 1).removed().stream().sorted().toList());

        assertEquals(List.of(), replicate(g, ReplicationOptions.defaults()).pruned());
        assertEquals(3, dst.catalog.versions(g).size(), "no prune unless asked");

        ReplicationResult pruned = replicate(g, ReplicationOptions.defaults().withPrune(true));
        assertEquals(List.of(2), pruned.pruned());
        assertEquals(List.of(1), pruned.keptWithClones());
        assertTrue(dst.images.exists(g + ".v1"), "v1 has a live clone on b");

        CatalogStore.removeImage(dst.agents, disk);
        assertEquals(List.of(1), replicate(g, ReplicationOptions.defaults().withPrune(true)).pruned());
        assertEquals(List.of(3), dst.catalog.versions(g).stream().map(v -> v.version()).toList());
    }
}
