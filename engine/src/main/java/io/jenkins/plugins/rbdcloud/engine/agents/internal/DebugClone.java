package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import io.jenkins.plugins.rbdcloud.engine.Ownership;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdException;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdExistsException;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
import io.jenkins.plugins.rbdcloud.engine.ceph.SnapInfo;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A debug agent's disk: a copy-on-write clone of a failure snapshot (never the failure disk itself,
 * which stays as the build left it), tagged with its own ownership, the failure disk it comes from
 * and {@code kept-until}, so reconciliation keeps it (and its domain) until then and removes it after.
 */
final class DebugClone {

    static final String DEBUG_OF = Ownership.META_PREFIX + "debug-of";

    private DebugClone() {
    }

    /** Clones {@code agent.debugOf()}'s failure snapshot under the agent's name; returns the disk's name. */
    static String make(EngineContext ctx, AgentRecord agent) {
        RbdPool pool = ctx.agentsPool();
        String source = agent.debugOf();
        SnapInfo snap = pool.snaps(source).stream().filter(s -> s.name().equals(FailureTags.SNAPSHOT)).findFirst()
                .orElseThrow(() -> new IllegalStateException(pool.name() + "/" + source + " has no failure snapshot"));
        if (!snap.isProtected()) {
            pool.snapProtect(source, FailureTags.SNAPSHOT); // clone format 1 needs it; the removal unprotects
        }
        try {
            pool.clone(source, FailureTags.SNAPSHOT, pool, agent.name());
        } catch (RbdExistsException taken) {
            agent.unfinishedDisk(null); // someone else's name: nothing of ours to undo
            throw taken;
        } catch (RbdException e) {
            throw ctx.pools().explain(e);
        }
        // librbd copies the parent's metadata into a clone: the failure's tags must not make it a failure disk too.
        for (String key : pool.metaList(agent.name()).keySet()) {
            if (key.startsWith(Ownership.META_PREFIX)) {
                pool.metaRemove(agent.name(), key);
            }
        }
        Ownership owner = new Ownership(ctx.settings().ownerId(), ctx.settings().name(), agent.template().name(), agent.name(),
                golden(ctx, source), ctx.now());
        Map<String, String> tags = new LinkedHashMap<>();
        owner.toMap().forEach((k, v) -> tags.put(Ownership.META_PREFIX + k, v));
        tags.put(DEBUG_OF, source);
        tags.put(FailureTags.KEPT_UNTIL, agent.keptUntil().toString());
        pool.metaSetAll(agent.name(), tags);
        return agent.name();
    }

    /** The golden version the failure disk was cloned from (its tag), for the debug agent's own tags. */
    static String golden(EngineContext ctx, String failureDisk) {
        return Ownership.fromMeta(ctx.agentsPool().metaList(failureDisk)).map(Ownership::golden)
                .orElseThrow(() -> new IllegalStateException(failureDisk + " is not an agent disk of ours"));
    }
}
