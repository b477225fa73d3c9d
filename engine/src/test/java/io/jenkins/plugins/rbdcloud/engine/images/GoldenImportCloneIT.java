package io.jenkins.plugins.rbdcloud.engine.images;

import static io.jenkins.plugins.rbdcloud.engine.images.CatalogFixture.MiB;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.Ownership;
import io.jenkins.plugins.rbdcloud.engine.ceph.CephCluster;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdImageHandle;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdNotFoundException;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPermissionException;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnvironmentExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;

/** Import (raw, qcow2, damaged files), clone for agents and its refusals, names, the hypervisor user. */
@ExtendWith(DevEnvironmentExtension.class)
class GoldenImportCloneIT {

    private CatalogFixture fx;
    private GoldenImages gi;

    @BeforeEach
    void setUp(DevEnv env) throws IOException {
        fx = new CatalogFixture(env);
        gi = fx.catalog(); // closed by fx.close()
    }

    @AfterEach
    void tearDown() throws IOException {
        fx.close();
    }

    @Test
    void importsRawSparseWithChecksumProgressAndMetadata() throws Exception {
        String g = fx.golden("raw");
        Path raw = fx.rawFile("a.raw", 32L * MiB, 1, 0, 20);
        List<long[]> progress = new ArrayList<>();

        GoldenVersion v = gi.importFile(g, raw, (phase, done, total) -> progress.add(new long[] {done, total}));

        assertEquals(1, v.version());
        assertEquals(VersionState.READY, v.state());
        assertTrue(v.current());
        assertEquals("import", v.createdBy());
        assertEquals("sha256:" + sha256(raw), v.sourceChecksum().orElseThrow());
        assertEquals(32L * MiB, v.sizeBytes());
        // 2 MiB of data in two 4 MiB objects; the zero runs were never written.
        assertEquals(8L * MiB, v.usedBytes());
        assertEquals(32L * MiB, progress.get(progress.size() - 1)[0]);
        assertEquals(32L * MiB, progress.get(progress.size() - 1)[1]);
        assertEquals(List.of(g), gi.list().stream().filter(g::equals).toList());
        GoldenImage shown = gi.show(g);
        assertEquals(1, shown.currentVersion());
        assertEquals(0, shown.cloneDepth());
        assertImageEquals(raw, fx.images, v.snapshot().image(), v.snapshot().snapshot());
        assertTrue(fx.images.snaps(v.snapshot().image()).get(0).isProtected());
    }

    @Test
    void convertsQcow2ToRawOnImport() throws Exception {
        String g = fx.golden("qcow");
        Path raw = fx.rawFile("b.raw", 16L * MiB, 2, 3);
        Path qcow = fx.dir.resolve("b.qcow2");
        CatalogFixture.qemuImg("convert", "-f", "raw", "-O", "qcow2", raw.toString(), qcow.toString());
        List<ImportProgress.Phase> phases = new ArrayList<>();

        GoldenVersion v = gi.importFile(g, qcow, (phase, done, total) -> phases.add(phase));

        assertEquals(16L * MiB, v.sizeBytes());
        assertEquals("sha256:" + sha256(qcow), v.sourceChecksum().orElseThrow());
        assertTrue(phases.contains(ImportProgress.Phase.CONVERT) && phases.contains(ImportProgress.Phase.WRITE), phases::toString);
        assertImageEquals(raw, fx.images, v.snapshot().image(), v.snapshot().snapshot());
        try (var files = Files.list(fx.dir)) {
            assertEquals(2, files.count(), "the temporary raw file is gone");
        }
    }

    @Test
    void truncatedQcow2IsRefusedAndLeavesNothing() throws Exception {
        String g = fx.golden("trunc");
        Path raw = fx.rawFile("c.raw", 16L * MiB, 3, 0, 5, 9);
        Path qcow = fx.dir.resolve("c.qcow2");
        CatalogFixture.qemuImg("convert", "-f", "raw", "-O", "qcow2", raw.toString(), qcow.toString());
        try (var ch = java.nio.channels.FileChannel.open(qcow, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() / 2);
        }

        GoldenImageException e = assertThrows(GoldenImageException.class, () -> gi.importFile(g, qcow, ImportProgress.NONE));

        assertTrue(e.getMessage().contains("damaged qcow2"), e.getMessage());
        assertFalse(gi.list().contains(g));
        assertTrue(fx.images.list().stream().noneMatch(i -> i.startsWith(g)), "no half image left");
    }

