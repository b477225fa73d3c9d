package io.jenkins.plugins.rbdcloud.engine.replication.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * What a golden stream holds, from reading it through once with every digest (and, given the key,
 * the signature) checked: enough to decide whether to apply it before anything is created, and to
 * {@linkplain StreamReader#pinnedTo pin} the second read to the same content.
 *
 * @param versions     in stream order
 * @param current      the version the stream makes current (0: none)
 * @param signed       whether the stream carries a signature (format 2)
 * @param signatureChecked whether that signature was checked against a key and matched
 * @param streamDigest the stream digest of its end record
 */
public record StreamSummary(String golden, String origin, List<Version> versions, int current, boolean signed,
        boolean signatureChecked, byte[] streamDigest) {

    /**
     * One version of the stream.
     *
     * @param dataBytes bytes of its data records: what the stream actually backs it with
     * @param digest    its version digest
     */
    public record Version(int version, int base, long sizeBytes, long dataBytes, byte[] digest) {}

    public StreamSummary {
        versions = List.copyOf(versions);
    }

    /** Reads {@code in} to its end record. */
    public static StreamSummary read(StreamReader in) {
        if (!(in.next() instanceof StreamRecord.Start start)) {
            throw new IllegalStateException("a reader returns the start record first");
        }
        List<Version> versions = new ArrayList<>();
        int current = 0;
        StreamRecord.VersionStart open = null;
        long data = 0;
        for (StreamRecord r = in.next(); ; r = in.next()) {
            switch (r) {
                case StreamRecord.VersionStart v -> {
                    open = v;
                    data = 0;
                }
                case StreamRecord.Data d -> data += d.bytes().remaining();
                case StreamRecord.VersionEnd e -> versions.add(new Version(open.version(), open.base(), open.sizeBytes(), data, e.digest()));
                case StreamRecord.Current c -> current = c.version();
                case StreamRecord.Finish f -> {
                    return new StreamSummary(start.golden(), start.origin(), versions, current, in.signed(), in.signatureChecked(),
                            in.streamDigest());
                }
                default -> {
                    // zero records and the version list carry nothing to decide on
                }
            }
        }
    }
}
