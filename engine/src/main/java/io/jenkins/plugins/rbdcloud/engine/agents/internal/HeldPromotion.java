package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import io.jenkins.plugins.rbdcloud.engine.Ownership;
import io.jenkins.plugins.rbdcloud.engine.agents.CloudStatus;
import io.jenkins.plugins.rbdcloud.engine.agents.CompletionReport;
import io.jenkins.plugins.rbdcloud.engine.agents.CompletionReport.PromotionPath;
import io.jenkins.plugins.rbdcloud.engine.agents.TerminationReport;
import io.jenkins.plugins.rbdcloud.engine.agents.TerminationReport.DiskFate;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import io.jenkins.plugins.rbdcloud.engine.images.CandidateTest;
import io.jenkins.plugins.rbdcloud.engine.images.CandidateUnsettledException;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenVersion;
import io.jenkins.plugins.rbdcloud.engine.images.Promotion;
import io.jenkins.plugins.rbdcloud.engine.images.PromotionRecord;
import io.jenkins.plugins.rbdcloud.engine.images.VersionState;
import io.jenkins.plugins.rbdcloud.engine.metrics.Metric;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A held disk's promotion once the policy allowed it: the held snapshot becomes a candidate
 * version, its test boot ({@link CandidateBoot}) decides whether it becomes current, and the disk
 * is removed (after the background flatten when the version still reads it).
 */
final class HeldPromotion {

    private static final Logger LOG = Logger.getLogger(HeldPromotion.class.getName());

    private final EngineContext ctx;
    private final Teardown teardown;
    /** Set once the engine has its provisioner (made after the endings). */
    private volatile CandidateBoot candidateBoot;

    HeldPromotion(EngineContext ctx, Teardown teardown) {
        this.ctx = ctx;
        this.teardown = teardown;
    }

    void testBootWith(CandidateBoot boot) {
        this.candidateBoot = boot;
    }

    /**
     * The held snapshot becomes a candidate version (native; the copy path when that fails) whose test
     * boot, under the catalog lock, decides: healthy, it is current (the disk goes after the background
     * flatten); otherwise it stays {@code rejected} with the reason and {@code current} never moved.
     */
    CompletionReport promote(String agent, Ownership owner, OptionalLong trimmed, PromotionRecord record) {
        Instant t0 = ctx.now();
        RbdPool pool = ctx.agentsPool();
        String golden = owner.golden().substring(0, owner.golden().indexOf('@'));
        long written = record.writtenBytes().orElseThrow();
        TemplateSettings template = ctx.settings().template(owner.template()).orElseThrow();
        CandidateTest test = candidate -> candidateBoot().check(template, candidate);
        Promotion p;
        PromotionPath path = PromotionPath.NATIVE;
        try {
            p = ctx.catalog().promoteTested(golden, pool, agent, HeldDisks.SNAPSHOT, record, test);
        } catch (CandidateUnsettledException e) {
            return failed(agent, owner, written, trimmed, t0, "failed", e);
        } catch (RuntimeException nativeFailure) {
            LOG.log(Level.INFO, "native promotion of " + agent + " failed, trying the copy path", nativeFailure);
            try {
                GoldenVersion v = ctx.catalog().promoteTestedByCopy(golden, pool, agent, HeldDisks.SNAPSHOT, record, test);
                p = new Promotion(v, CompletableFuture.completedFuture(v));
                path = PromotionPath.COPY;
            } catch (RuntimeException copyFailure) {
                copyFailure.addSuppressed(nativeFailure);
                IllegalStateException e = new IllegalStateException("native promotion failed ("
                        + ProvisionJob.describe(nativeFailure) + ") and so did the copy path ("
                        + ProvisionJob.describe(copyFailure) + ")", copyFailure);
                return failed(agent, owner, written, trimmed, t0, "failed", e);
            }
        }
        released(agent);
        GoldenVersion v = p.version();
        if (v.state() == VersionState.REJECTED) {
            return failed(agent, owner, written, trimmed, t0, "rejected", new IllegalStateException("candidate " + v.label()
                    + " failed its test boot and is kept as rejected: " + v.rejectedWhy().orElse("unknown")));
        }
        p.flattened().whenComplete((f, e) -> {
            if (e != null) {
                LOG.log(Level.WARNING, "background flatten of " + v.label() + " failed; maintenance retries it", e);
            }
        });
        OptionalLong used = p.flattened().isDone() && !p.flattened().isCompletedExceptionally()
                ? OptionalLong.of(p.flattened().join().usedBytes()) : OptionalLong.empty();
        ctx.goldens().seen(golden, v.label(), ctx.now());
        ctx.metrics().increment(Metric.PROMOTIONS, owner.template(), "accepted");
        return promoted(agent, v, path, written, trimmed, used, path == PromotionPath.COPY ? removed(agent, t0)
                : afterFlatten(agent, t0, p.flattened()));
    }

