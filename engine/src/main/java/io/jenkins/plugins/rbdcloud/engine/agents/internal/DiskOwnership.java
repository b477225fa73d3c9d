package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import io.jenkins.plugins.rbdcloud.engine.Ownership;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdException;
import io.jenkins.plugins.rbdcloud.engine.ceph.TrashEntry;
import java.util.Map;
import java.util.Optional;

/**
 * The proof rbd-cloud asks for before it removes an agent disk (or purges one from the trash):
 * its ownership tags name this controller and cloud, and the disk's own name as the agent. The
 * pools are shared, so a disk's name alone proves nothing.
 */
final class DiskOwnership {

    private DiskOwnership() {}

    /** Why the disk is not provably ours, or empty when it is. */
    static Optional<String> whyNotOurs(Map<String, String> diskMeta, String ownerId, String cloud, String disk) {
        Optional<Ownership> tags = Ownership.fromMeta(diskMeta);
        if (tags.isEmpty()) {
            return Optional.of("it has no (or malformed) rbd-cloud ownership tags");
        }
        Ownership o = tags.get();
        if (!o.ownerId().equals(ownerId) || !o.cloud().equals(cloud)) {
            return Optional.of("its tags name owner " + o.ownerId() + ", cloud " + o.cloud() + ", not owner " + ownerId
                    + ", cloud " + cloud);
        }
        if (!o.agent().equals(disk)) {
            return Optional.of("its tags name agent " + o.agent() + ", not " + disk);
        }
        return Optional.empty();
    }

    /** Fails, naming the disk and the tags found, unless the disk is provably ours. */
    static void requireOurs(Map<String, String> diskMeta, EngineContext ctx, String disk) {
        whyNotOurs(diskMeta, ctx.settings().ownerId(), ctx.settings().name(), disk).ifPresent(why -> {
            throw new IllegalStateException("refusing to remove " + ctx.agentsPool().name() + "/" + disk + ": " + why);
        });
    }

    /**
     * Whether a trashed agent disk is provably ours, from the tags it carried when it was trashed
     * (read through its id). One that cannot be read stays: it is purged next time, or by its owner.
     */
    static boolean isOurs(EngineContext ctx, TrashEntry trashed) {
        try {
            return whyNotOurs(ctx.agentsPool().trashMetaList(trashed.id()), ctx.settings().ownerId(), ctx.settings().name(),
                    trashed.name()).isEmpty();
        } catch (RbdException e) {
            return false;
        }
    }
}
