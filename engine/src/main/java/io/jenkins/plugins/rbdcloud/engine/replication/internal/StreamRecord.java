package io.jenkins.plugins.rbdcloud.engine.replication.internal;

import java.nio.ByteBuffer;
import java.util.Map;

/** One record of a golden stream (format: docs/replication.md), as {@link StreamReader} returns it. */
public sealed interface StreamRecord {

    /** First record: the golden image and where it comes from ({@code <fsid>/<pool>/<name>}). */
    record Start(String golden, String origin) implements StreamRecord {}

    /**
     * A version follows: data and zero records, then {@link VersionEnd}.
     *
     * @param base         version the records apply to (0 = none: a full, sparse copy)
     * @param sizeBytes    virtual size of the version
     * @param fromSnap     {@code v<base>} or empty
     * @param toSnap       {@code v<version>}
     * @param baseChecksum content checksum of the base (32 zero bytes when there is none)
     * @param info         the version's provenance fields (the catalog's {@code info} key)
     */
    record VersionStart(int version, int base, long sizeBytes, String fromSnap, String toSnap, byte[] baseChecksum,
            Map<String, String> info) implements StreamRecord {}

    /** Bytes to write at {@code offset}; the buffer is only valid until the next record is read. */
    record Data(long offset, ByteBuffer bytes) implements StreamRecord {}

    /** A range that reads as zeros in the new version. */
    record Zero(long offset, long length) implements StreamRecord {}

    /** End of a version: the content checksum of {@code toSnap} and the records' digest (checked by the reader). */
    record VersionEnd(byte[] checksum, byte[] digest, long streamBytes) implements StreamRecord {}

    /** The versions the origin had when the stream was made (for pruning). */
    record VersionList(java.util.List<Integer> versions) implements StreamRecord {}

    /** The origin's current version. */
    record Current(int version) implements StreamRecord {}

    /** Last record; the whole-stream digest was checked by the reader. */
    record Finish() implements StreamRecord {}
}
