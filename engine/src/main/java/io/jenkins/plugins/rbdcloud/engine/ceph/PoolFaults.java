package io.jenkins.plugins.rbdcloud.engine.ceph;

import java.util.List;
import java.util.Optional;

/**
 * Names why requests to a pool wait: the pool flagged full in the OSD map (quota or full OSDs), or
 * no OSD up to serve it. librados does not tell: it pauses writes to a full pool and retries
 * requests to a down OSD until {@code rados_osd_op_timeout}, then says only ETIMEDOUT; these checks
 * ask the monitors instead, before a step that writes and when one fails or blocks.
 */
public final class PoolFaults {

    /** The object every RBD pool has; its placement group stands for the pool's. */
    private static final String PROBE_OBJECT = "rbd_directory";
    /** How a named OSD timeout starts, for users and log searches alike. */
    static final String OSD_TIMEOUT = "Ceph: OSD requests timing out";

    private final CephCluster cluster;

    public PoolFaults(CephCluster cluster) {
        this.cluster = cluster;
    }

    /**
     * What stops writes to the first of {@code pools} that has a fault: a {@link RbdNoSpaceException}
     * for a full pool, a {@link RbdTimeoutException} ({@code Ceph: OSD requests timing out}) for one
     * no OSD serves. Two monitor requests at most per pool.
     */
    public Optional<RbdException> fault(List<String> pools) {
        var conditions = cluster.poolConditions();
        for (String pool : pools) {
            PoolCondition c = conditions.get(pool);
            if (c != null && c.full()) {
                return Optional.of(new RbdNoSpaceException(c.fullReason().orElseThrow(), RbdException.EDQUOT, ImageSpec.ofPool(pool))
                        .named());
            }
        }
        for (String pool : pools) {
            if (conditions.containsKey(pool) && !cluster.served(pool, PROBE_OBJECT)) {
                return Optional.of(osdTimeout(pool, "no OSD that is up serves its placement groups"));
            }
        }
        return Optional.empty();
    }

    /** Fails with the {@link #fault} of {@code pools}, if any: call before a step that writes to them. */
    public void requireWritable(List<String> pools) {
        Optional<RbdException> f = fault(pools);
        if (f.isPresent()) {
            throw f.get();
        }
    }

    /**
     * {@code failure} with its cause named: a timeout or no-space error of a request to one of
     * {@code pools} becomes the pool's fault (the original as its cause), a timeout with no fault
     * found becomes {@code Ceph: OSD requests timing out in pool P}. Anything else, or a check
     * that fails itself, gives {@code failure} back unchanged.
     */
    public RbdException explain(RbdException failure, List<String> pools) {
        if (!(failure instanceof RbdTimeoutException) && !(failure instanceof RbdNoSpaceException)) {
            return failure;
        }
        if (failure.isNamed()) {
            return failure;
        }
        RbdException named;
        try {
            named = fault(pools).orElse(null);
        } catch (RuntimeException checkFailed) {
            failure.addSuppressed(checkFailed);
            return failure;
        }
        if (named == null && failure instanceof RbdTimeoutException) {
            String pool = failure.target() != null ? failure.target().pool() : String.join(", ", pools);
            named = osdTimeout(pool, failure.getMessage());
        }
        if (named == null) {
            return failure;
        }
        RbdException out = named instanceof RbdNoSpaceException
                ? new RbdNoSpaceException(named.getMessage() + "; " + failure.getMessage(), named.errno(), failure.target())
                : new RbdTimeoutException(named.getMessage(), named.errno(), failure.target());
        out.initCause(failure);
        return out.named();
    }

    private static RbdTimeoutException osdTimeout(String pool, String detail) {
        return new RbdTimeoutException(OSD_TIMEOUT + " in pool " + pool + " (" + detail + ")", RbdException.ETIMEDOUT,
                ImageSpec.ofPool(pool)).named();
    }
}
