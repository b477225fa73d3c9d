package io.jenkins.plugins.rbdcloud.engine.replication.internal;

import io.jenkins.plugins.rbdcloud.engine.ceph.RbdImageHandle;
import io.jenkins.plugins.rbdcloud.engine.replication.ReplicationException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * What a receiver wrote into a version (the data and zero records, in stream order), hashed as
 * written, so that reading back only those extents proves they landed: the check of a difference
 * whose other blocks come from a verified base.
 */
final class WrittenExtents {

    private final MessageDigest sent = StreamFormat.sha256();
    private final List<Extents.Range> ranges = new ArrayList<>();

    void data(long offset, ByteBuffer bytes) {
        sent.update(bytes.duplicate());
        ranges.add(new Extents.Range(offset, offset + bytes.remaining()));
    }

    void zero(long offset, long length) {
        ContentChecksum.zeros(sent, length);
        ranges.add(new Extents.Range(offset, offset + length));
    }

    /** Reads every written extent back from {@code h} and refuses when it differs from what was written. */
    void requireReadBack(RbdImageHandle h, String label) {
        MessageDigest back = StreamFormat.sha256();
        ByteBuffer buf = ByteBuffer.allocateDirect(StreamFormat.MAX_DATA);
        for (Extents.Range w : Extents.windows(ranges, StreamFormat.MAX_DATA)) {
            ContentChecksum.read(h, w, buf);
            back.update(buf);
        }
        byte[] expected = sent.digest();
        if (!MessageDigest.isEqual(back.digest(), expected)) {
            throw new ReplicationException(label + " does not match its source after writing: the "
                    + Extents.total(ranges) + " bytes written read back differently");
        }
    }
}
