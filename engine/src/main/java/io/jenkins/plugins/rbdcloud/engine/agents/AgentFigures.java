package io.jenkins.plugins.rbdcloud.engine.agents;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * What one agent cost, told when it ends ({@link AgentLifecycleListener#ended}) and kept among the
 * recent events ({@link RbdCloudEngine#recentFigures}): the disk figures and how long each part of
 * its life took. A time that was not measured (an adopted agent's clone, say) is {@link Duration#ZERO}.
 *
 * @param agent        agent name (also its disk's and domain's)
 * @param template     template name
 * @param hypervisor   hypervisor it ran on
 * @param golden       golden version its disk was cloned from, e.g. {@code debian@v3}; empty when unknown
 * @param endedAt      when its ending finished
 * @param bytesWritten bytes written to its disk beyond the golden version: the exact extents of an RBD diff
 *                     against the parent ({@code rbd_diff_iterate2}, the delta guard's figure); empty when
 *                     the disk could not be read
 * @param bytesFreed   what removing the disk gave back, as RBD counts its own usage ({@code rbd du}: whole
 *                     objects, so at least the written extents); empty while the disk is held or trashed
 *                     (freed later)
 * @param cloneTook    the copy-on-write clone of the golden version
 * @param startTook    defining and starting the domain
 * @param readyTook    from start until the guest agent answered
 * @param buildTook    from ready until its ending began (what it was used for)
 * @param teardownTook its ending: domain destroyed, disk removed or held
 * @param diffTook     the diff walk behind {@code bytesWritten}: for a deleted disk it runs while the domain is
 *                     destroyed (within {@code teardownTook}), for a held one after the hold
 */
public record AgentFigures(String agent, String template, String hypervisor, String golden, Instant endedAt,
                           OptionalLong bytesWritten, OptionalLong bytesFreed, Duration cloneTook, Duration startTook,
                           Duration readyTook, Duration buildTook, Duration teardownTook, Duration diffTook) {

    public AgentFigures {
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(golden, "golden");
        Objects.requireNonNull(endedAt, "endedAt");
    }
}
