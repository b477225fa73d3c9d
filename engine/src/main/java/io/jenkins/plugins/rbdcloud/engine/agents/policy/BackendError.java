package io.jenkins.plugins.rbdcloud.engine.agents.policy;

/**
 * Implemented by the exceptions of the Ceph and libvirt layers, so {@link RetryPolicy} can tell
 * a busy image from a missing one without knowing their classes.
 */
public interface BackendError {

    /** The positive errno of the failed call (librbd and librados return {@code -errno}); 0 when there is none. */
    int errno();

    /** True when the call failed because the image still has watchers (a QEMU or librbd client has it open). */
    default boolean hasWatchers() {
        return false;
    }
}
