package io.jenkins.plugins.rbdcloud.engine.images;

import static io.jenkins.plugins.rbdcloud.engine.images.CatalogFixture.MiB;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.ceph.ImageSpec;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdImageHandle;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdTimeoutException;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnvironmentExtension;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Promotion (native and copy), its atomicity and serialization, flattening, depth, rollback and retention. */
@ExtendWith(DevEnvironmentExtension.class)
class PromotionIT {

    private static final byte[] MARK = "promoted by PromotionIT".getBytes();

    private CatalogFixture fx;
    private GoldenImages gi;
    private String golden;

    @BeforeEach
    void setUp(DevEnv env) throws IOException {
        fx = new CatalogFixture(env);
        gi = fx.catalog(); // closed by fx.close()
        golden = fx.golden("promo");
        gi.importFile(golden, fx.rawFile("base.raw", 16L * MiB, 11, 0, 9), ImportProgress.NONE);
    }

    @AfterEach
    void tearDown() throws IOException {
        fx.close();
    }

    /** An agent disk cloned from the current version, with {@link #MARK} written at 1 MiB. */
    private String agentDisk() {
        String d = fx.disk("agent");
        gi.cloneForAgent(fx.agents, new AgentCloneRequest(golden, 0, d, 16L * MiB, "c", "t", "agent"));
        try (RbdImageHandle h = fx.agents.open(d)) {
            h.write(MiB, MARK);
            h.flush();
        }
        return d;
    }

    @Test
    void promotesInWellUnderASecondAndFlattensLater() {
        String d = agentDisk();
        long t0 = System.nanoTime();
        Promotion p = gi.promote(golden, fx.agents, d);
        long millis = (System.nanoTime() - t0) / 1_000_000;

        assertTrue(millis < 1000, "promotion took " + millis + " ms");
        GoldenVersion v = p.version();
        assertEquals(2, v.version());
        assertTrue(v.current());
        assertEquals(VersionState.FLATTENING, v.state());
        assertEquals("promotion:" + d, v.createdBy());
        assertEquals(1, v.parentVersion());
        // librbd copied the agent's tags into the clone: they must not show as the version's.
        assertTrue(gi.show(golden).current().orElseThrow().sourceChecksum().isEmpty());
        assertTrue(v.sourceChecksum().isEmpty());
        assertEquals(2, gi.show(golden).cloneDepth());
        assertEquals(List.of(ImageSpec.of(fx.agents.name(), d)), pinnedHere());
        // Bootable now, before the version has a snapshot of its own: an agent cloned from v2 is a
        // clone of the agent disk's promotion snapshot (the same data) and sees the promoted data.
        ImageSpec promotionSnap = ImageSpec.of(fx.agents.name(), d, GoldenNames.promoteSnap(golden, 2));
        assertEquals(promotionSnap, v.snapshot());
        assertTrue(fx.images.snaps(GoldenNames.versionImage(golden, 2)).isEmpty(), "no second snapshot on the critical path");
        String next = fx.disk("next");
        gi.cloneForAgent(fx.agents, new AgentCloneRequest(golden, 0, next, 16L * MiB, "c", "t", "next"));
        assertEquals(java.util.Optional.of(promotionSnap), fx.agents.parent(next));
        assertMark(next);
        assertEquals(1, gi.children(gi.show(golden).current().orElseThrow()).size(), "the version image is no agent of it");

        // That agent runs (QEMU holds its disk open) while the version is flattened and the agent
        // disk is deleted: the disk it is a clone of must stay while it runs.
        try (RbdImageHandle running = fx.agents.open(next)) {
            assertArrayEquals(MARK, running.read(MiB, MARK.length));
            // The agent disk is deleted meanwhile: it is pinned, so it goes to the trash.
            fx.agents.trashMove(d, Duration.ZERO);
            gi.completeFlattens(golden);
            gi.completeFlattens(golden);
            assertEquals(List.of(ImageSpec.of(fx.agents.name(), d)), pinnedHere(), "kept while an early clone runs");
            assertArrayEquals(MARK, running.read(MiB, MARK.length), "what the running agent reads");
            // The flatten made the version's own snapshot: new agents are clones of it from now on.
            GoldenVersion flattening = gi.show(golden).current().orElseThrow();
            assertEquals(VersionState.FLATTENING, flattening.state());
            assertEquals(ImageSpec.of(fx.images.name(), GoldenNames.versionImage(golden, 2), "v2"), flattening.snapshot());
            String after = fx.disk("after");
            gi.cloneForAgent(fx.agents, new AgentCloneRequest(golden, 0, after, 16L * MiB, "c", "t", "after"));
            assertEquals(java.util.Optional.of(flattening.snapshot()), fx.agents.parent(after));
            assertMark(after);
            CatalogFixture.removeImage(fx.agents, after);
        }
        // The early clone ends: now the version no longer needs the agent disk.
        CatalogFixture.removeImage(fx.agents, next);
        gi.completeFlattens(golden);

        GoldenVersion done = gi.show(golden).current().orElseThrow();
        assertEquals(VersionState.READY, done.state());
        assertEquals(0, gi.show(golden).cloneDepth());
        assertTrue(pinnedHere().isEmpty());
        assertTrue(fx.agents.trashList().stream().noneMatch(e -> e.name().equals(d) || e.name().contains("reap")),
                "the trashed agent disk was purged");
        String later = fx.disk("later");
        gi.cloneForAgent(fx.agents, new AgentCloneRequest(golden, 0, later, 16L * MiB, "c", "t", "later"));
        assertMark(later);
        var meta = fx.images.metaList(done.snapshot().image());
        assertTrue(meta.keySet().stream().noneMatch(k -> k.equals("rbd-cloud.owner") || k.equals("rbd-cloud.agent")),
                "the agent's inherited ownership tags are stripped: " + meta);
        // Resumable: running it again changes nothing.
        gi.completeFlattens(golden);
        assertEquals(VersionState.READY, gi.show(golden).current().orElseThrow().state());
    }

