package io.jenkins.plugins.rbdcloud.engine.replication.internal;

import io.jenkins.plugins.rbdcloud.engine.ceph.RbdImageHandle;
import io.jenkins.plugins.rbdcloud.engine.images.store.VersionMeta;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The content checksum of a version: SHA-256 over every byte of the version snapshot from 0 to
 * its virtual size, unallocated ranges read as zeros — what {@code rbd export pool/image@snap - |
 * sha256sum} prints. Reading a big image is slow, so it is kept in the version's metadata under
 * {@value #KEY}, bound to the version and its snapshot id ({@code v<N>#<snap id>:sha256:<hex>}):
 * librbd copies metadata into clones, and a value inherited from an ancestor names another
 * snapshot and is ignored.
 */
public final class ContentChecksum {

    public static final String KEY = VersionMeta.CONTENT_CHECKSUM;
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(1 << 20);

    private ContentChecksum() {}

    /** Reads the allocated ranges of {@code h} (zeros elsewhere) and hashes the whole virtual size. */
    public static byte[] compute(RbdImageHandle h) {
        return digests(h, 0, -1).checksum();
    }

    /** The content checksum and block digests of what {@code h} sees, from one read of its allocated ranges. */
    public static BlockDigests digests(RbdImageHandle h, int version, long snapId) {
        long size = h.size();
        VersionHasher hasher = new VersionHasher(size);
        ByteBuffer buf = ByteBuffer.allocateDirect(BlockDigests.BLOCK);
        for (Extents.Range w : Extents.windows(Extents.allocated(h, size), BlockDigests.BLOCK)) {
            read(h, w, buf);
            hasher.feed(w.offset(), buf);
        }
        return hasher.finish(version, snapId);
    }

    /** Feeds {@code n} zero bytes. */
    public static void zeros(MessageDigest d, long n) {
        while (n > 0) {
            int k = (int) Math.min(n, ZEROS.capacity());
            d.update(ZEROS.duplicate().limit(k));
            n -= k;
        }
    }

    /** Reads window {@code w} into {@code buf} (flipped, exactly the window's length; zeros past the image end). */
    public static void read(RbdImageHandle h, Extents.Range w, ByteBuffer buf) {
        buf.clear().limit((int) w.length());
        h.read(w.offset(), buf);
        while (buf.hasRemaining()) {
            buf.put((byte) 0);
        }
        buf.flip();
    }

    public static String format(byte[] sum) {
        return "sha256:" + HexFormat.of().formatHex(sum);
    }

    /** {@code sha256:<hex>} to bytes, or empty when it is not that form. */
    public static Optional<byte[]> parse(String s) {
        if (s == null || !s.matches("sha256:[0-9a-f]{64}")) {
            return Optional.empty();
        }
        return Optional.of(HexFormat.of().parseHex(s.substring("sha256:".length())));
    }

    /** The metadata value binding {@code sum} to version {@code n}'s snapshot {@code snapId}. */
    public static String bind(int n, long snapId, byte[] sum) {
        return "v" + n + "#" + snapId + ":" + format(sum);
    }

    /** The stored checksum of version {@code n} when it is bound to that version's snapshot {@code snapId}. */
    public static Optional<byte[]> stored(Map<String, String> meta, int n, long snapId) {
        String v = meta.get(KEY);
        String prefix = "v" + n + "#" + snapId + ":";
        if (v == null || !v.startsWith(prefix)) {
            return Optional.empty();
        }
        return parse(v.substring(prefix.length()));
    }

    public static boolean allZero(byte[] sum) {
        for (byte b : sum) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    static List<Extents.Range> none() {
        return List.of();
    }
}
