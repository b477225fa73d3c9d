package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import io.jenkins.plugins.rbdcloud.engine.agents.Launch;
import io.jenkins.plugins.rbdcloud.engine.agents.policy.ReadyAgent;
import io.jenkins.plugins.rbdcloud.engine.agents.policy.WarmPool;
import io.jenkins.plugins.rbdcloud.engine.config.Retention;
import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenVersion;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The warm pools of all templates and the periodic work around them: recycle pool members cloned
 * from an old golden version or ready for too long, start agents to refill, and fstrim long-lived
 * (idle-retention) agents, whose trimmed blocks are worth freeing. The blocking part runs in the
 * background; {@link #tick} only starts it and says when to call again.
 */
public final class WarmPools {

    private static final Logger LOG = Logger.getLogger(WarmPools.class.getName());

    private final EngineContext ctx;
    private final Provisioner provisioner;
    private final AgentEnding ending;
    private final Map<String, WarmPool> pools = new LinkedHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private final Object topUpLock = new Object();
    private volatile Instant nextDue = Instant.MIN;

    public WarmPools(EngineContext ctx, Provisioner provisioner, AgentEnding ending) {
        this.ctx = ctx;
        this.provisioner = provisioner;
        this.ending = ending;
        for (TemplateSettings t : ctx.settings().templates()) {
            pools.put(t.name(), new WarmPool(t.name(), t.warmPool(), t.warmPoolMaxAge()));
        }
    }

    /** A warm agent of {@code t}, handed out in O(1), as an already-completed launch. */
    public Optional<Launch> take(TemplateSettings t) {
        WarmPool pool = pools.get(t.name());
        while (true) {
            Optional<ReadyAgent> r = pool.take();
            if (r.isEmpty()) {
                return Optional.empty();
            }
            AgentRecord a = ctx.agents().get(r.get().name());
            if (a != null && a.transition(AgentRecord.State.WARM, AgentRecord.State.READY)) {
                return Optional.of(new Launch(a.name(), t, t.executors(), CompletableFuture.completedFuture(a.toAgent())));
            }
        }
    }

    public int readyCount(String template) {
        return pools.get(template).readyCount();
    }

    public void remove(AgentRecord a) {
        pools.get(a.template().name()).remove(a.name());
    }

    /** Starts the periodic work unless it is still running; returns when it is due again. */
    public Instant tick(Instant now) {
        if (running.compareAndSet(false, true)) {
            ctx.executor().execute(() -> {
                try {
                    nextDue = work(now);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "warm pool upkeep failed; trying again next tick", e);
                    nextDue = now.plusSeconds(30);
                } finally {
                    running.set(false);
                }
            });
        }
        Instant due = nextDue;
        return due.isAfter(now) ? due : now.plusSeconds(10);
    }

    private Instant work(Instant now) {
        Instant due = now.plus(ctx.options().reconcileInterval());
        for (TemplateSettings t : ctx.settings().templates()) {
            if (t.warmPool() == 0) {
                continue;
            }
            WarmPool pool = pools.get(t.name());
            WarmPool.Eviction ev = pool.evictExpired(now, currentLabel(t));
            List<CompletableFuture<?>> deletes = new ArrayList<>();
            for (ReadyAgent old : ev.recycle()) {
                AgentRecord a = ctx.agents().get(old.name());
                if (a != null && a.transition(AgentRecord.State.WARM, AgentRecord.State.ENDING)) {
                    deletes.add(CompletableFuture.runAsync(() -> ending.terminate(a), ctx.executor()));
                }
            }
            if (ev.nextDue().isBefore(due)) {
                due = ev.nextDue();
            }
            topUp(t, pool);
            if (!deletes.isEmpty()) {
                // Recycled agents hold their capacity until deleted: under a full cap the replacement fits only then.
                CompletableFuture.allOf(deletes.toArray(CompletableFuture[]::new)).whenCompleteAsync((v, e) -> {
                    if (e != null) {
                        LOG.log(Level.WARNING, "deleting a recycled warm agent of " + t.name() + " failed", e);
                    }
                    topUp(t, pool);
                }, ctx.executor());
            }
        }
        trimLongLived(now);
        return due;
    }

    /** Starts the agents the pool lacks, counting those on their way; one caller at a time, so it never overfills. */
    private void topUp(TemplateSettings t, WarmPool pool) {
        synchronized (topUpLock) {
            int missing = pool.shortfall(provisioner.inFlightCount(t.name()));
            for (ProvisionJob job : provisioner.launch(t, missing)) {
                job.future().thenAccept(agent -> {
                    if (job.agent().transition(AgentRecord.State.READY, AgentRecord.State.WARM)) {
                        pool.offer(new ReadyAgent(agent.name(), agent.golden(), agent.readyAt()));
                    }
                });
            }
        }
    }

    /** The label new clones of {@code t} get, e.g. {@code debian@v4}. */
    private String currentLabel(TemplateSettings t) {
        int pinned = CloneStep.pinnedVersion(t);
        if (pinned > 0) {
            return t.image() + "@v" + pinned;
        }
        String label = ctx.catalog().show(t.image()).current().map(GoldenVersion::label).orElse("");
        if (!label.isEmpty()) {
            ctx.goldens().seen(t.image(), label, ctx.now());
        }
        return label;
    }

    private void trimLongLived(Instant now) {
        for (AgentRecord a : ctx.agents().values()) {
            if (a.template().retention() instanceof Retention.Idle && a.state() == AgentRecord.State.READY
                    && a.lastTrim() != null && !now.isBefore(a.lastTrim().plus(ctx.options().trimInterval()))) {
                a.trimmed(now);
                ctx.executor().execute(() -> {
                    try {
                        a.handle().agent().fsTrim(0);
                    } catch (RuntimeException e) {
                        LOG.log(Level.FINE, "fstrim of " + a.name() + " failed; next interval", e);
                    }
                });
            }
        }
    }
}
