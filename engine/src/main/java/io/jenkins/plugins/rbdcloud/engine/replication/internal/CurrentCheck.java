package io.jenkins.plugins.rbdcloud.engine.replication.internal;

import io.jenkins.plugins.rbdcloud.engine.replication.ReplicationException;
import java.util.Optional;
import java.util.Set;

/**
 * {@code current} may only move to a version that is usable (ready or flattening) on the target
 * once the run is done: one the target holds in a usable state, or one the run publishes. A
 * version the target retired (pruned while clones still use it) must not become current again
 * behind the target's back: nothing could be cloned from it.
 */
public final class CurrentCheck {

    private CurrentCheck() {}

    /**
     * @param current  the version the stream makes current (0: none, nothing moves)
     * @param arriving versions the run publishes on the target
     * @param source   what makes it current, for the message ("the origin", a backup file)
     */
    public static void require(CatalogView target, int current, Set<Integer> arriving, String source) {
        if (current == 0) {
            return;
        }
        Optional<CatalogView.Entry> held = target.find(current).filter(CatalogView.Entry::isPublished);
        if (held.isPresent()) {
            if (!held.get().state().isUsable()) {
                throw refused(target, current, source, "is " + held.get().state().metaValue() + " there",
                        "; or remove v" + current + " from the target once its clones are gone, so that it is sent again");
            }
            return;
        }
        if (!arriving.contains(current)) {
            throw refused(target, current, source, "is not there and is not sent", "");
        }
    }

    private static ReplicationException refused(CatalogView target, int n, String source, String why, String hint) {
        return new ReplicationException(source + " makes v" + n + " current, but v" + n + " of golden image " + target.golden()
                + " in pool " + target.pool().name() + " " + why + "; current may only move to a usable (ready or flattening) "
                + "version, so nothing was changed. Make another version current at the origin" + hint);
    }
}
