package io.jenkins.plugins.rbdcloud;

import hudson.model.Run;
import io.jenkins.plugins.rbdcloud.engine.agents.AgentFigures;
import io.jenkins.plugins.rbdcloud.engine.agents.AgentLifecycleListener;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Puts an ended agent's disk figures on the build that ran on it ({@link DiskFiguresAction}). The
 * agent's node is gone by the time the engine tells its figures, so the build is remembered when the
 * agent is handed to the engine ({@link #expect}); an agent no build ran on gets no figures.
 * Runs on the engine's event thread: quick, never throws.
 */
final class BuildFigures implements AgentLifecycleListener {

    private static final Logger LOG = Logger.getLogger(BuildFigures.class.getName());
    /** Agents being ended at once, far more than any cloud's; the oldest is forgotten beyond it. */
    static final int MAX_EXPECTED = 1000;

    /** "cloud/agent" → the build that ran on it, until the figures arrive. Guarded by itself. */
    private static final Map<String, Run<?, ?>> EXPECTED = new LinkedHashMap<>(16, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Run<?, ?>> eldest) {
            return size() > MAX_EXPECTED;
        }
    };

    private final String cloudName;

    BuildFigures(String cloudName) {
        this.cloudName = cloudName;
    }

    /** {@code run} ran on {@code agent} of {@code cloudName}, which is being ended now. */
    static void expect(String cloudName, String agent, Run<?, ?> run) {
        synchronized (EXPECTED) {
            EXPECTED.put(cloudName + "/" + agent, run);
        }
    }

    @Override
    public void ended(AgentFigures figures) {
        Run<?, ?> run;
        synchronized (EXPECTED) {
            run = EXPECTED.remove(cloudName + "/" + figures.agent());
        }
        if (run == null) {
            return; // a warm or test-boot agent, or one no build ran on
        }
        try {
            DiskFiguresAction.addTo(run, figures);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "rbd-cloud " + cloudName + ": could not put the figures of " + figures.agent() + " on "
                    + run.getFullDisplayName(), e);
        }
    }
}
