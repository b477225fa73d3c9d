package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import io.jenkins.plugins.rbdcloud.engine.agents.CloudStatus;
import io.jenkins.plugins.rbdcloud.engine.agents.ProvisioningException;
import io.jenkins.plugins.rbdcloud.engine.agents.policy.AutoRollback;
import io.jenkins.plugins.rbdcloud.engine.agents.policy.LaunchBreaker;
import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenImage;
import io.jenkins.plugins.rbdcloud.engine.metrics.Metric;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Hears how each launch ended: feeds the {@link LaunchBreaker}, and when a template that follows
 * its image's current version trips, asks {@link AutoRollback} whether that version goes back
 * and, if so, rolls the catalog back on the engine's executor.
 */
public final class LaunchOutcomes {

    private static final Logger LOG = Logger.getLogger(LaunchOutcomes.class.getName());

    private final EngineContext ctx;
    private final LaunchBreaker breaker;
    private final AutoRollback rollback;

    public LaunchOutcomes(EngineContext ctx) {
        this.ctx = ctx;
        this.breaker = new LaunchBreaker(ctx.options().breaker());
        this.rollback = new AutoRollback(ctx.options().rollbackWindow());
    }

    /** Why {@code template} gets no new agent now, if it backs off. */
    public Optional<CloudStatus.Backoff> backoff(String template) {
        return breaker.backoff(template, ctx.now());
    }

    /** Templates backing off now, by name. */
    public Map<String, CloudStatus.Backoff> backoffs(Instant now) {
        return breaker.backoffs(now);
    }

    void ready(AgentRecord agent) {
        breaker.succeeded(agent.template().name());
    }

    void failed(AgentRecord agent, ProvisioningException e) {
        TemplateSettings t = agent.template();
        Optional<LaunchBreaker.Trip> trip = breaker.failed(t.name(), e.step(), e.reason(),
                Optional.ofNullable(agent.golden()), ctx.now());
        trip.ifPresent(tr -> {
            LOG.warning(() -> "template " + t.name() + " " + tr.backoff().describe());
            if (t.imageVersion().isEmpty()) {
                tr.golden().ifPresent(label -> ctx.executor().execute(() -> rollBack(label, tr)));
            }
        });
    }

    /** Reads the image fresh, decides, and rolls back; a failure here changes nothing and is logged. */
    private void rollBack(String label, LaunchBreaker.Trip trip) {
        int at = label.lastIndexOf("@v");
        if (at <= 0) {
            return;
        }
        String golden = label.substring(0, at);
        try {
            int version = Integer.parseInt(label.substring(at + 2));
            GoldenImage image = ctx.catalog().show(golden);
            AutoRollback.Decision d = rollback.decide(image, version, trip.backoff().step(), trip.backoff().lastReason(),
                    ctx.now());
            if (!(d instanceof AutoRollback.RollBack r)) {
                LOG.info(() -> "not rolling back " + label + ": " + d.reason());
                return;
            }
            ctx.catalog().rollback(golden, r.to());
            Instant now = ctx.now();
            ctx.goldens().seen(golden, golden + "@v" + r.to(), now);
            ctx.events().rolledBack(new CloudStatus.Rollback(now, golden, r.from(), r.to(), r.reason()));
            ctx.metrics().increment(Metric.ROLLBACKS, golden);
            LOG.warning(() -> "rolled golden image " + golden + " back from v" + r.from() + " to v" + r.to() + ": " + r.reason());
            ctx.tell(l -> l.rolledBack(golden, r.from(), r.to(), r.reason()));
            // The version they failed with is gone: templates following this image may launch again at once.
            ctx.settings().templates().stream().filter(x -> x.image().equals(golden) && x.imageVersion().isEmpty())
                    .forEach(x -> breaker.reset(x.name()));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "automatic rollback of " + label + " failed", e);
        }
    }
}
