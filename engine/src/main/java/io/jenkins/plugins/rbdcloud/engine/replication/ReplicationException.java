package io.jenkins.plugins.rbdcloud.engine.replication;

/**
 * Replication, backup or restore refused or failed for a reason of its own: a name clash on the
 * target, versions whose content differs, an invalid or corrupt stream. Storage failures stay
 * {@link io.jenkins.plugins.rbdcloud.engine.ceph.RbdException}s.
 */
public class ReplicationException extends RuntimeException {

    public ReplicationException(String message) {
        super(message);
    }

    public ReplicationException(String message, Throwable cause) {
        super(message, cause);
    }
}
