package io.jenkins.plugins.rbdcloud;

import hudson.model.Action;
import hudson.model.Run;
import io.jenkins.plugins.rbdcloud.engine.agents.AgentFigures;
import io.jenkins.plugins.rbdcloud.engine.util.Bytes;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The disk figures of the rbd-cloud agents a build ran on, shown as a small table on the build page
 * ({@code summary.jelly}): agent, golden version, bytes written, bytes freed, and how long clone,
 * start, ready, build and teardown took. Saved with the build.
 */
public final class DiskFiguresAction implements Action {

    /** One agent's figures, in plain fields so the build's XML stays readable. A byte figure below 0 is unknown. */
    public static final class Row {
        private final String agent;
        private final String golden;
        private final long writtenBytes;
        private final long freedBytes;
        private final long cloneMillis;
        private final long startMillis;
        private final long readyMillis;
        private final long buildMillis;
        private final long teardownMillis;

        Row(AgentFigures f) {
            agent = f.agent();
            golden = f.golden();
            writtenBytes = f.bytesWritten().orElse(-1);
            freedBytes = f.bytesFreed().orElse(-1);
            cloneMillis = f.cloneTook().toMillis();
            startMillis = f.startTook().toMillis();
            readyMillis = f.readyTook().toMillis();
            buildMillis = f.buildTook().toMillis();
            teardownMillis = f.teardownTook().toMillis();
        }

        public String getAgent() { return agent; }
        public String getGolden() { return golden.isEmpty() ? "unknown" : golden; }
        public String getWritten() { return writtenBytes < 0 ? "unknown" : Bytes.human(writtenBytes); }
        /** Unknown when the disk was held for promotion or trashed: freed later. */
        public String getFreed() { return freedBytes < 0 ? "later (held or trashed)" : Bytes.human(freedBytes); }
        public String getClone() { return seconds(cloneMillis); }
        public String getStart() { return seconds(startMillis); }
        public String getReady() { return seconds(readyMillis); }
        public String getBuild() { return seconds(buildMillis); }
        public String getTeardown() { return seconds(teardownMillis); }

        private static String seconds(long millis) {
            return millis == 0 ? "-" : String.format(Locale.ROOT, "%.2f s", Duration.ofMillis(millis).toMillis() / 1000.0);
        }
    }

    private final List<Row> rows = new ArrayList<>();

    /** Adds {@code figures} to the build's action (made if it has none) and saves the build. */
    static void addTo(Run<?, ?> run, AgentFigures figures) throws IOException {
        synchronized (run) {
            DiskFiguresAction a = run.getAction(DiskFiguresAction.class);
            if (a == null) {
                a = new DiskFiguresAction();
                run.addAction(a);
            }
            a.add(new Row(figures));
        }
        run.save();
    }

    private synchronized void add(Row row) {
        rows.add(row);
    }

    public synchronized List<Row> getRows() {
        return List.copyOf(rows);
    }

    /** No link in the side panel: the table is on the build page itself. */
    @Override
    public String getIconFileName() {
        return null;
    }

    @Override
    public String getDisplayName() {
        return "rbd-cloud disk figures";
    }

    @Override
    public String getUrlName() {
        return null;
    }
}