    private CandidateBoot candidateBoot() {
        CandidateBoot b = candidateBoot;
        if (b == null) {
            throw new IllegalStateException("no test boot for candidate versions: the engine is not complete");
        }
        return b;
    }

    /** Not promoted after all: recorded for the status page, told to the listener, the disk deleted (or trashed while pinned). */
    private CompletionReport failed(String agent, Ownership owner, long written, OptionalLong trimmed, Instant t0,
                                    String outcome, RuntimeException e) {
        ctx.recordFailure(agent, owner.template(), CloudStatus.Kind.PROMOTION, "promote", ProvisionJob.describe(e));
        ctx.metrics().increment(Metric.PROMOTIONS, owner.template(), outcome);
        ctx.tell(l -> l.promotionFailed(agent, e));
        return new CompletionReport(agent, Optional.empty(), PromotionPath.NONE, Optional.of(ProvisionJob.describe(e)),
                written, trimmed, OptionalLong.empty(), removed(agent, t0), Optional.empty());
    }

    /** Promoted: no longer held, so an expiring hold cannot drop it; reconciliation treats it as any disk. */
    private void released(String agent) {
        try {
            ctx.agentsPool().metaRemove(agent, HeldDisks.HELD_UNTIL);
        } catch (RuntimeException e) {
            // Still tagged held: dropping it later only trashes it while the version depends on it.
            LOG.log(Level.WARNING, "could not untag the promoted disk " + agent, e);
        }
    }

    private CompletionReport promoted(String agent, GoldenVersion v, PromotionPath path, long written, OptionalLong trimmed,
                                      OptionalLong used, TerminationReport termination) {
        ctx.tell(l -> l.promoted(agent, v.label()));
        return new CompletionReport(agent, Optional.of(v.label()), path, Optional.empty(), written, trimmed, used, termination,
                Optional.empty());
    }

    /** Removes the disk once the version promoted from it no longer reads it (at once when it never did). */
    private TerminationReport afterFlatten(String agent, Instant t0, CompletableFuture<?> flattened) {
        if (flattened.isDone() && !flattened.isCompletedExceptionally()) {
            return removed(agent, t0);
        }
        flattened.whenCompleteAsync((v, e) -> {
            if (e != null) {
                failed(agent, "wait for the flatten", e);
                return;
            }
            try {
                teardown.removeDisk(agent);
            } catch (RuntimeException removal) {
                failed(agent, "remove disk", removal); // leaves an unknown, tagged disk: reconciliation removes it
            }
        }, ctx.executor());
        TerminationReport r = new TerminationReport(agent, false, DiskFate.AFTER_FLATTEN, 0, Duration.between(t0, ctx.now()));
        ctx.tell(l -> l.terminated(r));
        return r;
    }

    /** For the status page; what is left behind is reconciliation's. */
    private void failed(String agent, String step, Throwable e) {
        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        ctx.recordFailure(agent, "", CloudStatus.Kind.ENDING, step, ProvisionJob.describe(cause));
    }

    TerminationReport removed(String agent, Instant t0) {
        Teardown.DiskRemoval d = teardown.removeDisk(agent);
        TerminationReport r = new TerminationReport(agent, false, d.fate(), d.freedBytes(), Duration.between(t0, ctx.now()));
        ctx.tell(l -> l.terminated(r));
        return r;
    }
}