    @Test
    void backgroundFlattenReleasesTheAgentSnapshot() throws Exception {
        String d = agentDisk();
        try (GoldenImages bg = fx.catalog(CatalogFixture.options().backgroundFlatten(true).build())) {
            Promotion p = bg.promote(golden, fx.agents, d);
            GoldenVersion flat = p.flattened().get(60, TimeUnit.SECONDS);
            assertEquals(VersionState.READY, flat.state());
            assertTrue(flat.usedBytes() > 0);
        }
        assertTrue(fx.agents.snaps(d).isEmpty(), "promotion snapshot released");
        assertTrue(fx.images.parent(GoldenNames.versionImage(golden, 2)).isEmpty());
    }

    @Test
    void oneFlattenThatFailsDoesNotStopTheOthers() throws IOException {
        String other = fx.golden("promo2");
        gi.importFile(other, fx.rawFile("other.raw", 16L * MiB, 3, 0), ImportProgress.NONE);
        gi.promote(golden, fx.agents, agentDisk());
        String d2 = fx.disk("agent");
        gi.cloneForAgent(fx.agents, new AgentCloneRequest(other, 0, d2, 16L * MiB, "c", "t", "agent"));
        gi.promote(other, fx.agents, d2);
        // The first flatten of the run fails (after its image is flattened, before it is marked ready).
        AtomicBoolean failed = new AtomicBoolean();
        try (GoldenImages flaky = fx.catalog(CatalogFixture.options().steps(step -> {
            if (step.equals("release-agent-snap") && failed.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure at release-agent-snap");
            }
        }).build())) {
            GoldenImageException e = assertThrows(GoldenImageException.class, flaky::completeFlattens);
            System.out.println("complete flattens with one failure: " + e.getMessage());
            assertTrue(e.getMessage().contains("injected failure"), e.getMessage());
            long ready = List.of(golden, other).stream()
                    .filter(g -> flaky.show(g).version(2).orElseThrow().state() == VersionState.READY).count();
            assertTrue(ready >= 1, "the version after the failed one is still flattened");
            flaky.completeFlattens(); // the failed one completes on the next run
            assertEquals(VersionState.READY, flaky.show(golden).version(2).orElseThrow().state());
            assertEquals(VersionState.READY, flaky.show(other).version(2).orElseThrow().state());
        }
    }

