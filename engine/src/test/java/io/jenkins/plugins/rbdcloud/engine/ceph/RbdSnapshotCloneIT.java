package io.jenkins.plugins.rbdcloud.engine.ceph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ceph.rbd.Rbd;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshots, format-2 clones from images into agents, children, parent and flatten. */
class RbdSnapshotCloneIT extends CephItBase {

    private RbdPool images;
    private RbdPool agents;

    RbdSnapshotCloneIT(DevEnv env) {
        super(env);
    }

    @BeforeEach
    void pools() {
        images = images();
        agents = agents();
    }

    @Test
    void snapshotLifecycle() {
        Instant before = Instant.now().minusSeconds(5);
        String name = scratch.create(images, env.uniqueName("snap"), 8 * MiB);
        images.snapCreate(name, "v1");
        images.resize(name, 16 * MiB);
        images.snapCreate(name, "v2");
        List<SnapInfo> snaps = images.snaps(name);
        assertEquals(List.of("v1", "v2"), snaps.stream().map(SnapInfo::name).toList());
        assertEquals(8 * MiB, snaps.get(0).size());
        assertEquals(16 * MiB, snaps.get(1).size());
        assertTrue(snaps.get(0).id() < snaps.get(1).id());
        assertTrue(snaps.get(0).createdAt().isAfter(before), snaps.get(0).toString());
        assertFalse(snaps.get(0).isProtected());

        RbdExistsException dup = assertThrows(RbdExistsException.class, () -> images.snapCreate(name, "v1"));
        assertTrue(dup.getMessage().contains(name + "@v1"), dup.getMessage());

        images.snapProtect(name, "v1");
        assertTrue(images.snaps(name).get(0).isProtected());
        RbdBusyException busy = assertThrows(RbdBusyException.class, () -> images.snapRemove(name, "v1"));
        assertEquals(ImageSpec.of(images.name(), name, "v1"), busy.target());
        images.snapUnprotect(name, "v1");
        assertFalse(images.snaps(name).get(0).isProtected());

        RbdHasSnapshotsException has = assertThrows(RbdHasSnapshotsException.class, () -> images.remove(name));
        assertTrue(has.getMessage().contains(images.name() + "/" + name), has.getMessage());

        images.snapRemove(name, "v1");
        images.snapRemove(name, "v2");
        assertEquals(List.of(), images.snaps(name));
        images.remove(name);
        assertFalse(images.exists(name));
    }

    @Test
    void missingSnapshotsAreNamed() {
        String name = scratch.create(images, env.uniqueName("nosnap"), MiB);
        ImageSpec expected = ImageSpec.of(images.name(), name, "nope");
        assertEquals(expected, assertThrows(RbdNotFoundException.class, () -> images.snapRemove(name, "nope")).target());
        assertEquals(expected, assertThrows(RbdNotFoundException.class, () -> images.snapProtect(name, "nope")).target());
        assertEquals(expected, assertThrows(RbdNotFoundException.class, () -> images.openReadOnly(name, "nope")).target());
        assertEquals(expected, assertThrows(RbdNotFoundException.class, () -> images.children(name, "nope")).target());
        String missing = env.uniqueName("noimg");
        assertThrows(RbdNotFoundException.class, () -> images.snapCreate(missing, "v1"));
        assertThrows(RbdNotFoundException.class, () -> images.snaps(missing));
    }

    @Test
    void cloneIsFormat2FromAnUnprotectedSnapshotAcrossPools() {
        String golden = scratch.create(images, env.uniqueName("golden"), 64 * MiB);
        byte[] data = RbdImageIT.pattern(MiB);
        try (RbdImageHandle h = images.open(golden)) {
            h.write(0, data);
        }
        images.snapCreate(golden, "v1");
        assertFalse(images.snaps(golden).get(0).isProtected());

        String child = scratch.track(agents, env.uniqueName("clone"));
        ImageSpec spec = images.clone(golden, "v1", agents, child);
        assertEquals(ImageSpec.of(agents.name(), child), spec);
        // A format-1 clone would have needed a protected snapshot: this is format 2.
        assertEquals(Optional.of(ImageSpec.of(images.name(), golden, "v1")), agents.parent(child));
        assertEquals(Optional.empty(), images.parent(golden));
        assertEquals(List.of(new ChildInfo(spec, agents.stat(child).id(), false)), images.children(golden, "v1"));
        assertEquals(0, agents.usedBytes(child), "a fresh clone allocates nothing of its own");
        try (RbdImageHandle h = agents.openReadOnly(child)) {
            assertArrayEquals(data, h.read(0, MiB));
        }
        agents.flatten(child);
        assertEquals(Optional.empty(), agents.parent(child));
        assertEquals(List.of(), images.children(golden, "v1"));
        try (RbdImageHandle h = agents.openReadOnly(child)) {
            assertArrayEquals(data, h.read(0, MiB));
        }
    }

