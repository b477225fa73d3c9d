package io.jenkins.plugins.rbdcloud.engine.replication.internal;

import io.jenkins.plugins.rbdcloud.engine.ceph.RbdImageHandle;
import io.jenkins.plugins.rbdcloud.engine.replication.ReplicationException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * What a receiver wrote into a version (the data and zero records, in stream order), so that
 * reading back only those extents proves they landed: the check of a difference whose other
 * blocks come from a verified base. The records themselves were already checked against the
 * stream's SHA-256 digests; this guards the write path against faults, not against a forger, so
 * each extent keeps a CRC-32C (hardware-assisted, ~20× cheaper than a second SHA-256 pass).
 */
final class WrittenExtents {

    private record Written(Extents.Range range, int crc) {}

    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(1 << 20);

    private final List<Written> written = new ArrayList<>();

    void data(long offset, ByteBuffer bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes.duplicate());
        written.add(new Written(new Extents.Range(offset, offset + bytes.remaining()), (int) crc.getValue()));
    }

    void zero(long offset, long length) {
        CRC32C crc = new CRC32C();
        for (long left = length; left > 0; left -= ZEROS.capacity()) {
            crc.update(ZEROS.duplicate().limit((int) Math.min(left, ZEROS.capacity())));
        }
        written.add(new Written(new Extents.Range(offset, offset + length), (int) crc.getValue()));
    }

    /** Reads every written extent back from {@code h} and refuses when one differs from what was written. */
    void requireReadBack(RbdImageHandle h, String label) {
        ByteBuffer buf = ByteBuffer.allocateDirect(StreamFormat.MAX_DATA);
        for (Written w : written) {
            CRC32C crc = new CRC32C();
            for (Extents.Range part : Extents.windows(List.of(w.range()), StreamFormat.MAX_DATA)) {
                ContentChecksum.read(h, part, buf);
                crc.update(buf);
            }
            if ((int) crc.getValue() != w.crc()) {
                throw new ReplicationException(label + " does not match its source after writing: the " + w.range().length()
                        + " bytes written at offset " + w.range().offset() + " read back differently");
            }
        }
    }
}
