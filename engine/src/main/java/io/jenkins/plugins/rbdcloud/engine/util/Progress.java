package io.jenkins.plugins.rbdcloud.engine.util;

/**
 * How far one phase of a long operation is, counted in the phase's own unit: bytes where data is
 * written or walked, per-mille where a tool reports only a fraction (qemu-img convert), so a
 * fraction is never shown as a byte count.
 *
 * @param phase what is going on, e.g. {@code convert} or {@code debian@v3}; may be empty
 */
public record Progress(String phase, long done, long total, Unit unit) {

    public enum Unit {
        BYTES,
        PERMILLE
    }

    public static Progress bytes(String phase, long done, long total) {
        return new Progress(phase, done, total, Unit.BYTES);
    }

    public static Progress permille(String phase, long permille) {
        return new Progress(phase, permille, 1000, Unit.PERMILLE);
    }

    /** 0 to 100; a phase with nothing to do is done. */
    public int percent() {
        return total <= 0 ? 100 : (int) Math.max(0, Math.min(100, done * 100 / total));
    }

    /** {@code 74%}, and for bytes what it stands for: {@code 74% (740.0 MiB / 1000.0 MiB)}. */
    public String amount() {
        String pct = percent() + "%";
        return unit == Unit.BYTES ? pct + " (" + Bytes.human(done) + " / " + Bytes.human(total) + ")" : pct;
    }
}
