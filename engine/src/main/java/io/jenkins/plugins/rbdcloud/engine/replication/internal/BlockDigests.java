package io.jenkins.plugins.rbdcloud.engine.replication.internal;

import io.jenkins.plugins.rbdcloud.engine.ceph.RbdException;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenNames;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A version's SHA-256 per 4 MiB block, with its content checksum. Kept beside the version image
 * in a RADOS object ({@link GoldenNames#blockDigestsObject}) bound to the version and its
 * snapshot id, so a difference between two versions is found by comparing two lists and reading
 * only the blocks that differ, not the whole of both images. Not in the image metadata: every
 * clone of the version reads that, and the list is 8 KiB per GiB.
 */
public record BlockDigests(int version, long snapId, long sizeBytes, byte[] checksum, byte[][] blocks) {

    /** Block size: the sender's window and RBD's default object size. */
    public static final int BLOCK = StreamFormat.MAX_DATA;
    /** Largest list kept (4 TiB of image): 32 MiB of object; bigger versions are compared by reading. */
    public static final int MAX_BLOCKS = 1 << 20;

    private static final byte[] MAGIC = {'R', 'B', 'D', 'C', 'B', 'L', 'K', '1'};
    private static final int HEADER = MAGIC.length + 4 + 8 + 8 + 4 + StreamFormat.CHECKSUM_BYTES;

    public static int count(long sizeBytes) {
        return (int) ((sizeBytes + BLOCK - 1) / BLOCK);
    }

    public static boolean storable(long sizeBytes) {
        return count(sizeBytes) <= MAX_BLOCKS;
    }

    /** Indices of the blocks whose content differs from {@code base}'s (blocks only one of them has count as different). */
    public List<Integer> changedSince(BlockDigests base) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < blocks.length; i++) {
            if (i >= base.blocks.length || !MessageDigest.isEqual(blocks[i], base.blocks[i])) {
                out.add(i);
            }
        }
        return out;
    }

    /** The list stored for version {@code n} of {@code image} with snapshot {@code snapId}; empty when none or stale. */
    public static Optional<BlockDigests> load(RbdPool pool, String image, int n, long snapId, long sizeBytes) {
        if (!storable(sizeBytes)) {
            return Optional.empty();
        }
        Optional<byte[]> raw;
        try {
            raw = pool.objectRead(GoldenNames.blockDigestsObject(image), HEADER + count(sizeBytes) * StreamFormat.CHECKSUM_BYTES);
        } catch (RbdException unreadable) {
            return Optional.empty(); // a cache: read the versions instead
        }
        return raw.flatMap(BlockDigests::decode).filter(d -> d.version == n && d.snapId == snapId && d.sizeBytes == sizeBytes);
    }

    /** Stores the list; best effort (a read-only user, a removed version: it is only a cache). */
    public void store(RbdPool pool, String image) {
        if (!storable(sizeBytes)) {
            return;
        }
        try {
            pool.objectWrite(GoldenNames.blockDigestsObject(image), encode());
        } catch (RbdException readOnly) {
            // recomputed next time
        }
    }

    byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(HEADER + blocks.length * StreamFormat.CHECKSUM_BYTES);
        b.put(MAGIC).putInt(version).putLong(snapId).putLong(sizeBytes).putInt(blocks.length).put(checksum);
        for (byte[] d : blocks) {
            b.put(d);
        }
        return b.array();
    }

    /** Parses a stored list; anything malformed is ignored (recomputed), never trusted in part. */
    static Optional<BlockDigests> decode(byte[] raw) {
        if (raw.length < HEADER || !Arrays.equals(Arrays.copyOf(raw, MAGIC.length), MAGIC)) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(raw, MAGIC.length, raw.length - MAGIC.length);
        int version = b.getInt();
        long snapId = b.getLong();
        long size = b.getLong();
        int n = b.getInt();
        if (size <= 0 || size > StreamFormat.MAX_SIZE || n != count(size) || n > MAX_BLOCKS
                || raw.length != HEADER + (long) n * StreamFormat.CHECKSUM_BYTES) {
            return Optional.empty();
        }
        byte[] checksum = new byte[StreamFormat.CHECKSUM_BYTES];
        b.get(checksum);
        byte[][] blocks = new byte[n][StreamFormat.CHECKSUM_BYTES];
        for (byte[] d : blocks) {
            b.get(d);
        }
        return Optional.of(new BlockDigests(version, snapId, size, checksum, blocks));
    }
}
