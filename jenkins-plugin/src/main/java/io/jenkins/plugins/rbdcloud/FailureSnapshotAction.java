package io.jenkins.plugins.rbdcloud;

import hudson.model.Action;
import hudson.model.Run;
import io.jenkins.plugins.rbdcloud.engine.agents.FailureSnapshot;
import io.jenkins.plugins.rbdcloud.engine.agents.RbdCloudEngine;
import io.jenkins.plugins.rbdcloud.engine.images.Provenance;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * On a failed build's page: the failure snapshot its agent's disk was kept as, and the command that
 * boots a debug agent from it. No link in the side panel: the summary is enough.
 */
public final class FailureSnapshotAction implements Action {

    private static final Logger LOG = Logger.getLogger(FailureSnapshotAction.class.getName());

    private final String agent;
    private final String snapshot;
    private final String debugCommand;
    private final long expiresAtMillis;

    FailureSnapshotAction(String agent, String snapshot, String debugCommand, Instant expiresAt) {
        this.agent = agent;
        this.snapshot = snapshot;
        this.debugCommand = debugCommand;
        this.expiresAtMillis = expiresAt.toEpochMilli();
    }

    public String getAgent() { return agent; }
    public String getSnapshot() { return snapshot; }
    public String getDebugCommand() { return debugCommand; }
    public java.util.Date getExpiresAt() { return new java.util.Date(expiresAtMillis); }

    /** The CLI command for a snapshot: by build when the build is known, else by snapshot name. */
    static String debugCommand(FailureSnapshot f) {
        return "rbd-cloud agents debug " + f.build().map(b -> b.job() + "#" + b.build()).orElse(f.snapshot());
    }

    /**
     * Asks the engine to keep the held disk of {@code agent} (the template decides: kept or
     * dropped); a kept one is shown on {@code run}'s page.
     */
    static CompletableFuture<String> keepOrDrop(RbdCloudEngine engine, Run<?, ?> run, String agent, Provenance build) {
        String reason = "build " + run.getResult();
        return engine.failHeld(agent, Optional.of(build), reason, Instant.now()).thenApply(kept -> {
            if (kept.isEmpty()) {
                return "dropped the disk of " + agent;
            }
            FailureSnapshot f = kept.get();
            run.addOrReplaceAction(new FailureSnapshotAction(agent, f.snapshot(), debugCommand(f),
                    f.expiresAt().orElse(f.failedAt())));
            try {
                run.save();
            } catch (IOException e) {
                LOG.log(Level.WARNING, "saving " + run.getFullDisplayName() + " with its failure snapshot", e);
            }
            return "kept the disk of " + agent + " as failure snapshot " + f.snapshot() + " until " + f.expiresAt().orElse(null)
                    + "; boot a debug agent from it with: " + debugCommand(f);
        });
    }

    @Override
    public String getIconFileName() {
        return null;
    }

    @Override
    public String getDisplayName() {
        return "rbd-cloud failure snapshot";
    }

    @Override
    public String getUrlName() {
        return null;
    }
}
