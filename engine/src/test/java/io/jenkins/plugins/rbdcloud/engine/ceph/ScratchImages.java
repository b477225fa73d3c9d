package io.jenkins.plugins.rbdcloud.engine.ceph;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Images and trash entries an IT made on the shared cluster, removed newest first on
 * {@link #close()} (clones before their parents), snapshots included. A removal that fails is
 * reported after the rest were tried, so a test cannot leak silently. Thread-safe.
 */
final class ScratchImages implements AutoCloseable {

    private record Item(RbdPool pool, String image, String trashId) {}

    private final Deque<Item> items = new ArrayDeque<>();

    /** Creates {@code pool/name} of {@code size} bytes and tracks it. */
    String create(RbdPool pool, String name, long size) {
        track(pool, name);
        pool.create(name, size);
        return name;
    }

    /** Tracks an image made some other way (a clone, a restore). */
    synchronized String track(RbdPool pool, String name) {
        items.push(new Item(pool, name, null));
        return name;
    }

    /** Tracks a trash entry, removed with force (its snapshots first, through its id). */
    synchronized String trackTrash(RbdPool pool, String id) {
        items.push(new Item(pool, null, id));
        return id;
    }

    @Override
    public synchronized void close() {
        RuntimeException failure = null;
        while (!items.isEmpty()) {
            Item it = items.pop();
            try {
                if (it.trashId() != null) {
                    if (it.pool().trashList().stream().anyMatch(e -> e.id().equals(it.trashId()))) {
                        try {
                            it.pool().trashSnaps(it.trashId()).forEach(s -> it.pool().trashSnapRemove(it.trashId(), s.name()));
                        } catch (RbdNotFoundException headerGone) {
                            // half-removed already: the removal below finishes it
                        }
                        it.pool().trashRemove(it.trashId(), true);
                    }
                } else if (it.pool().exists(it.image())) {
                    for (SnapInfo s : it.pool().snaps(it.image())) {
                        if (s.isProtected()) {
                            it.pool().snapUnprotect(it.image(), s.name());
                        }
                        it.pool().snapRemove(it.image(), s.name());
                    }
                    it.pool().remove(it.image());
                }
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