    @Test
    void garbageFileIsRefused() throws Exception {
        String g = fx.golden("junk");
        Path qcow = fx.dir.resolve("d.qcow2");
        Files.write(qcow, new byte[] {'Q', 'F', 'I', (byte) 0xfb, 0, 0, 0, 3, 1, 2, 3});
        assertThrows(GoldenImageException.class, () -> gi.importFile(g, qcow, ImportProgress.NONE));
        assertThrows(GoldenImageException.class, () -> gi.importFile(g, fx.dir.resolve("missing.raw"), ImportProgress.NONE));
        assertTrue(fx.images.list().stream().noneMatch(i -> i.startsWith(g)));
    }

    @Test
    void failedSecondImportKeepsCurrentAndRemovesTheVersion() throws Exception {
        String g = fx.golden("fail");
        gi.importFile(g, fx.rawFile("e.raw", 8L * MiB, 4, 1), ImportProgress.NONE);
        Path second = fx.rawFile("f.raw", 8L * MiB, 5, 2);
        try (GoldenImages failing = fx.catalog(CatalogFixture.options().steps(step -> {
            if (step.equals("protect")) {
                throw new IllegalStateException("injected failure before " + step);
            }
        }).build())) {
            assertThrows(IllegalStateException.class, () -> failing.importFile(g, second, ImportProgress.NONE));
        }
        assertEquals(1, gi.show(g).currentVersion());
        assertEquals(List.of(1), gi.versions(g).stream().map(GoldenVersion::version).toList());
        assertFalse(fx.images.exists(GoldenNames.versionImage(g, 2)));
    }

    @Test
    void clonesCurrentOrPinnedVersionResizedAndOwned() throws Exception {
        String g = fx.golden("clone");
        Path raw1 = fx.rawFile("g1.raw", 8L * MiB, 6, 0);
        gi.importFile(g, raw1, ImportProgress.NONE);
        gi.importFile(g, fx.rawFile("g2.raw", 8L * MiB, 7, 0), ImportProgress.NONE);
        String d1 = fx.disk("agent");
        String d2 = fx.disk("agent");

        AgentDisk current = gi.cloneForAgent(fx.agents, new AgentCloneRequest(g, 0, d1, 64L * MiB, "cloud1", "tmpl", "agent-1"));
        AgentDisk pinned = gi.cloneForAgent(fx.agents, new AgentCloneRequest(g, 1, d2, 8L * MiB, "cloud1", "tmpl", "agent-2"));

        assertEquals(GoldenNames.versionImage(g, 2), current.parent().image());
        assertEquals(64L * MiB, fx.agents.stat(d1).size());
        Map<String, String> meta = fx.agents.metaList(d1);
        assertEquals("it-controller", meta.get(Ownership.META_PREFIX + "owner"));
        assertEquals(g + "@v2", meta.get(Ownership.META_PREFIX + "golden"));
        assertEquals("agent-1", meta.get(Ownership.META_PREFIX + "agent"));
        assertEquals(fx.images.name() + "/" + GoldenNames.versionImage(g, 2) + "@v2", fx.agents.parent(d1).orElseThrow().toString());
        assertEquals(g + "@v1", pinned.ownership().golden());
        assertImageEquals(raw1, fx.agents, d2, null);
    }

    /**
     * librbd copies a version's metadata into each clone. A version promoted from a held agent disk
     * carries that disk's hold and ownership tags until its flatten strips them; an agent cloned in
     * between must not look held (listed as a held disk, kept by reconciliation until the hold ends).
     */
    @Test
    void anAgentDiskDoesNotInheritTheTagsItsVersionCopiedFromAHeldDisk() throws Exception {
        String g = fx.golden("inherit");
        gi.importFile(g, fx.rawFile("i.raw", 8L * MiB, 9, 0), ImportProgress.NONE);
        String image = GoldenNames.versionImage(g, 1);
        Map<String, String> own = fx.images.metaList(image);
        // What a native promotion leaves on the version until the flatten: the held disk's tags.
        fx.images.metaSetAll(image, Map.of(Ownership.META_PREFIX + "held-until", "2026-12-04T09:00:00Z",
                Ownership.META_PREFIX + "held-at", "2026-12-04T07:00:00Z", Ownership.META_PREFIX + "kept-until",
                "2026-12-04T09:00:00Z", Ownership.META_PREFIX + "agent", "tiny-old123"));
        String d = fx.disk("agent");

        gi.cloneForAgent(fx.agents, new AgentCloneRequest(g, 0, d, 8L * MiB, "cloud1", "tmpl", "agent-3"));

        Map<String, String> meta = fx.agents.metaList(d);
        for (String key : List.of("held-until", "held-at", "kept-until")) {
            assertFalse(meta.containsKey(Ownership.META_PREFIX + key), key + " inherited: " + meta);
        }
        assertEquals("agent-3", meta.get(Ownership.META_PREFIX + "agent"), "its own ownership tags win");
        own.forEach((k, v) -> assertEquals(v, fx.images.metaList(image).get(k), "the version keeps its own " + k));
    }

