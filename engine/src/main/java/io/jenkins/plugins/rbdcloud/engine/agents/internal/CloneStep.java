package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import io.jenkins.plugins.rbdcloud.engine.agents.PhaseTimings;
import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import io.jenkins.plugins.rbdcloud.engine.images.AgentCloneRequest;
import io.jenkins.plugins.rbdcloud.engine.images.AgentDisk;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenImageException;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenVersion;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdException;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdExistsException;
import java.time.Instant;
import java.util.function.Consumer;

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
        long size = t.diskGib().isPresent() || agent.debugOf() != null ? t.diskGib().orElse(0) * GIB
                : versionSize(t.image(), version);
        // A full pool would make the clone wait until its requests time out: say so at once.
        ctx.pools().requireWritable();
        // Recorded as made only once made and tagged. Until then the name is "unfinished": a clone
        // cut short by a full pool or a dead OSD can leave a disk that is listed but cannot be
        // opened, which the undo removes. When the name was taken (possibly someone else's image)
        // the clone fails with EEXIST and there is nothing of ours to undo.
        agent.unfinishedDisk(agent.name());
        if (agent.debugOf() != null) {
            agent.disk(DebugClone.make(ctx, agent), DebugClone.golden(ctx, agent.debugOf()));
            agent.unfinishedDisk(null);
            return;
        }
        AgentDisk disk;
        try {
            disk = ctx.catalog().cloneForAgent(ctx.agentsPool(), new AgentCloneRequest(t.image(), version,
                    agent.name(), size, ctx.settings().name(), t.name(), agent.name(), agent.testBoot()));
        } catch (RbdExistsException | GoldenImageException refused) {
            agent.unfinishedDisk(null); // the name was taken, or the clone was refused before it began
            throw refused;
        } catch (RbdException e) {
            throw ctx.pools().explain(e);
        }
        agent.disk(disk.spec().image(), disk.ownership().golden());
        agent.unfinishedDisk(null);
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
    public AutoCloseable watch(Consumer<String> fault) {
        return ctx.pools().watch(fault);
    }

    @Override
    public void undo(AgentRecord agent) {
        teardown.removeDisk(agent);
    }
}
