package io.jenkins.plugins.rbdcloud.engine.images;

/** Progress of an import, for a progress bar. Called on the importing thread; keep it quick. */
@FunctionalInterface
public interface ImportProgress {

    ImportProgress NONE = (phase, done, total) -> {};

    enum Phase {
        /** qemu-img converts a non-raw file to raw (done/total in per-mille). */
        CONVERT,
        /** Raw data is written to RBD (done/total in bytes of the virtual size). */
        WRITE
    }

    void progress(Phase phase, long done, long total);
}
