package io.jenkins.plugins.rbdcloud.engine.cli;

import io.jenkins.plugins.rbdcloud.engine.util.Progress;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Objects;

/**
 * A one-line progress bar on a terminal ({@code \r}-redrawn), or a line every 10 % when the
 * output is not a terminal, so CI logs stay readable. Each phase (convert, write, one version
 * sent) starts its own bar and shows its own unit.
 */
public final class ProgressBar {

    private final PrintStream out;
    private final String label;
    private final boolean tty;
    private String phase;
    private int lastDecile = -1;
    private long lastDraw;
    private boolean lineOpen;

    public ProgressBar(PrintStream out, String label) {
        this(out, label, System.console() != null);
    }

    ProgressBar(PrintStream out, String label, boolean tty) {
        this.out = out;
        this.label = label;
        this.tty = tty;
    }

    /** Reports progress; cheap enough to call for every chunk. */
    public synchronized void update(Progress p) {
        boolean newPhase = !Objects.equals(p.phase(), phase);
        if (newPhase) {
            endLine();
            phase = p.phase();
            lastDecile = -1;
        }
        int pct = p.percent();
        String head = p.phase().isEmpty() ? label : label.isEmpty() ? p.phase() : label + " " + p.phase();
        if (tty) {
            long now = System.nanoTime();
            if (!newPhase && pct < 100 && now - lastDraw < 100_000_000L) {
                return;
            }
            lastDraw = now;
            int filled = pct * 30 / 100;
            out.printf(Locale.ROOT, "\r%s [%s%s] %4s", head, "#".repeat(filled), ".".repeat(30 - filled), p.amount());
            lineOpen = true;
            if (pct == 100) {
                endLine();
            }
        } else if (pct / 10 > lastDecile) {
            lastDecile = pct / 10;
            out.printf(Locale.ROOT, "%s %s%n", head, p.amount());
        }
    }

    private void endLine() {
        if (lineOpen) {
            out.println();
            lineOpen = false;
        }
    }
}
