package io.jenkins.plugins.rbdcloud.engine.replication.internal;

import io.jenkins.plugins.rbdcloud.engine.ceph.RbdImageHandle;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Byte ranges {@code [offset, end)} of an image: what {@code rbd_diff_iterate2} reports as
 * allocated, widened to whole 4 KiB blocks, merged, and cut into read windows.
 */
public final class Extents {

    public static final int BLOCK = 4096;

    public record Range(long offset, long end) {
        public long length() {
            return end - offset;
        }
    }

    private Extents() {}

    /**
     * The allocated ranges of what {@code h} sees (a snapshot open: that snapshot), a clone's
     * parent data included, sorted and merged, clipped to {@code limit}.
     */
    public static List<Range> allocated(RbdImageHandle h, long limit) {
        List<Range> raw = new ArrayList<>();
        long size = h.size();
        h.diffIterate(null, 0, size, true, false, (off, len, exists) -> {
            if (exists) {
                raw.add(new Range(off, off + len));
            }
        });
        return normalize(raw, Math.min(size, limit));
    }

    /** Sorts, widens to whole blocks, clips to {@code limit} and merges touching ranges. */
    public static List<Range> normalize(List<Range> ranges, long limit) {
        List<Range> sorted = new ArrayList<>(ranges);
        sorted.sort(Comparator.comparingLong(Range::offset));
        List<Range> out = new ArrayList<>();
        for (Range r : sorted) {
            long start = r.offset() / BLOCK * BLOCK;
            long end = Math.min(limit, (r.end() + BLOCK - 1) / BLOCK * BLOCK);
            if (start >= end) {
                continue;
            }
            Range last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && start <= last.end()) {
                out.set(out.size() - 1, new Range(last.offset(), Math.max(last.end(), end)));
            } else {
                out.add(new Range(start, end));
            }
        }
        return out;
    }

    public static List<Range> union(List<Range> a, List<Range> b, long limit) {
        List<Range> all = new ArrayList<>(a);
        all.addAll(b);
        return normalize(all, limit);
    }

    /** Cuts ranges into windows of at most {@code max} bytes, aligned to {@code max} within the image. */
    public static List<Range> windows(List<Range> ranges, int max) {
        List<Range> out = new ArrayList<>();
        for (Range r : ranges) {
            for (long pos = r.offset(); pos < r.end(); ) {
                long next = Math.min(r.end(), (pos / max + 1) * max);
                out.add(new Range(pos, next));
                pos = next;
            }
        }
        return out;
    }

    /** Whether any of {@code sorted} overlaps {@code w}. */
    public static boolean overlaps(List<Range> sorted, Range w) {
        int lo = 0;
        int hi = sorted.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Range r = sorted.get(mid);
            if (r.end() <= w.offset()) {
                lo = mid + 1;
            } else if (r.offset() >= w.end()) {
                hi = mid - 1;
            } else {
                return true;
            }
        }
        return false;
    }

    public static long total(List<Range> ranges) {
        return ranges.stream().mapToLong(Range::length).sum();
    }
}
