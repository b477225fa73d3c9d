package io.jenkins.plugins.rbdcloud.engine.cli;

import io.jenkins.plugins.rbdcloud.engine.util.Bytes;
import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar on a terminal ({@code \r}-redrawn), or a line every 10 % when the
 * output is not a terminal, so CI logs stay readable.
 */
public final class ProgressBar {

    private final PrintStream out;
    private final String label;
    private final boolean tty;
    private int lastDecile = -1;
    private long lastDraw;

    public ProgressBar(PrintStream out, String label) {
        this.out = out;
        this.label = label;
        this.tty = System.console() != null;
    }

    /** Reports progress; cheap enough to call for every chunk. */
    public synchronized void update(long done, long total) {
        int pct = total <= 0 ? 100 : (int) Math.min(100, done * 100 / total);
        if (tty) {
            long now = System.nanoTime();
            if (pct < 100 && now - lastDraw < 100_000_000L) {
                return;
            }
            lastDraw = now;
            int filled = pct * 30 / 100;
            out.printf(Locale.ROOT, "\r%s [%s%s] %3d%% %s / %s", label, "#".repeat(filled), ".".repeat(30 - filled), pct,
                    Bytes.human(done), Bytes.human(total));
            if (pct == 100) {
                out.println();
            }
        } else if (pct / 10 > lastDecile) {
            lastDecile = pct / 10;
            out.printf(Locale.ROOT, "%s %d%% (%s / %s)%n", label, pct, Bytes.human(done), Bytes.human(total));
        }
    }
}
