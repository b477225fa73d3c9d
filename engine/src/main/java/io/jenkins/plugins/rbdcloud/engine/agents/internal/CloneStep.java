package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import io.jenkins.plugins.rbdcloud.engine.agents.PhaseTimings;
import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import io.jenkins.plugins.rbdcloud.engine.images.AgentCloneRequest;
import io.jenkins.plugins.rbdcloud.engine.images.AgentDisk;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenVersion;
import java.time.Instant;

/** Clones the template's golden version into the agents pool as the agent's disk, tagged with its owner. */
final class CloneStep implements ProvisionStep {

    private static final long GIB = 1L << 30;

    private final EngineContext ctx;
    private final Teardown teardown;

    CloneStep(EngineContext ctx, Teardown teardown) {
        this.ctx = ctx;
        this.teardown = teardown;
    }

    @Override
    public String name() {
        return "clone";
    }

    @Override
    public PhaseTimings.Phase phase() {
        return PhaseTimings.Phase.CLONE;
    }

    @Override
    public void run(AgentRecord agent, Instant deadline) {
        TemplateSettings t = agent.template();
        int version = pinnedVersion(t);
        long size = t.diskGib().isPresent() ? t.diskGib().getAsInt() * GIB : versionSize(t.image(), version);
        // Recorded only once made and tagged: when the name was taken (possibly someone else's
        // image) the clone fails and there is nothing of ours to undo; a half-made clone is
        // removed by the cloner itself.
        AgentDisk disk = ctx.catalog().cloneForAgent(ctx.agentsPool(), new AgentCloneRequest(t.image(), version,
                agent.name(), size, ctx.settings().name(), t.name(), agent.name(), agent.testBoot()));
        agent.disk(disk.spec().image(), disk.ownership().golden());
        if (version == 0 && !agent.testBoot()) {
            ctx.goldens().seen(t.image(), disk.ownership().golden(), ctx.now());
        }
    }

    private long versionSize(String golden, int version) {
        var image = ctx.catalog().show(golden);
        GoldenVersion v = (version > 0 ? image.version(version) : image.current()).orElseThrow(
                () -> new IllegalStateException("golden image " + golden + " has no " + (version > 0 ? "version v" + version
                        : "current version") + ": import one first"));
        return v.sizeBytes();
    }

    /** The template's pinned version ({@code v3} or {@code 3}), or 0 for the current one. */
    static int pinnedVersion(TemplateSettings t) {
        return t.imageVersion().map(v -> Integer.parseInt(v.startsWith("v") ? v.substring(1) : v)).orElse(0);
    }

    @Override
    public void undo(AgentRecord agent) {
        teardown.removeDisk(agent);
    }
}
