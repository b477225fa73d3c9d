package io.jenkins.plugins.rbdcloud.engine.ceph;

import java.util.EnumSet;
import java.util.Set;

/** RBD image feature bits ({@code rbd/features.h}), named as {@code rbd info} prints them. */
public enum RbdFeature {
    LAYERING("layering", 1L),
    STRIPING("striping", 1L << 1),
    EXCLUSIVE_LOCK("exclusive-lock", 1L << 2),
    OBJECT_MAP("object-map", 1L << 3),
    FAST_DIFF("fast-diff", 1L << 4),
    DEEP_FLATTEN("deep-flatten", 1L << 5),
    JOURNALING("journaling", 1L << 6),
    DATA_POOL("data-pool", 1L << 7),
    OPERATIONS("operations", 1L << 8),
    MIGRATING("migrating", 1L << 9),
    NON_PRIMARY("non-primary", 1L << 10),
    DIRTY_CACHE("dirty-cache", 1L << 11);

    private final String rbdName;
    private final long bit;

    RbdFeature(String rbdName, long bit) {
        this.rbdName = rbdName;
        this.bit = bit;
    }

    public long bit() {
        return bit;
    }

    /** The feature set of a bit mask; unknown bits are ignored. */
    public static Set<RbdFeature> fromBits(long bits) {
        Set<RbdFeature> s = EnumSet.noneOf(RbdFeature.class);
        for (RbdFeature f : values()) {
            if ((bits & f.bit) != 0) {
                s.add(f);
            }
        }
        return s;
    }

    @Override
    public String toString() {
        return rbdName;
    }
}