    private record ParentAndClone(String parent, String child) {}

    /** A new 8 MiB image of {@code pool} with snapshot {@code snap}, cloned into the agents pool. */
    /**
     * What an agent's build wrote is the extents written to its clone, plus the parent's data a partial
     * write copied up with it, never the rest of the parent (the delta guard and the build page figures use
     * this walk); its cost is printed for a small and a large, mostly empty disk, as agent disks are.
     */
    @Test
    void writtenBytesAreTheExtentsWrittenToTheCloneAtAnySize() {
        for (long gib : new long[] {1, 20}) {
            String golden = scratch.create(images, env.uniqueName("wgolden"), gib << 30);
            try (RbdImageHandle h = images.open(golden)) {
                h.write(0, RbdImageIT.pattern(4 * MiB)); // the parent's own data is never counted
            }
            images.snapCreate(golden, "v1");
            String child = scratch.track(agents, env.uniqueName("wclone"));
            images.clone(golden, "v1", agents, child);
            try (RbdImageHandle h = agents.open(child)) {
                h.write(MiB, RbdImageIT.pattern(3 * MiB)); // over the parent's data
                h.write((gib << 30) / 2, RbdImageIT.pattern(5 * MiB)); // far into the empty part
            }
            long t0 = System.nanoTime();
            long written = agents.writtenBytes(child);
            long micros = (System.nanoTime() - t0) / 1000;
            System.out.printf("bench written_bytes_walk size_gib=%d written_mib=8 millis=%.1f%n", gib, micros / 1000.0);
            // The 3 MiB partly over the parent's first object copied that object up whole: its other 1 MiB counts too.
            assertEquals(9L * MiB, written);
        }
    }

    private ParentAndClone snapshotAndClone(RbdPool pool, String prefix, String snap) {
        String parent = scratch.create(pool, env.uniqueName(prefix), 8 * MiB);
        pool.snapCreate(parent, snap);
        String child = scratch.track(agents, env.uniqueName("clone"));
        pool.clone(parent, snap, agents, child);
        return new ParentAndClone(parent, child);
    }

    @Test
    void renamingASnapshotKeepsItsClonesParent() {
        ParentAndClone pc = snapshotAndClone(agents, "held", "held");
        String disk = pc.parent();
        String child = pc.child();

        agents.snapRename(disk, "held", "promoted");
        assertEquals(List.of("promoted"), agents.snaps(disk).stream().map(SnapInfo::name).toList());
        assertEquals(Optional.of(ImageSpec.of(agents.name(), disk, "promoted")), agents.parent(child));
        assertEquals(ImageSpec.of(agents.name(), disk, "held"),
                assertThrows(RbdNotFoundException.class, () -> agents.snapRename(disk, "held", "x")).target());
        agents.snapCreate(disk, "other");
        assertThrows(RbdExistsException.class, () -> agents.snapRename(disk, "other", "promoted"));

        agents.remove(child);
        agents.snapRemove(disk, "promoted");
        agents.snapRemove(disk, "other");
    }

