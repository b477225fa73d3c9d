package io.jenkins.plugins.rbdcloud.engine.images;

import io.jenkins.plugins.rbdcloud.engine.util.Progress;
import java.util.function.Consumer;

/** Progress of an import, for a progress bar. Called on the importing thread; keep it quick. */
@FunctionalInterface
public interface ImportProgress {

    ImportProgress NONE = (phase, done, total) -> {};

    enum Phase {
        /** qemu-img converts a non-raw file to raw (done/total in per-mille). */
        CONVERT("convert", Progress.Unit.PERMILLE),
        /** Raw data is written to RBD (done/total in bytes of the virtual size). */
        WRITE("write", Progress.Unit.BYTES);

        private final String label;
        private final Progress.Unit unit;

        Phase(String label, Progress.Unit unit) {
            this.label = label;
            this.unit = unit;
        }

        /** What {@code done} and {@code total} count in this phase. */
        public Progress.Unit unit() {
            return unit;
        }

        public Progress of(long done, long total) {
            return new Progress(label, done, total, unit);
        }
    }

    void progress(Phase phase, long done, long total);

    /** Hands each report on as a {@link Progress} in its phase's unit. */
    static ImportProgress reportingTo(Consumer<Progress> sink) {
        return (phase, done, total) -> sink.accept(phase.of(done, total));
    }
}