    @Test
    void refusesUnprotectedNonRawMissingAndTooSmall() throws Exception {
        String g = fx.golden("refuse");
        gi.importFile(g, fx.rawFile("h.raw", 8L * MiB, 8, 0), ImportProgress.NONE);
        String image = GoldenNames.versionImage(g, 1);

        fx.images.snapUnprotect(image, "v1");
        assertRefused("not protected", () -> gi.cloneForAgent(fx.agents, request(g, 0, fx.disk("a"))));
        fx.images.snapProtect(image, "v1");

        String info = fx.images.metaGet(image, "rbd-cloud.golden.info").orElseThrow();
        fx.images.metaSet(image, "rbd-cloud.golden.info", info.replace("format=raw", "format=qcow2"));
        assertRefused("not raw", () -> gi.cloneForAgent(fx.agents, request(g, 0, fx.disk("a"))));
        fx.images.metaSet(image, "rbd-cloud.golden.info", info);

        assertRefused("no version v7", () -> gi.cloneForAgent(fx.agents, request(g, 7, fx.disk("a"))));
        assertRefused("no golden image", () -> gi.cloneForAgent(fx.agents, request(fx.golden("none"), 0, fx.disk("a"))));
        assertRefused("smaller", () -> gi.cloneForAgent(fx.agents,
                new AgentCloneRequest(g, 0, fx.disk("a"), MiB, "c", "t", "a")));
        assertThrows(RbdNotFoundException.class, () -> fx.cluster.pool("no-such-pool-" + g));
        // A second connection cannot clone (one librados client per clone); same fsid: told to use one connection.
        try (CephCluster other = CephCluster.connect(CatalogFixture.controller(fx.env), CatalogFixture.TIMEOUT)) {
            assertRefused("second connection", () -> gi.cloneForAgent(other.pool(fx.env.agentsPool()), request(g, 0, fx.disk("a"))));
        }
        assertTrue(fx.agents.list().stream().noneMatch(i -> i.startsWith("it-a-")), "nothing cloned by the refusals");
    }

    /**
     * What clone for an agent learnt about v1 must not outlive v1: a re-import under the same name,
     * by another controller (this one's cache is not told), is a new image and checked again.
     */
    @Test
    void versionMadeAgainUnderTheSameNameIsCheckedAgain() throws Exception {
        String g = fx.golden("again");
        gi.importFile(g, fx.rawFile("s.raw", 8L * MiB, 11, 0), ImportProgress.NONE);
        String d = fx.disk("a");
        gi.cloneForAgent(fx.agents, new AgentCloneRequest(g, 0, d, 8L * MiB, "c", "t", "a"));
        fx.agents.remove(d);
        try (GoldenImages other = fx.catalog(CatalogFixture.options().build())) {
            other.remove(g);
            other.importFile(g, fx.rawFile("t.raw", 16L * MiB, 12, 0), ImportProgress.NONE);
        }
        assertRefused("smaller", () -> gi.cloneForAgent(fx.agents, new AgentCloneRequest(g, 0, fx.disk("a"), 8L * MiB, "c", "t", "a")));
        String d2 = fx.disk("a");
        gi.cloneForAgent(fx.agents, new AgentCloneRequest(g, 0, d2, 16L * MiB, "c", "t", "a"));
        assertEquals(16L * MiB, fx.agents.stat(d2).size());
    }

