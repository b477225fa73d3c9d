package io.jenkins.plugins.rbdcloud.engine.replication.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Constants and limits of the golden stream, format 1 (docs/replication.md). Big-endian integers;
 * strings are a u16 byte length and UTF-8. Every limit here is enforced by {@link StreamReader}
 * before a value reaches librbd: a backup file is untrusted input.
 */
public final class StreamFormat {

    public static final byte[] MAGIC = {'R', 'B', 'D', 'C', 'G', 'O', 'L', 'D'};
    /** Format of an unsigned stream. */
    public static final int VERSION = 1;
    /** Format of a signed stream: format 1 with a {@link #SIGNATURE} record right before {@link #FINISH}. */
    public static final int VERSION_SIGNED = 2;

    public static final byte START = 'S';
    public static final byte VERSION_START = 'V';
    public static final byte DATA = 'D';
    public static final byte ZERO = 'Z';
    public static final byte VERSION_END = 'E';
    public static final byte VERSION_LIST = 'L';
    public static final byte CURRENT = 'C';
    public static final byte FINISH = 'F';
    public static final byte SIGNATURE = 'G';

    public static final int CHECKSUM_BYTES = 32;
    /** Longest data record: the sender's window. */
    public static final int MAX_DATA = 4 << 20;
    /** Largest accepted virtual size (1 PiB). */
    public static final long MAX_SIZE = 1L << 50;
    /** Highest version number (the catalog's {@code <name>.v<N>} allows 9 digits). */
    public static final int MAX_VERSION = 999_999_999;
    public static final int MAX_STRING = 1024;
    public static final int MAX_INFO_FIELDS = 16;
    public static final int MAX_LISTED_VERSIONS = 100_000;
    /** Versions in one stream: every one becomes an image, a flatten and a checksum on the target. */
    public static final int MAX_VERSIONS = 1_000;

    private StreamFormat() {}

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
