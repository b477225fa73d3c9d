package io.jenkins.plugins.rbdcloud.engine.replication;

import java.util.OptionalLong;

/**
 * How large a version restored from a backup may say it is. A declared size costs the target time
 * in proportion to it (the content checksum hashes every byte, zeros included; a difference is
 * flattened), so a backup must back it with data: by default at most {@value #RATIO} × the data
 * it carries for the version (its base's counting for a difference), at least {@link #FLOOR}, and
 * never more than {@link #CAP}. An explicit maximum replaces the ratio rule, for genuine backups
 * of nearly empty, very large images; the cap still holds.
 *
 * @param maximum explicit largest size, or empty for the ratio rule
 */
public record VersionSizeLimit(OptionalLong maximum) {

    /** A version backed by little or no data may still be this large (1 GiB). */
    public static final long FLOOR = 1L << 30;
    /** Declared size per byte of data carried. */
    public static final long RATIO = 256;
    /** Never more (64 TiB), whatever the settings. */
    public static final long CAP = 64L << 40;

    public static final VersionSizeLimit DEFAULT = new VersionSizeLimit(OptionalLong.empty());

    public VersionSizeLimit {
        maximum.ifPresent(m -> {
            if (m <= 0 || m > CAP) {
                throw new IllegalArgumentException("the largest version size must be 1 byte to 64 TiB, got " + m);
            }
        });
    }

    public static VersionSizeLimit atMost(long bytes) {
        return new VersionSizeLimit(OptionalLong.of(bytes));
    }

    /** The largest size a version backed by {@code backingBytes} of data may declare. */
    public long allowed(long backingBytes) {
        if (maximum.isPresent()) {
            return maximum.getAsLong();
        }
        long byData = backingBytes > CAP / RATIO ? CAP : backingBytes * RATIO;
        return Math.min(CAP, Math.max(FLOOR, byData));
    }

    /** The data that backs a version of {@code sizeBytes} the target already holds: its size counts in full. */
    public static long backingOf(long sizeBytes) {
        return (sizeBytes + RATIO - 1) / RATIO;
    }
}
