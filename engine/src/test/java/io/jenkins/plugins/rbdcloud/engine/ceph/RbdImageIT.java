package io.jenkins.plugins.rbdcloud.engine.ceph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Image lifecycle and block I/O against the dev cluster, as client.rbd-cloud in the agents pool. */
class RbdImageIT extends CephItBase {

    private RbdPool pool;

    RbdImageIT(DevEnv env) {
        super(env);
    }

    @BeforeEach
    void pool() {
        pool = agents();
    }

    @Test
    void createStatResizeRemove() {
        String name = scratch.create(pool, env.uniqueName("img"), 64 * MiB);
        assertTrue(pool.exists(name));
        assertTrue(pool.list().contains(name));
        ImageInfo info = pool.stat(name);
        assertEquals(ImageSpec.of(pool.name(), name), info.spec());
        assertEquals(64 * MiB, info.size());
        assertEquals(4 * MiB, info.objectSize());
        assertFalse(info.id().isEmpty());
        assertTrue(info.features().contains(RbdFeature.LAYERING), info.features().toString());
        pool.resize(name, 128 * MiB);
        assertEquals(128 * MiB, pool.stat(name).size());
        pool.resize(name, 32 * MiB);
        assertEquals(32 * MiB, pool.stat(name).size());
        pool.remove(name);
        assertFalse(pool.exists(name));
        assertFalse(pool.list().contains(name));
    }

    @Test
    void missingAndDuplicateImagesAreNamed() {
        String missing = env.uniqueName("missing");
        RbdNotFoundException nf = assertThrows(RbdNotFoundException.class, () -> pool.remove(missing));
        assertEquals(ImageSpec.of(pool.name(), missing), nf.target());
        assertTrue(nf.getMessage().contains(pool.name() + "/" + missing), nf.getMessage());
        assertThrows(RbdNotFoundException.class, () -> pool.stat(missing));
        assertThrows(RbdNotFoundException.class, () -> pool.open(missing));
        assertThrows(RbdNotFoundException.class, () -> pool.resize(missing, MiB));
        assertFalse(pool.exists(missing));

        String name = scratch.create(pool, env.uniqueName("dup"), MiB);
        RbdExistsException ex = assertThrows(RbdExistsException.class, () -> pool.create(name, MiB));
        assertTrue(ex.getMessage().contains(name), ex.getMessage());
    }

    @Test
    void writeReadZeroesAndFlush() {
        String name = scratch.create(pool, env.uniqueName("io"), 16 * MiB);
        byte[] data = pattern(3 * MiB + 17);
        try (RbdImageHandle h = pool.open(name)) {
            assertFalse(h.isReadOnly());
            assertEquals(16 * MiB, h.size());
            h.write(MiB - 5, data);
            h.flush();
            assertArrayEquals(data, h.read(MiB - 5, data.length));
            // A heap buffer with an offset and a direct buffer take the same path to librbd.
            ByteBuffer heap = ByteBuffer.allocate(100).position(10);
            assertEquals(90, h.read(MiB - 5, heap));
            assertArrayEquals(Arrays.copyOf(data, 90), Arrays.copyOfRange(heap.array(), 10, 100));
            ByteBuffer direct = ByteBuffer.allocateDirect(64);
            direct.put(new byte[] {1, 2, 3, 4}).flip();
            h.write(0, direct);
            assertEquals(4, direct.position());
            assertArrayEquals(new byte[] {1, 2, 3, 4}, h.read(0, 4));

            h.writeZeroes(MiB, MiB);
            assertArrayEquals(new byte[MiB], h.read(MiB, MiB));
            // Reads stop at the end of the image.
            assertEquals(10, h.read(16 * MiB - 10, 100).length);
        }
        try (RbdImageHandle ro = pool.openReadOnly(name)) {
            assertTrue(ro.isReadOnly());
            assertArrayEquals(Arrays.copyOfRange(data, MiB + 5, MiB + 105), ro.read(2 * MiB, 100));
            RbdPermissionException e = assertThrows(RbdPermissionException.class, () -> ro.write(0, new byte[] {9}));
            assertTrue(e.getMessage().contains(name), e.getMessage());
        }
    }

