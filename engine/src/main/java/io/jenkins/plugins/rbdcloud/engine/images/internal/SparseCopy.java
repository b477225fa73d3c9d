package io.jenkins.plugins.rbdcloud.engine.images.internal;

import io.jenkins.plugins.rbdcloud.engine.ceph.RbdImageHandle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Copies data while skipping zero runs, as Glance's thin provisioning and {@code rbd import}
 * do: a 4 KiB block of zeros is never written, so the target allocates only what holds data.
 */
public final class SparseCopy {

    /** Zero runs shorter than this are written (rbd's default sparse size). */
    public static final int BLOCK = 4096;
    private static final int CHUNK = 4 << 20;
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(BLOCK);

    private SparseCopy() {}

    /**
     * Writes a raw file into an image, skipping zero blocks.
     *
     * @param digest   updated with every byte of the file, or null
     * @param progress told the bytes done after each chunk
     */
    public static void fileToImage(Path file, RbdImageHandle target, MessageDigest digest, LongConsumer progress) {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = in.size();
            ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
            for (long pos = 0; pos < size; ) {
                buf.clear();
                int n = readFully(in, pos, buf);
                if (n <= 0) {
                    break;
                }
                buf.flip();
                if (digest != null) {
                    digest.update(buf.duplicate());
                }
                writeNonZero(buf, pos, target);
                pos += n;
                progress.accept(pos);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Copies the allocated data of {@code source} (the parent's data of a clone included) into
     * {@code target}, which must be at least as large and read as zeros.
     */
    public static void imageToImage(RbdImageHandle source, RbdImageHandle target) {
        ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
        for (long[] extent : extents(source)) {
            for (long pos = extent[0], end = extent[0] + extent[1]; pos < end; ) {
                buf.clear().limit((int) Math.min(CHUNK, end - pos));
                int n = source.read(pos, buf);
                if (n <= 0) {
                    break;
                }
                buf.flip();
                writeNonZero(buf, pos, target);
                pos += n;
            }
        }
    }

    /**
     * Exports a whole image to a sparse file, reading every byte as {@code rbd export} does.
     *
     * @return bytes read
     */
    public static long imageToFile(RbdImageHandle source, Path file) {
        long size = source.size();
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
            for (long pos = 0; pos < size; ) {
                buf.clear().limit((int) Math.min(CHUNK, size - pos));
                int n = source.read(pos, buf);
                if (n <= 0) {
                    break;
                }
                buf.flip();
                for (int off = 0; off < n; ) {
                    int len = Math.min(BLOCK, n - off);
                    ByteBuffer block = buf.slice(off, len);
                    if (!isZero(block)) {
                        while (block.hasRemaining()) {
                            out.write(block, pos + off + block.position());
                        }
                    }
                    off += len;
                }
                pos += n;
            }
            // A trailing hole: the file still needs its full length.
            out.truncate(size);
            if (out.size() < size) {
                out.write(ByteBuffer.allocate(1), size - 1);
            }
            return size;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes the non-zero blocks of {@code buf} (position 0 = image offset {@code pos}), coalesced into runs. */
    static void writeNonZero(ByteBuffer buf, long pos, RbdImageHandle target) {
        int len = buf.limit();
        int runStart = -1;
        for (int off = 0; off <= len; off += BLOCK) {
            boolean zero = off == len || isZero(buf.slice(off, Math.min(BLOCK, len - off)));
            if (!zero && runStart < 0) {
                runStart = off;
            } else if (zero && runStart >= 0) {
                int end = Math.min(off, len);
                target.write(pos + runStart, buf.slice(runStart, end - runStart));
                runStart = -1;
            }
        }
    }

    static boolean isZero(ByteBuffer block) {
        return block.mismatch(ZEROS.slice(0, block.remaining())) == -1;
    }

    private static List<long[]> extents(RbdImageHandle source) {
        List<long[]> out = new ArrayList<>();
        source.diffIterate(null, 0, source.size(), true, true, (off, len, exists) -> {
            if (exists) {
                out.add(new long[] {off, len});
            }
        });
        return out;
    }

    private static int readFully(FileChannel in, long pos, ByteBuffer buf) throws IOException {
        int total = 0;
        while (buf.hasRemaining()) {
            int n = in.read(buf, pos + total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }
}
