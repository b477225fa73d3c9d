package io.jenkins.plugins.rbdcloud.engine.replication.internal;

import java.nio.ByteBuffer;
import java.security.MessageDigest;

/**
 * Hashes a version read front to back in windows that never cross a {@link BlockDigests#BLOCK}
 * boundary: its content checksum (SHA-256 of every byte, gaps read as zeros) and, in the same
 * pass, the SHA-256 of each block. One read gives what both the stream and later differences need.
 */
public final class VersionHasher {

    private final long size;
    private final MessageDigest whole = StreamFormat.sha256();
    private final MessageDigest block = StreamFormat.sha256();
    private final byte[][] blocks;
    private long hashed;

    public VersionHasher(long size) {
        this.size = size;
        this.blocks = new byte[BlockDigests.count(size)][];
    }

    /** Feeds {@code buf} (position to limit) read at {@code offset}; windows ascend. */
    public void feed(long offset, ByteBuffer buf) {
        zerosUpTo(offset);
        if (offset / BlockDigests.BLOCK != (offset + buf.remaining() - 1) / BlockDigests.BLOCK) {
            throw new IllegalArgumentException("window " + offset + "+" + buf.remaining() + " crosses a block boundary");
        }
        whole.update(buf.duplicate());
        block.update(buf.duplicate());
        hashed = offset + buf.remaining();
        endBlockIfFull();
    }

    /** The content checksum and the block digests, once everything up to the size was fed. */
    public BlockDigests finish(int version, long snapId) {
        zerosUpTo(size);
        return new BlockDigests(version, snapId, size, whole.digest(), blocks);
    }

    private void zerosUpTo(long offset) {
        while (hashed < offset) {
            long blockEnd = Math.min(size, (hashed / BlockDigests.BLOCK + 1) * BlockDigests.BLOCK);
            long n = Math.min(offset, blockEnd) - hashed;
            ContentChecksum.zeros(whole, n);
            ContentChecksum.zeros(block, n);
            hashed += n;
            endBlockIfFull();
        }
    }

    private void endBlockIfFull() {
        if (hashed % BlockDigests.BLOCK == 0 || hashed == size) {
            blocks[(int) ((hashed - 1) / BlockDigests.BLOCK)] = block.digest();
        }
    }
}