    /** A version's state is read at every clone: once retired by a prune, by any controller, it is refused at once. */
    @Test
    void retiredVersionIsRefusedAtTheNextClone() throws Exception {
        String g = fx.golden("retire");
        gi.importFile(g, fx.rawFile("u.raw", 8L * MiB, 13, 0), ImportProgress.NONE);
        gi.importFile(g, fx.rawFile("v.raw", 8L * MiB, 14, 0), ImportProgress.NONE);
        gi.cloneForAgent(fx.agents, request(g, 1, fx.disk("a")));
        try (GoldenImages other = fx.catalog(CatalogFixture.options().build())) {
            assertEquals(List.of(1), other.prune(g, 1).retired());
        }
        assertRefused("retired", () -> gi.cloneForAgent(fx.agents, request(g, 1, fx.disk("a"))));
        gi.cloneForAgent(fx.agents, request(g, 0, fx.disk("a")));
    }

    @Test
    void rejectsBadNamesBeforeLibrbd() {
        String tooLong = "a".repeat(100);
        for (String bad : List.of("a/b", "a@b", "a\0b", "a b", "a\tb", "", "A.b", tooLong, "-a")) {
            assertThrows(IllegalArgumentException.class, () -> gi.importFile(bad, Path.of("/dev/null"), ImportProgress.NONE), bad);
            assertThrows(IllegalArgumentException.class, () -> gi.rollback(bad, 1), bad);
            assertThrows(IllegalArgumentException.class, () -> gi.promote(bad, fx.agents, "disk"), bad);
            assertThrows(IllegalArgumentException.class, () -> new AgentCloneRequest(bad, 0, "disk", MiB, "c", "t", "a"), bad);
        }
        for (String bad : List.of("a/b", "a@b", "a\0b", "a b", tooLong)) {
            assertThrows(IllegalArgumentException.class, () -> new AgentCloneRequest("g", 0, bad, MiB, "c", "t", "a"), bad);
            assertThrows(IllegalArgumentException.class, () -> gi.promote("g", fx.agents, bad), bad);
            assertThrows(IllegalArgumentException.class, () -> gi.promoteByCopy("g", fx.agents, bad), bad);
        }
    }

    @Test
    void hypervisorUserClonesButCannotChangeImages() throws Exception {
        String g = fx.golden("hv");
        gi.importFile(g, fx.rawFile("i.raw", 8L * MiB, 9, 0), ImportProgress.NONE);
        String d = fx.disk("hvagent");
        String d2 = fx.disk("hvagent");
        fx.agents.create(d2, 8L * MiB);
        try (CephCluster hv = CephCluster.connect(CatalogFixture.hypervisor(fx.env), CatalogFixture.TIMEOUT);
                GoldenImages hvCatalog = new GoldenImages(hv.pool(fx.env.imagesPool()), CatalogFixture.options().build())) {
            RbdPool hvAgents = hv.pool(fx.env.agentsPool());
            AgentDisk disk = hvCatalog.cloneForAgent(hvAgents, request(g, 0, d));
            assertEquals(d, disk.spec().image());

            assertThrows(RbdPermissionException.class, () -> hvCatalog.importFile(g, fx.rawFile("j.raw", MiB, 10, 0), ImportProgress.NONE));
            assertThrows(RbdPermissionException.class, () -> hvCatalog.promote(g, hvAgents, d2));
            assertThrows(RbdPermissionException.class, () -> hvCatalog.rollback(g, 1));
            assertThrows(RbdPermissionException.class, () -> hvCatalog.prune(g, 0));
        }
        assertEquals(List.of(1), gi.versions(g).stream().map(GoldenVersion::version).toList());
        assertTrue(fx.agents.snaps(d2).isEmpty(), "the refused promotion left no snapshot");
    }

    private static AgentCloneRequest request(String g, int version, String disk) {
        return new AgentCloneRequest(g, version, disk, 8L * MiB, "cloud1", "tmpl", "agent-x");
    }

    private static void assertRefused(String fragment, Executable call) {
        GoldenImageException e = assertThrows(GoldenImageException.class, call);
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    static void assertImageEquals(Path file, RbdPool pool, String image, String snap) throws IOException {
        byte[] want = Files.readAllBytes(file);
        try (RbdImageHandle h = snap == null ? pool.openReadOnly(image) : pool.openReadOnly(image, snap)) {
            assertArrayEquals(want, h.read(0, want.length));
        }
    }

    static String sha256(Path f) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
    }
}
