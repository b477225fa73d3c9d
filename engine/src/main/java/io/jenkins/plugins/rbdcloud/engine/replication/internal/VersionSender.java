package io.jenkins.plugins.rbdcloud.engine.replication.internal;

import io.jenkins.plugins.rbdcloud.engine.ceph.RbdImageHandle;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenNames;
import io.jenkins.plugins.rbdcloud.engine.images.StepHook;
import io.jenkins.plugins.rbdcloud.engine.replication.ReplicationProgress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/**
 * Sends one version of a golden image into a stream: in full (only allocated 4 KiB blocks that
 * are not zero) or as the difference from an older version. Versions are separate RBD images, so
 * the difference is found by walking the allocated extents of both snapshots
 * ({@code rbd_diff_iterate2}) and comparing only there, block by block: a block that differs is a
 * data record, or a zero record when it reads as zeros in the new version. The content checksum
 * of the new version is computed on the way, from the same reads.
 */
public final class VersionSender {

    private static final int WINDOW = StreamFormat.MAX_DATA;

    private final RbdPool source;
    private final String golden;
    private final StreamWriter out;
    private final ReplicationProgress progress;
    private final StepHook steps;

    public VersionSender(RbdPool source, String golden, StreamWriter out, ReplicationProgress progress, StepHook steps) {
        this.source = source;
        this.golden = golden;
        this.out = out;
        this.progress = progress;
        this.steps = steps;
    }

    /**
     * Sends version {@code n} by reading the allocated data of it (and of the base): the way when
     * no block digests are at hand.
     *
     * @param base         older version the target already holds with the same content, or 0
     * @param baseChecksum its content checksum (ignored when base is 0)
     * @return the content checksum and block digests of version {@code n}
     */
    public BlockDigests send(int n, long snapId, int base, byte[] baseChecksum, Map<String, String> info) {
        String label = golden + "@v" + n;
        try (RbdImageHandle to = source.openReadOnly(GoldenNames.versionImage(golden, n), GoldenNames.versionSnap(n));
                RbdImageHandle from = base == 0 ? null
                        : source.openReadOnly(GoldenNames.versionImage(golden, base), GoldenNames.versionSnap(base))) {
            long size = to.size();
            begin(n, base, size, baseChecksum, info);
            List<Extents.Range> toAlloc = Extents.allocated(to, size);
            List<Extents.Range> fromAlloc = from == null ? List.of() : Extents.allocated(from, size);
            List<Extents.Range> windows = Extents.windows(Extents.union(toAlloc, fromAlloc, size), WINDOW);
            long total = Extents.total(windows);
            long scanned = 0;
            long startBytes = out.bytes();
            VersionHasher hasher = new VersionHasher(size);
            ByteBuffer a = ByteBuffer.allocateDirect(WINDOW);
            ByteBuffer b = ByteBuffer.allocateDirect(WINDOW);
            progress.progress(label, 0, total, 0);
            for (Extents.Range w : windows) {
                steps.before("send-window " + label);
                ContentChecksum.read(to, w, a);
                hasher.feed(w.offset(), a);
                boolean baseHasData = from != null && Extents.overlaps(fromAlloc, w);
                if (baseHasData) {
                    ContentChecksum.read(from, w, b);
                }
                emit(w.offset(), a, baseHasData ? b : null);
                scanned += w.length();
                progress.progress(label, scanned, total, out.bytes() - startBytes);
            }
            BlockDigests digests = hasher.finish(n, snapId);
            out.endVersion(digests.checksum());
            return digests;
        }
    }

    /**
     * Sends version {@code n} as its difference from {@code base}, reading only the blocks whose
     * digests differ (in both versions) and comparing those 4 KiB by 4 KiB: the time follows the
     * changed data, not the image size.
     */
    public void sendChanged(BlockDigests now, BlockDigests base, Map<String, String> info) {
        int n = now.version();
        String label = golden + "@v" + n;
        try (RbdImageHandle to = source.openReadOnly(GoldenNames.versionImage(golden, n), GoldenNames.versionSnap(n));
                RbdImageHandle from = source.openReadOnly(GoldenNames.versionImage(golden, base.version()),
                        GoldenNames.versionSnap(base.version()))) {
            long size = now.sizeBytes();
            begin(n, base.version(), size, base.checksum(), info);
            List<Integer> changed = now.changedSince(base);
            long total = (long) changed.size() * BlockDigests.BLOCK;
            long startBytes = out.bytes();
            ByteBuffer a = ByteBuffer.allocateDirect(WINDOW);
            ByteBuffer b = ByteBuffer.allocateDirect(WINDOW);
            progress.progress(label, 0, total, 0);
            long scanned = 0;
            for (int i : changed) {
                steps.before("send-window " + label);
                long offset = (long) i * BlockDigests.BLOCK;
                ContentChecksum.read(to, new Extents.Range(offset, Math.min(size, offset + BlockDigests.BLOCK)), a);
                boolean inBase = offset < base.sizeBytes();
                if (inBase) {
                    // Past the base's end the clone reads as zeros: compare with nothing there.
                    ContentChecksum.read(from, new Extents.Range(offset, Math.min(offset + a.limit(), base.sizeBytes())), b);
                    int read = b.limit();
                    b.limit(a.limit());
                    for (int k = read; k < a.limit(); k++) {
                        b.put(k, (byte) 0);
                    }
                }
                emit(offset, a, inBase ? b : null);
                scanned += a.limit();
                progress.progress(label, scanned, total, out.bytes() - startBytes);
            }
            out.endVersion(now.checksum());
        }
    }

    private void begin(int n, int base, long size, byte[] baseChecksum, Map<String, String> info) {
        out.beginVersion(new StreamRecord.VersionStart(n, base, size, base == 0 ? "" : GoldenNames.versionSnap(base),
                GoldenNames.versionSnap(n), base == 0 ? new byte[StreamFormat.CHECKSUM_BYTES] : baseChecksum, info));
    }

    /**
     * Emits the blocks of {@code now} that differ from {@code before} (null: reads as zeros),
     * coalescing runs of data blocks and runs of zero blocks.
     */
    private void emit(long offset, ByteBuffer now, ByteBuffer before) {
        int len = now.limit();
        int runStart = -1;
        boolean runZero = false;
        for (int off = 0; off <= len; off += Extents.BLOCK) {
            boolean end = off >= len;
            int blen = end ? 0 : Math.min(Extents.BLOCK, len - off);
            boolean zero = !end && isZero(now.slice(off, blen));
            boolean differs = !end && (before == null ? !zero : now.slice(off, blen).mismatch(before.slice(off, blen)) != -1);
            if (runStart >= 0 && (!differs || zero != runZero)) {
                flushRun(offset, now, runStart, off, runZero);
                runStart = -1;
            }
            if (differs && runStart < 0) {
                runStart = off;
                runZero = zero;
            }
        }
    }

    private void flushRun(long offset, ByteBuffer now, int start, int end, boolean zero) {
        if (zero) {
            out.zero(offset + start, end - start);
        } else {
            out.data(offset + start, now.slice(start, end - start));
        }
    }

    private static final ByteBuffer ZERO_BLOCK = ByteBuffer.allocateDirect(Extents.BLOCK);

    static boolean isZero(ByteBuffer block) {
        return block.mismatch(ZERO_BLOCK.slice(0, block.remaining())) == -1;
    }
}