    @Test
    void aFlattenKilledAtAnyOfItsStepsIsCompletedByTheNextPass() {
        for (String killAt : List.of("snapshot-version", "protect", "clone-from-version", "release-agent-snap")) {
            String d = agentDisk();
            int n = gi.promote(golden, fx.agents, d).version().version();
            String image = GoldenNames.versionImage(golden, n);
            try (GoldenImages killed = fx.catalog(CatalogFixture.options().steps(step -> {
                if (step.equals(killAt)) {
                    throw new IllegalStateException("killed at " + step);
                }
            }).build())) {
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> killed.completeFlattens(golden));
                assertTrue(e.getMessage().contains(killAt), e.getMessage());
            }
            // Meanwhile agents get the promoted data, from whichever snapshot the version names now.
            String next = fx.disk("next");
            gi.cloneForAgent(fx.agents, new AgentCloneRequest(golden, 0, next, 16L * MiB, "c", "t", "next"));
            assertMark(next);
            CatalogFixture.removeImage(fx.agents, next);

            gi.completeFlattens(golden);
            GoldenVersion v = gi.show(golden).version(n).orElseThrow();
            assertEquals(VersionState.READY, v.state(), killAt);
            assertEquals(ImageSpec.of(fx.images.name(), image, "v" + n), v.snapshot(), killAt);
            assertTrue(fx.images.snaps(image).stream().allMatch(x -> x.isProtected()), killAt);
            assertEquals(1, fx.images.snaps(image).size(), killAt);
            assertTrue(fx.agents.snaps(d).isEmpty(), killAt + ": the agent disk's snapshot is released");
        }
    }

    @Test
    void anAgentCloneThatRacesTheFlattenClonesTheVersionsOwnSnapshot() {
        String d = agentDisk();
        gi.promote(golden, fx.agents, d); // v2: agents are clones of d's promotion snapshot until its flatten
        AtomicBoolean raced = new AtomicBoolean();
        // The flatten runs between the clone's read of v2 and its call to librbd, and releases the
        // snapshot that read named (nothing else was cloned from it).
        try (GoldenImages racing = fx.catalog(CatalogFixture.options().steps(step -> {
            if (step.equals("clone-agent") && raced.compareAndSet(false, true)) {
                gi.completeFlattens(golden);
            }
        }).build())) {
            String next = fx.disk("next");
            racing.cloneForAgent(fx.agents, new AgentCloneRequest(golden, 0, next, 16L * MiB, "c", "t", "next"));
            assertTrue(raced.get());
            assertTrue(fx.agents.snaps(d).isEmpty(), "the snapshot the first read named was released");
            assertEquals(java.util.Optional.of(ImageSpec.of(fx.images.name(), GoldenNames.versionImage(golden, 2), "v2")),
                    fx.agents.parent(next));
            assertMark(next);
        }
    }

    @Test
    void failureAtAnyStepLeavesCurrentAndNoOrphans() {
        String d = agentDisk();
        // The version's own snapshot ("snapshot-version", "protect") is made by its flatten, not here.
        for (String failAt : List.of("snapshot-agent-disk", "clone", "tag", "state", "mark-current")) {
            try (GoldenImages failing = fx.catalog(CatalogFixture.options().steps(step -> {
                if (step.equals(failAt)) {
                    throw new IllegalStateException("injected failure before " + step);
                }
            }).build())) {
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> failing.promote(golden, fx.agents, d));
                assertTrue(e.getMessage().contains(failAt));
            }
            assertEquals(1, gi.show(golden).currentVersion(), failAt);
            assertEquals(List.of(1), gi.versions(golden).stream().map(GoldenVersion::version).toList(), failAt);
            assertFalse(fx.images.exists(GoldenNames.versionImage(golden, 2)), failAt);
            assertTrue(fx.agents.snaps(d).isEmpty(), failAt);
        }
        // and the next attempt works
        assertEquals(2, gi.promote(golden, fx.agents, d).version().version());
    }

    /** The write of {@code current} reaches the OSD and commits, but its reply is lost: the call reports a timeout. */
    private GoldenImages currentWriteTimesOut(int version, AtomicBoolean fired) {
        return fx.catalog(CatalogFixture.options().steps(step -> {
            if (step.equals("mark-current")) {
                fx.images.metaSet(golden, "rbd-cloud.golden.current", Integer.toString(version));
                fired.set(true);
                throw new RbdTimeoutException("metadata set: timed out (injected after the write committed)", 110,
                        ImageSpec.of(fx.images.name(), golden));
            }
        }).build());
    }

    @Test
    void currentWriteThatTimedOutButCommittedKeepsTheVersion() {
        String d = agentDisk();
        AtomicBoolean fired = new AtomicBoolean();
        try (GoldenImages timingOut = currentWriteTimesOut(2, fired)) {
            Promotion p = timingOut.promote(golden, fx.agents, d);
            assertTrue(fired.get());
            assertEquals(2, p.version().version());
        }
        assertEquals(2, gi.show(golden).currentVersion());
        assertTrue(fx.images.exists(GoldenNames.versionImage(golden, 2)), "the current version was not undone");
        assertEquals(VersionState.FLATTENING, gi.show(golden).version(2).orElseThrow().state());
        String next = fx.disk("next");
        gi.cloneForAgent(fx.agents, new AgentCloneRequest(golden, 0, next, 16L * MiB, "c", "t", "next"));
        assertMark(next);
        CatalogFixture.removeImage(fx.agents, next); // no clone from before the flatten keeps d
        gi.completeFlattens(golden);
        assertEquals(VersionState.READY, gi.show(golden).version(2).orElseThrow().state());

        // The copy path likewise.
        String c = agentDisk();
        fired.set(false);
        try (GoldenImages timingOut = currentWriteTimesOut(3, fired)) {
            assertEquals(3, timingOut.promoteByCopy(golden, fx.agents, c).version());
            assertTrue(fired.get());
        }
        assertEquals(3, gi.show(golden).currentVersion());
        assertEquals(VersionState.READY, gi.show(golden).version(3).orElseThrow().state());
    }

    @Test
    void closingTheCatalogCompletesQueuedFlattens() throws Exception {
        // Both agents are clones of v1, so neither promotion has to flatten first: both flattens queue up.
        String a = agentDisk();
        String b = agentDisk();
        CountDownLatch blocked = new CountDownLatch(1);
        Promotion pa;
        Promotion pb;
        try (GoldenImages bg = fx.catalog(CatalogFixture.options().backgroundFlatten(true).steps(step -> {
            if (step.equals("release-agent-snap")) {
                blocked.countDown();
                try {
                    Thread.sleep(60_000); // the first flatten runs on until close() interrupts it
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("flatten interrupted by close()", e);
                }
            }
        }).build())) {
            pa = bg.promote(golden, fx.agents, a);
            pb = bg.promote(golden, fx.agents, b);
            assertTrue(blocked.await(30, TimeUnit.SECONDS), "the first flatten started");
        }
        assertTrue(pa.flattened().isDone(), "the running flatten's future is complete");
        assertTrue(pb.flattened().isDone(), "the queued flatten's future is complete, not dropped");
        ExecutionException e = assertThrows(ExecutionException.class, () -> pb.flattened().get(1, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("closed before the background flatten of " + golden + "@v3"),
                e.getCause().getMessage());
        // Nothing is lost: the versions stay flattening and completeFlattens() finishes them.
        assertEquals(VersionState.FLATTENING, gi.show(golden).version(3).orElseThrow().state());
        gi.completeFlattens(golden);
        assertEquals(VersionState.READY, gi.show(golden).version(3).orElseThrow().state());
    }

    @Test
    void crashLeftoverIsCleanedUpByCompleteFlattens() {
        String d = agentDisk();
        // A promotion that "dies" after tagging: simulate by failing with undo skipped is not
        // possible from outside, so lay the leftover down the way a dead process leaves it.
        String agentSnap = GoldenNames.promoteSnap(golden, 2);
        fx.agents.snapCreate(d, agentSnap);
        fx.agents.clone(d, agentSnap, fx.images, GoldenNames.versionImage(golden, 2));
        fx.images.metaSet(GoldenNames.versionImage(golden, 2), "rbd-cloud.golden.info", "created-by=promotion:" + d
                + ";source=" + ImageSpec.of(fx.agents.name(), d, agentSnap) + ";source-id=" + fx.agents.stat(d).id());
        assertEquals(List.of(ImageSpec.of(fx.agents.name(), d)), pinnedHere());

        gi.completeFlattens();

        assertFalse(fx.images.exists(GoldenNames.versionImage(golden, 2)));
        assertTrue(fx.agents.snaps(d).isEmpty());
        assertEquals(1, gi.show(golden).currentVersion());
    }

    @Test
    void concurrentPromotionsAreSerialized() throws Exception {
        String a = agentDisk();
        String b = agentDisk();
        CountDownLatch start = new CountDownLatch(1);
        CompletableFuture<GoldenVersion> pa = CompletableFuture.supplyAsync(() -> {
            await(start);
            return gi.promote(golden, fx.agents, a).version();
        });
        CompletableFuture<GoldenVersion> pb = CompletableFuture.supplyAsync(() -> {
            await(start);
            try (GoldenImages other = fx.catalog(CatalogFixture.options().build())) {
                return other.promote(golden, fx.agents, b).version();
            }
        });
        start.countDown();
        GoldenVersion va = pa.get(60, TimeUnit.SECONDS);
        GoldenVersion vb = pb.get(60, TimeUnit.SECONDS);

        assertEquals(List.of(2, 3), List.of(va.version(), vb.version()).stream().sorted().toList());
        assertEquals(3, gi.show(golden).currentVersion());
        assertEquals(List.of(1, 2, 3), gi.versions(golden).stream().map(GoldenVersion::version).toList());
    }

    @Test
    void deeperChainForcesFlattenFirst() {
        String a = agentDisk();
        gi.promote(golden, fx.agents, a);
        assertEquals(2, gi.show(golden).cloneDepth());
        // b is a clone of v2's agent disk a (v2 has no snapshot of its own yet): it reads through
        // a and v1, and a v3 from it would be 3 deep. Completing v2's flatten does not shorten
        // b's chain, so v3 is flattened before it becomes current.
        String b = agentDisk();
        assertEquals(java.util.Optional.of(ImageSpec.of(fx.agents.name(), a, GoldenNames.promoteSnap(golden, 2))),
                fx.agents.parent(b));
        GoldenVersion v3 = gi.promote(golden, fx.agents, b).version();
        assertEquals(VersionState.READY, v3.state());
        assertEquals(0, gi.show(golden).cloneDepth());
        assertTrue(fx.agents.snaps(b).isEmpty());
        // v2's flatten ran first and made its snapshot; it keeps a's snapshot while b, a clone of it, exists.
        assertTrue(fx.images.parent(GoldenNames.versionImage(golden, 2)).isEmpty(), "v2 was flattened first");
        assertEquals(VersionState.FLATTENING, gi.show(golden).version(2).orElseThrow().state());
        CatalogFixture.removeImage(fx.agents, b);
        gi.completeFlattens(golden);
        assertEquals(VersionState.READY, gi.show(golden).version(2).orElseThrow().state());
        assertTrue(fx.agents.snaps(a).isEmpty());

        // From a standalone version: metadata only, and 2 deep.
        String c = agentDisk();
        assertEquals(VersionState.FLATTENING, gi.promote(golden, fx.agents, c).version().state());
        assertEquals(2, gi.show(golden).cloneDepth());

        // With a maximum of 1 the new version itself is flattened before it becomes current.
        gi.completeFlattens(golden);
        String e = agentDisk();
        try (GoldenImages shallow = fx.catalog(CatalogFixture.options().maxCloneDepth(1).build())) {
            GoldenVersion v5 = shallow.promote(golden, fx.agents, e).version();
            assertEquals(VersionState.READY, v5.state());
            assertEquals(0, shallow.show(golden).cloneDepth());
        }
        assertTrue(fx.agents.snaps(e).isEmpty());
    }

    @Test
    void promotesAnEarlierSnapshotNotTheHeadAndAFailureGivesItsNameBack() {
        String d = agentDisk();
        fx.agents.snapCreate(d, "held");
        byte[] later = "written after the hold".getBytes();
        try (RbdImageHandle h = fx.agents.open(d)) {
            h.write(MiB, later);
            h.flush();
        }
        try (GoldenImages failing = fx.catalog(CatalogFixture.options().steps(step -> {
            if (step.equals("mark-current")) {
                throw new IllegalStateException("injected");
            }
        }).build())) {
            assertThrows(IllegalStateException.class, () -> failing.promoteSnapshot(golden, fx.agents, d, "held"));
            assertThrows(IllegalStateException.class, () -> failing.promoteSnapshotByCopy(golden, fx.agents, d, "held"));
        }
        assertEquals(1, gi.show(golden).currentVersion());
        assertEquals(List.of("held"), fx.agents.snaps(d).stream().map(s -> s.name()).toList());

        Promotion p = gi.promoteSnapshot(golden, fx.agents, d, "held");
        assertEquals(2, p.version().version());
        assertEquals(List.of(GoldenNames.promoteSnap(golden, 2)), fx.agents.snaps(d).stream().map(s -> s.name()).toList());
        String next = fx.disk("next");
        gi.cloneForAgent(fx.agents, new AgentCloneRequest(golden, 0, next, 16L * MiB, "c", "t", "next"));
        assertMark(next); // the snapshot's data, not what came after
        CatalogFixture.removeImage(fx.agents, next);
        gi.completeFlattens(golden);
        assertTrue(fx.agents.snaps(d).isEmpty(), "released after the flatten");
    }

    @Test
    void copyPathMakesAStandaloneVersion() {
        String d = agentDisk();
        GoldenVersion v = gi.promoteByCopy(golden, fx.agents, d);

        assertEquals(2, v.version());
        assertEquals(VersionState.READY, v.state());
        assertEquals("copy:" + d, v.createdBy());
        assertTrue(v.current());
        assertTrue(fx.images.parent(v.snapshot().image()).isEmpty());
        assertTrue(fx.agents.snaps(d).isEmpty());
        try (RbdImageHandle base = fx.images.openReadOnly(GoldenNames.versionImage(golden, 1), "v1");
                RbdImageHandle copy = fx.images.openReadOnly(v.snapshot().image(), "v2")) {
            byte[] want = base.read(0, 16 * MiB);
            System.arraycopy(MARK, 0, want, MiB, MARK.length);
            assertArrayEquals(want, copy.read(0, 16 * MiB));
        }
    }

    @Test
    void copyPathFailureLeavesNothing() {
        String d = agentDisk();
        try (GoldenImages failing = fx.catalog(CatalogFixture.options().steps(step -> {
            if (step.equals("mark-current")) {
                throw new IllegalStateException("injected");
            }
        }).build())) {
            assertThrows(IllegalStateException.class, () -> failing.promoteByCopy(golden, fx.agents, d));
        }
        assertEquals(1, gi.show(golden).currentVersion());
        assertFalse(fx.images.exists(GoldenNames.versionImage(golden, 2)));
        assertTrue(fx.agents.snaps(d).isEmpty());
    }

    @Test
    void rollbackAndRetentionWithLiveChildren() throws IOException {
        gi.importFile(golden, fx.rawFile("v2.raw", 16L * MiB, 12, 1), ImportProgress.NONE);
        gi.importFile(golden, fx.rawFile("v3.raw", 16L * MiB, 13, 2), ImportProgress.NONE);
        gi.importFile(golden, fx.rawFile("v4.raw", 16L * MiB, 14, 3), ImportProgress.NONE);
        String child = fx.disk("child");
        gi.cloneForAgent(fx.agents, new AgentCloneRequest(golden, 1, child, 16L * MiB, "c", "t", "child"));

        assertEquals(2, gi.rollback(golden, 2).version());
        assertEquals(2, gi.show(golden).currentVersion());
        assertThrows(GoldenImageException.class, () -> gi.rollback(golden, 9));

        PruneResult r = gi.prune(golden, 1);
        // Newest (v4) and current (v2) stay; v3 goes; v1 has a clone, so it is retired.
        assertEquals(List.of(3), r.removed());
        assertEquals(List.of(1), r.retired());
        assertEquals(List.of(1, 2, 4), gi.versions(golden).stream().map(GoldenVersion::version).toList());
        assertEquals(VersionState.RETIRED, gi.show(golden).version(1).orElseThrow().state());
        assertThrows(GoldenImageException.class, () -> gi.rollback(golden, 1));
        assertThrows(GoldenImageException.class, () -> gi.cloneForAgent(fx.agents,
                new AgentCloneRequest(golden, 1, fx.disk("x"), 16L * MiB, "c", "t", "x")));

        // The clone goes to the trash: it still counts. Purged: v1 goes on the next prune.
        String id = fx.agents.trashMove(child, Duration.ZERO);
        assertEquals(List.of(1), gi.prune(golden, 1).retired());
        fx.agents.trashRemove(id, true);
        assertEquals(List.of(1), gi.prune(golden, 1).removed());
        assertEquals(List.of(2, 4), gi.versions(golden).stream().map(GoldenVersion::version).toList());
    }

    private List<ImageSpec> pinnedHere() {
        // The pools are shared: look only at this test's golden image.
        return gi.pinnedAgentDisks().stream().filter(this::isOurs).toList();
    }

    private boolean isOurs(ImageSpec s) {
        return gi.versions(golden).stream().anyMatch(v -> v.pinnedDisk().map(p -> p.image().equals(s.image())).orElse(false));
    }

    private void assertMark(String disk) {
        try (RbdImageHandle h = fx.agents.openReadOnly(disk)) {
            assertArrayEquals(MARK, h.read(MiB, MARK.length));
        }
    }

    private static void await(CountDownLatch l) {
        try {
            l.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