    @Test
    void removingASnapshotWithClonesDefersItUntilTheyAreGone() {
        ParentAndClone pc = snapshotAndClone(images, "golden", "v1");
        String golden = pc.parent();
        String child = pc.child();

        images.snapRemove(golden, "v1");
        assertEquals(List.of(), images.snaps(golden), "gone from the user's view");
        ImageSpec parent = agents.parent(child).orElseThrow();
        assertEquals(images.name() + "/" + golden, parent.pool() + "/" + parent.image());
        assertFalse(parent.snapshot().equals("v1"), "kept under a trash-namespace name: " + parent);
        assertThrows(RbdHasSnapshotsException.class, () -> images.remove(golden));

        agents.remove(child);
        images.remove(golden);
        assertFalse(images.exists(golden));
    }

    @Test
    void cloneAsksForFormat2WhateverTheClientDefault(@TempDir Path dir) throws Exception {
        // A client whose default is format 1 would need a protected snapshot; the store passes
        // RBD_IMAGE_OPTION_CLONE_FORMAT=2 to rbd_clone3, so it does not.
        Path conf = dir.resolve("ceph.conf");
        Files.writeString(conf, "[client]\nrbd default clone format = 1\n");
        CephConfig v1Client = new CephConfig(conf, env.monHost() + ":" + env.monPort(), env.cephUser(), env.cephKey());
        try (CephCluster c = CephCluster.connect(v1Client, TIMEOUT)) {
            String golden = scratch.create(images, env.uniqueName("golden"), 8 * MiB);
            images.snapCreate(golden, "v1");
            String child = scratch.track(agents, env.uniqueName("clone"));
            c.pool(images.name()).clone(golden, "v1", c.pool(agents.name()), child);
            assertEquals(Optional.of(ImageSpec.of(images.name(), golden, "v1")), agents.parent(child));
            assertFalse(images.snaps(golden).get(0).isProtected());
            // Control: librbd's plain clone call, which follows the client default, refuses.
            String control = scratch.track(agents, env.uniqueName("control"));
            com.ceph.rbd.RbdException refused = assertThrows(com.ceph.rbd.RbdException.class,
                    () -> new Rbd(c.pool(images.name()).ioctx()).clone(golden, "v1", c.pool(agents.name()).ioctx(), control, 1L, 0));
            assertEquals(-22, refused.getReturnValue(), refused.getMessage());
        }
    }

    @Test
    void cloneFailuresNameWhatIsWrong() {
        String golden = scratch.create(images, env.uniqueName("golden"), 8 * MiB);
        images.snapCreate(golden, "v1");
        RbdNotFoundException nf = assertThrows(RbdNotFoundException.class,
                () -> images.clone(golden, "v9", agents, scratch.track(agents, env.uniqueName("clone"))));
        assertEquals(ImageSpec.of(images.name(), golden, "v9"), nf.target());
        assertTrue(nf.getMessage().contains(golden + "@v9"), nf.getMessage());

        String taken = scratch.create(agents, env.uniqueName("taken"), MiB);
        RbdExistsException ex = assertThrows(RbdExistsException.class, () -> images.clone(golden, "v1", agents, taken));
        assertEquals(ImageSpec.of(agents.name(), taken), ex.target());
    }

    @Test
    void cloneLatencyIsFlat() {
        String golden = scratch.create(images, env.uniqueName("golden"), 10L * 1024 * MiB);
        images.snapCreate(golden, "v1");
        List<Long> cloneMicros = new ArrayList<>();
        List<Long> removeMicros = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            String child = scratch.track(agents, env.uniqueName("lat"));
            long t0 = System.nanoTime();
            images.clone(golden, "v1", agents, child);
            long t1 = System.nanoTime();
            agents.remove(child);
            long t2 = System.nanoTime();
            cloneMicros.add((t1 - t0) / 1000);
            removeMicros.add((t2 - t1) / 1000);
        }
        long cloneMedian = median(cloneMicros);
        System.out.printf("clone of a 10 GiB golden: median %.1f ms (%s us); remove of the clone: median %.1f ms%n",
                cloneMedian / 1000.0, cloneMicros, median(removeMicros) / 1000.0);
        assertTrue(cloneMedian < Duration.ofSeconds(2).toNanos() / 1000, "clone median " + cloneMedian + " us");
    }

    private static long median(List<Long> xs) {
        List<Long> s = new ArrayList<>(xs);
        s.sort(null);
        return s.get(s.size() / 2);
    }
}