    @Test
    void discardFreesSpaceOnAPlainImage() {
        String name = scratch.create(pool, env.uniqueName("du"), 32 * MiB);
        assertEquals(0, pool.usedBytes(name));
        try (RbdImageHandle h = pool.open(name)) {
            h.write(0, pattern(16 * MiB));
            h.flush();
        }
        long written = pool.usedBytes(name);
        assertEquals(16 * MiB, written);
        pool.discard(name, 4 * MiB, 8 * MiB);
        long afterDiscard = pool.usedBytes(name);
        assertEquals(8 * MiB, afterDiscard);
        try (RbdImageHandle h = pool.openReadOnly(name)) {
            assertArrayEquals(new byte[MiB], h.read(5 * MiB, MiB));
        }
        System.out.printf("usedBytes: written %d MiB, after discard of 8 MiB %d MiB%n", written / MiB, afterDiscard / MiB);
    }

    @Test
    void sparsifyDeallocatesZeroedObjects() {
        String name = scratch.create(pool, env.uniqueName("sparse"), 16 * MiB);
        try (RbdImageHandle h = pool.open(name)) {
            h.write(0, pattern(4 * MiB));
            h.write(4 * MiB, new byte[8 * MiB]); // zeros written as data: allocated
            h.flush();
        }
        long before = pool.usedBytes(name);
        long t0 = System.nanoTime();
        pool.sparsify(name);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        long after = pool.usedBytes(name);
        assertEquals(12 * MiB, before);
        assertEquals(4 * MiB, after);
        System.out.printf("sparsify: %d -> %d MiB in %d ms%n", before / MiB, after / MiB, ms);
    }

    @Test
    void diffBetweenSnapshotsReportsOnlyChangedExtents() {
        String name = scratch.create(pool, env.uniqueName("diff"), 32 * MiB);
        try (RbdImageHandle h = pool.open(name)) {
            h.write(0, pattern(MiB));
            h.flush();
        }
        pool.snapCreate(name, "s1");
        try (RbdImageHandle h = pool.open(name)) {
            h.write(8 * MiB, pattern(4096));
            h.discard(0, 4 * MiB);
            h.flush();
            List<long[]> exact = new ArrayList<>();
            h.diffIterate("s1", 0, h.size(), false, false, (off, len, exists) -> exact.add(new long[] {off, len, exists ? 1 : 0}));
            assertTrue(exact.stream().anyMatch(e -> e[0] == 8 * MiB && e[1] == 4096 && e[2] == 1), describe(exact));
            assertTrue(exact.stream().anyMatch(e -> e[0] == 0 && e[2] == 0), describe(exact));
            assertTrue(exact.stream().noneMatch(e -> e[0] >= 12 * MiB), describe(exact));

            List<long[]> all = new ArrayList<>();
            h.diffIterate(null, 0, h.size(), false, false, (off, len, exists) -> all.add(new long[] {off, len, exists ? 1 : 0}));
            assertEquals(4096, all.stream().filter(e -> e[2] == 1).mapToLong(e -> e[1]).sum(), describe(all));

            IllegalStateException stop = new IllegalStateException("consumer gave up");
            assertEquals(stop, assertThrows(IllegalStateException.class,
                    () -> h.diffIterate(null, 0, h.size(), false, false, (off, len, exists) -> {
                        throw stop;
                    })));
            RbdNotFoundException nf = assertThrows(RbdNotFoundException.class,
                    () -> h.diffIterate("nosnap", 0, h.size(), false, false, (o, l, e) -> {}));
            assertTrue(nf.getMessage().contains(name + "@nosnap"), nf.getMessage());
        }
        try (RbdImageHandle snap = pool.openReadOnly(name, "s1")) {
            assertEquals(ImageSpec.of(pool.name(), name, "s1"), snap.spec());
            assertArrayEquals(pattern(MiB), snap.read(0, MiB));
            assertArrayEquals(new byte[4096], snap.read(8 * MiB, 4096));
        }
    }

    private static String describe(List<long[]> extents) {
        return extents.stream().map(Arrays::toString).toList().toString();
    }

    static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + (i >>> 12) + 1);
        }
        return b;
    }
}
