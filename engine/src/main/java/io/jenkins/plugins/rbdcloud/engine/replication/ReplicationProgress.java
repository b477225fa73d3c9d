package io.jenkins.plugins.rbdcloud.engine.replication;

/** Told while a version is scanned and sent; called often, keep it cheap. */
@FunctionalInterface
public interface ReplicationProgress {

    ReplicationProgress NONE = (label, scanned, total, sent) -> {};

    /**
     * @param label   {@code <name>@v<N>}
     * @param scanned bytes of the version's allocated extents walked so far
     * @param total   bytes to walk for this version
     * @param sent    stream bytes written for this version so far
     */
    void progress(String label, long scanned, long total, long sent);
}
