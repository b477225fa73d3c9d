package io.jenkins.plugins.rbdcloud.engine.images.internal;

import io.jenkins.plugins.rbdcloud.engine.ceph.PoolFaults;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdException;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
import java.util.List;
import java.util.function.Supplier;

/**
 * Runs an import or a promotion so that a full pool, or OSDs that do not answer, is named as the
 * cause: checked before it starts (a full pool fails it at once, instead of after its first write
 * waited for the request timeout), and asked again when it fails with a timeout or no space.
 */
public final class PoolFaultNaming {

    private PoolFaultNaming() {}

    /** Runs {@code op}, which writes to {@code pools} (all of one connection). */
    public static <T> T run(List<RbdPool> pools, Supplier<T> op) {
        PoolFaults faults = new PoolFaults(pools.get(0).cluster());
        List<String> names = pools.stream().map(RbdPool::name).distinct().toList();
        faults.requireWritable(names);
        try {
            return op.get();
        } catch (RuntimeException e) {
            RbdException rbd = rbdCause(e);
            if (rbd == null) {
                throw e;
            }
            RbdException named = faults.explain(rbd, names);
            if (named == rbd) {
                throw e;
            }
            if (e != rbd) {
                named.addSuppressed(e); // the step it was in (a lock, a copy) stays readable
            }
            throw named;
        }
    }

    private static RbdException rbdCause(Throwable t) {
        for (int depth = 0; t != null && depth < 8; depth++, t = t.getCause()) {
            if (t instanceof RbdException r) {
                return r;
            }
        }
        return null;
    }
}
