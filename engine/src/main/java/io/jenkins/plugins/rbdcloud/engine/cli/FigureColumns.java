package io.jenkins.plugins.rbdcloud.engine.cli;

import io.jenkins.plugins.rbdcloud.engine.agents.AgentFigures;
import java.time.Duration;
import java.util.Map;

/** An ended agent's {@link AgentFigures} as the columns of {@code agents down}, and ages for {@code agents ls}. */
final class FigureColumns {

    private FigureColumns() {
    }

    /** Bytes written, and each time in ms (an unmeasured one, e.g. an adopted agent's clone, is left out). */
    static void put(Map<String, Object> row, AgentFigures f) {
        f.bytesWritten().ifPresent(b -> row.put("writtenBytes", b));
        millis(row, "cloneMillis", f.cloneTook());
        millis(row, "startMillis", f.startTook());
        millis(row, "readyMillis", f.readyTook());
        millis(row, "buildMillis", f.buildTook());
        millis(row, "diffMillis", f.diffTook());
    }

    private static void millis(Map<String, Object> row, String column, Duration d) {
        if (!d.isZero()) {
            row.put(column, d.toMillis());
        }
    }

    /** "45s", "12m05s", "3h20m", "2d04h": two units are enough to tell an old agent from a new one. */
    static String age(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format("%dm%02ds", s / 60, s % 60);
        }
        if (s < 86_400) {
            return String.format("%dh%02dm", s / 3600, s % 3600 / 60);
        }
        return String.format("%dd%02dh", s / 86_400, s % 86_400 / 3600);
    }
}
