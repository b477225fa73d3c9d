package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import io.jenkins.plugins.rbdcloud.engine.agents.CloudStatus;
import io.jenkins.plugins.rbdcloud.engine.agents.CompletionReport.PromotionPath;
import io.jenkins.plugins.rbdcloud.engine.config.Consistency;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenVersion;
import io.jenkins.plugins.rbdcloud.engine.images.Promotion;
import io.jenkins.plugins.rbdcloud.engine.libvirt.ExecResult;
import io.jenkins.plugins.rbdcloud.engine.libvirt.GuestAgent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a successful build's disk into the template's next golden version: guest fstrim (so
 * deleted files do not travel into the version) → fsfreeze per the template's consistency →
 * destroy the domain while frozen (the disk is then consistent and nobody writes it) → native
 * promotion, flattened in the background so the build does not wait → the copy path when the
 * native one fails. A failure anywhere leaves the current version unchanged.
 */
final class DiskPromotion {

    private static final Logger LOG = Logger.getLogger(DiskPromotion.class.getName());
    private static final Pattern TRIMMED = Pattern.compile("(\\d+) bytes trimmed");
    private static final Duration GUEST_CALL = Duration.ofSeconds(60);

    /** What the promotion did; the domain is gone afterwards whatever happened. */
    record Result(Optional<String> label, PromotionPath path, Optional<String> failure, long buildWrittenBytes,
                  OptionalLong trimmedBytes, OptionalLong versionUsedBytes, boolean domainRemoved,
                  CompletableFuture<?> flattened) {}

    private final EngineContext ctx;
    private final Teardown teardown;

    DiskPromotion(EngineContext ctx, Teardown teardown) {
        this.ctx = ctx;
        this.teardown = teardown;
    }

    Result promote(AgentRecord agent) {
        long written = ctx.agentsPool().usedBytes(agent.disk());
        OptionalLong trimmed = OptionalLong.empty();
        boolean domainRemoved;
        try {
            ctx.options().steps().before(agent.name(), "promote");
            GuestAgent guest = agent.handle().agent();
            trimmed = trim(guest);
            freeze(agent, guest);
        } catch (RuntimeException e) {
            domainRemoved = teardown.removeDomain(agent);
            return failed(agent, written, trimmed, domainRemoved, e);
        }
        // Frozen (or crash-consistent by choice): power off without a thaw, so nothing changes after the freeze.
        domainRemoved = teardown.removeDomain(agent);
        String golden = agent.template().image();
        try {
            Promotion p = ctx.catalog().promote(golden, ctx.agentsPool(), agent.disk());
            OptionalLong used = p.flattened().isDone() && !p.flattened().isCompletedExceptionally()
                    ? OptionalLong.of(p.flattened().join().usedBytes()) : OptionalLong.empty();
            p.flattened().whenComplete((v, e) -> {
                if (e != null) {
                    LOG.log(Level.WARNING, "background flatten of " + p.version().label() + " failed; maintenance retries it", e);
                }
            });
            return done(agent, p.version(), PromotionPath.NATIVE, written, trimmed, used, domainRemoved, p.flattened());
        } catch (RuntimeException nativeFailure) {
            LOG.log(Level.INFO, "native promotion of " + agent.name() + " failed, trying the copy path", nativeFailure);
            try {
                GoldenVersion v = ctx.catalog().promoteByCopy(golden, ctx.agentsPool(), agent.disk());
                return done(agent, v, PromotionPath.COPY, written, trimmed, OptionalLong.of(v.usedBytes()), domainRemoved,
                        CompletableFuture.completedFuture(v));
            } catch (RuntimeException copyFailure) {
                copyFailure.addSuppressed(nativeFailure);
                return failed(agent, written, trimmed, domainRemoved, new IllegalStateException(
                        "native promotion failed (" + ProvisionJob.describe(nativeFailure) + ") and so did the copy path ("
                                + ProvisionJob.describe(copyFailure) + ")", copyFailure));
            }
        }
    }

    /** fstrim through guest-exec, for the byte count; libvirt's own trim when busybox is not there. */
    private static OptionalLong trim(GuestAgent guest) {
        try {
            ExecResult r = guest.exec("/bin/busybox", List.of("fstrim", "-v", "/"), GUEST_CALL);
            Matcher m = TRIMMED.matcher(r.stdoutText());
            if (r.exitCode() == 0 && m.find()) {
                return OptionalLong.of(Long.parseLong(m.group(1)));
            }
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "guest-exec fstrim failed, using the guest agent's fstrim", e);
        }
        guest.fsTrim(0);
        return OptionalLong.empty();
    }

    private void freeze(AgentRecord agent, GuestAgent guest) {
        Consistency c = agent.template().consistency();
        if (c == Consistency.CRASH) {
            return;
        }
        try {
            guest.fsFreeze();
        } catch (RuntimeException e) {
            if (c == Consistency.FS_FROZEN) {
                throw new IllegalStateException("consistency fs-frozen: freezing the guest file systems failed: "
                        + e.getMessage(), e);
            }
            LOG.log(Level.INFO, "freezing " + agent.name() + " failed; promoting a crash-consistent disk (consistency preferred)", e);
        }
    }

    private Result done(AgentRecord agent, GoldenVersion v, PromotionPath path, long written, OptionalLong trimmed,
                        OptionalLong used, boolean domainRemoved, CompletableFuture<?> flattened) {
        ctx.goldens().seen(agent.template().image(), v.label(), ctx.now());
        ctx.tell(l -> l.promoted(agent.name(), v.label()));
        return new Result(Optional.of(v.label()), path, Optional.empty(), written, trimmed, used, domainRemoved, flattened);
    }

    private Result failed(AgentRecord agent, long written, OptionalLong trimmed, boolean domainRemoved, Throwable e) {
        ctx.events().failed(new CloudStatus.Failure(ctx.now(), agent.name(), agent.template().name(), CloudStatus.Kind.PROMOTION,
                "promote", ProvisionJob.describe(e)));
        ctx.tell(l -> l.promotionFailed(agent.name(), e));
        return new Result(Optional.empty(), PromotionPath.NONE, Optional.of(ProvisionJob.describe(e)), written, trimmed,
                OptionalLong.empty(), domainRemoved, CompletableFuture.completedFuture(null));
    }
}
