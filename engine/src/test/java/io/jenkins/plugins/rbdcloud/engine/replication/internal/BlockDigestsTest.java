package io.jenkins.plugins.rbdcloud.engine.replication.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BlockDigestsTest {

    private static final int B = BlockDigests.BLOCK;

    /** An image of {@code size} bytes with random data only in the listed ranges. */
    private static byte[] image(long size, long seed, long... offsetLength) {
        byte[] img = new byte[(int) size];
        Random r = new Random(seed);
        for (int i = 0; i < offsetLength.length; i += 2) {
            byte[] d = new byte[(int) offsetLength[i + 1]];
            r.nextBytes(d);
            System.arraycopy(d, 0, img, (int) offsetLength[i], d.length);
        }
        return img;
    }

    /** Feeds only the listed windows, as the sender does for allocated data. */
    private static BlockDigests hash(byte[] img, long... windows) {
        VersionHasher h = new VersionHasher(img.length);
        for (int i = 0; i < windows.length; i += 2) {
            h.feed(windows[i], ByteBuffer.wrap(img, (int) windows[i], (int) windows[i + 1]));
        }
        return h.finish(1, 7);
    }

    private static byte[] sha(byte[] b, int from, int to) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(Arrays.copyOfRange(b, from, to));
    }

    @Test
    void oneSparseReadGivesTheContentChecksumAndEveryBlocksDigest() throws Exception {
        long size = 3L * B + 12_288; // a partial last block
        byte[] img = image(size, 1, 100, 5000, 2L * B + 4096, 8192);
        BlockDigests d = hash(img, 0, 8192, 2L * B + 4096, 8192);
        assertArrayEquals(sha(img, 0, img.length), d.checksum(), "what rbd export | sha256sum prints");
        assertEquals(4, d.blocks().length);
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(sha(img, i * B, (int) Math.min(size, (long) (i + 1) * B)), d.blocks()[i], "block " + i);
        }
    }

    @Test
    void changedBlocksAreExactlyTheOnesWhoseContentDiffers() {
        byte[] v1 = image(4L * B, 2, 0, 4L * B);
        byte[] v2 = v1.clone();
        v2[B + 17] ^= 1;
        byte[] v3 = Arrays.copyOf(v2, 6 * B); // grown by two zero blocks
        v3[5 * B] = 1;
        BlockDigests d1 = hash(v1, 0, B, B, B, 2L * B, B, 3L * B, B);
        BlockDigests d2 = hash(v2, 0, B, B, B, 2L * B, B, 3L * B, B);
        BlockDigests d3 = hash(v3, 0, B, B, B, 2L * B, B, 3L * B, B, 5L * B, B);
        assertEquals(List.of(1), d2.changedSince(d1));
        assertEquals(List.of(4, 5), d3.changedSince(d2), "blocks the base does not have count as changed");
        assertEquals(List.of(), d2.changedSince(d2));
    }

    @Test
    void aStoredListRoundTripsAndADamagedOneIsIgnoredNeverUsedInPart() {
        byte[] img = image(2L * B + 1, 3, 0, 2L * B + 1);
        BlockDigests d = hash(img, 0, B, B, B, 2L * B, 1);
        byte[] raw = d.encode();
        BlockDigests back = BlockDigests.decode(raw).orElseThrow();
        assertEquals(d.version(), back.version());
        assertEquals(d.snapId(), back.snapId());
        assertEquals(d.sizeBytes(), back.sizeBytes());
        assertArrayEquals(d.checksum(), back.checksum());
        assertTrue(Arrays.deepEquals(d.blocks(), back.blocks()));
        for (int len = 0; len < raw.length; len++) {
            assertTrue(BlockDigests.decode(Arrays.copyOf(raw, len)).isEmpty(), "cut at " + len);
        }
        byte[] longer = Arrays.copyOf(raw, raw.length + 32);
        assertTrue(BlockDigests.decode(longer).isEmpty(), "a block too many");
        for (int i = 0; i < 32; i++) { // magic, version, snap id, size, count
            byte[] bad = raw.clone();
            bad[i] ^= (byte) 0x80;
            BlockDigests read = BlockDigests.decode(bad).orElse(null);
            // Version, snap id and size may read as other numbers; the loader then finds the list stale.
            assertTrue(read == null || read.version() != d.version() || read.snapId() != d.snapId()
                    || read.sizeBytes() != d.sizeBytes(), "byte " + i);
        }
    }
}
