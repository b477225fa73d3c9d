package io.jenkins.plugins.rbdcloud.engine.replication;

import io.jenkins.plugins.rbdcloud.engine.util.Progress;
import java.util.function.Consumer;

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

    /** Hands each report on as a {@link Progress}: one phase per version, in bytes walked. */
    static ReplicationProgress reportingTo(Consumer<Progress> sink) {
        return (label, scanned, total, sent) -> sink.accept(Progress.bytes(label, scanned, total));
    }
}
