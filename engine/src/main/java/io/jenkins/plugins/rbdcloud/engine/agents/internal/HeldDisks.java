package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import io.jenkins.plugins.rbdcloud.engine.Ownership;
import io.jenkins.plugins.rbdcloud.engine.agents.CompletionReport.PromotionPath;
import io.jenkins.plugins.rbdcloud.engine.agents.CompletionReport;
import io.jenkins.plugins.rbdcloud.engine.agents.FailureSnapshot;
import io.jenkins.plugins.rbdcloud.engine.agents.HeldDisk;
import io.jenkins.plugins.rbdcloud.engine.agents.HoldReport;
import io.jenkins.plugins.rbdcloud.engine.agents.TerminationReport.DiskFate;
import io.jenkins.plugins.rbdcloud.engine.agents.TerminationReport;
import io.jenkins.plugins.rbdcloud.engine.agents.policy.AgentNames;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdNames;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdNotFoundException;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
import io.jenkins.plugins.rbdcloud.engine.config.FailurePolicy;
import io.jenkins.plugins.rbdcloud.engine.config.OnFailure;
import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenNames;
import io.jenkins.plugins.rbdcloud.engine.images.PromotionRecord;
import io.jenkins.plugins.rbdcloud.engine.images.Provenance;
import io.jenkins.plugins.rbdcloud.engine.metrics.Metric;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Held agent disks: an ended agent's disk kept with a snapshot taken while its guest was frozen,
 * until the build's result says promote or drop. Everything is in the disk's metadata (tags
 * {@code held-at}, {@code held-until}, {@code held-written}, {@code held-trimmed} beside the ownership tags) and its
 * snapshot {@value #SNAPSHOT}, so another engine of the same controller and cloud (after a
 * restart) promotes or drops it just the same. Promote and drop can be repeated.
 */
public final class HeldDisks {

    private static final Logger LOG = Logger.getLogger(HeldDisks.class.getName());

    /** The snapshot a held disk keeps: the state it is promoted from. */
    public static final String SNAPSHOT = "rbd-cloud.held";
    static final String HELD_AT = Ownership.META_PREFIX + "held-at";
    static final String HELD_UNTIL = Ownership.META_PREFIX + "held-until";
    static final String TRIMMED = Ownership.META_PREFIX + "held-trimmed";
    /** Measured before the trim: on a clone, fstrim adds placeholder objects that count as used. */
    static final String WRITTEN = Ownership.META_PREFIX + "held-written";

    /** One of our disks as its metadata shows it. */
    private record Found(String disk, Ownership owner, Map<String, String> meta) {
        Optional<Instant> heldUntil() {
            return HeldDisks.heldUntil(meta);
        }
    }

    private final EngineContext ctx;
    private final Teardown teardown;
    private final PromotionGate gate;
    private final HeldPromotion promotion;
    private final FailureSnapshots failures;
    private final Set<String> settling = ConcurrentHashMap.newKeySet();

    HeldDisks(EngineContext ctx, Teardown teardown) {
        this.ctx = ctx;
        this.teardown = teardown;
        this.gate = new PromotionGate(ctx);
        this.promotion = new HeldPromotion(ctx, teardown);
        this.failures = new FailureSnapshots(ctx, teardown);
    }

    /** Failure snapshots: list, read. */
    public FailureSnapshots failures() {
        return failures;
    }

    /**
     * Quiesces the guest, snapshots its disk while frozen, destroys the domain and tags the disk as
     * held. Never throws for a backend failure: the report says what failed, and the caller deletes
     * what is left (the snapshot goes with the disk).
     */
    HoldReport hold(AgentRecord agent, Instant now) {
        Instant t0 = ctx.now();
        String disk = agent.disk();
        RbdPool pool = ctx.agentsPool();
        Instant until = now.plus(ctx.options().holdLimit());
        long written = 0;
        OptionalLong trimmed = OptionalLong.empty();
        Duration quiesce = Duration.ZERO;
        Duration snapshot = Duration.ZERO;
        try {
            if (disk == null || agent.handle() == null) {
                throw new IllegalStateException("agent " + agent.name() + " has no disk or no domain to hold");
            }
            written = pool.usedBytes(disk);
            ctx.options().steps().before(agent.name(), "hold");
            trimmed = Quiesce.run(agent.name(), agent.handle().agent(), agent.template().consistency());
            Instant t1 = ctx.now();
            quiesce = Duration.between(t0, t1);
            pool.snapCreate(disk, SNAPSHOT);
            snapshot = Duration.between(t1, ctx.now());
            teardown.removeDomain(agent);
            Map<String, String> tags = new LinkedHashMap<>();
            tags.put(HELD_AT, now.toString());
            tags.put(HELD_UNTIL, until.toString());
            tags.put(WRITTEN, Long.toString(written));
            trimmed.ifPresent(b -> tags.put(TRIMMED, Long.toString(b)));
            pool.metaSetAll(disk, tags);
        } catch (RuntimeException e) {
            LOG.log(Level.INFO, "holding the disk of " + agent.name() + " failed", e);
            return report(agent, until, written, trimmed, quiesce, snapshot, t0, Optional.of(ProvisionJob.describe(e)));
        }
        return report(agent, until, written, trimmed, quiesce, snapshot, t0, Optional.empty());
    }

    private HoldReport report(AgentRecord agent, Instant until, long written, OptionalLong trimmed, Duration quiesce,
                              Duration snapshot, Instant t0, Optional<String> failure) {
        String disk = ctx.agentsPool().name() + "/" + agent.name();
        return new HoldReport(agent.name(), disk, disk + "@" + SNAPSHOT, agent.golden() == null ? "" : agent.golden(), until,
                written, trimmed, quiesce, snapshot, Duration.between(t0, ctx.now()), failure);
    }

    /**
     * Promotes the held snapshot natively (the copy path when that fails) to the next version of the
     * golden image the disk came from; the disk is removed after the background flatten. A promotion
     * that fails, or that the template's policy refuses for {@code provenance}, drops the disk. Nothing
     * held under that name (any more): an empty report.
     */
    public CompletionReport promote(String agent, Provenance provenance) {
        return settle(agent, found -> {
            if (found.heldUntil().isEmpty()) {
                return alreadyPromoted(found);
            }
            PromotionGate.Verdict v = gate.check(found.owner().template(), agent, SNAPSHOT, provenance);
            if (v.refusal().isPresent()) {
                return refused(found, v);
            }
            return promotion.promote(agent, found.owner(), tagged(found, TRIMMED).map(OptionalLong::of).orElse(OptionalLong.empty()),
                    PromotionRecord.of(provenance, v.writtenBytes().orElseThrow()));
        }, () -> new CompletionReport(agent, Optional.empty(), PromotionPath.NONE, Optional.empty(), 0, OptionalLong.empty(),
                OptionalLong.empty(), absent(agent), Optional.empty()));
    }

    /** Not promoted: the disk goes as a dropped one would, and the rule that refused is reported. */
    private CompletionReport refused(Found found, PromotionGate.Verdict v) {
        Instant t0 = ctx.now();
        String agent = found.disk();
        String rule = v.refusal().orElseThrow();
        LOG.info(() -> "not promoting the disk of " + agent + ": " + rule);
        ctx.tell(l -> l.promotionRefused(agent, rule));
        ctx.metrics().increment(Metric.PROMOTIONS, found.owner().template(), "refused");
        long written = v.writtenBytes().orElseGet(() -> tagged(found, WRITTEN).orElse(0L));
        return new CompletionReport(agent, Optional.empty(), PromotionPath.NONE, Optional.empty(), written,
                tagged(found, TRIMMED).map(OptionalLong::of).orElse(OptionalLong.empty()), OptionalLong.empty(),
                promotion.removed(agent, t0), Optional.of(rule));
    }

    void testBootWith(CandidateBoot boot) {
        promotion.testBootWith(boot);
    }

    /** Deletes the held disk and its snapshot. Nothing held under that name (any more): fate {@code ABSENT}. */
    public TerminationReport drop(String agent) {
        return settle(agent, found -> {
            if (found.heldUntil().isEmpty()) {
                throw new IllegalStateException("the disk of " + agent + " is not held (promoted already, or never held)");
            }
            return promotion.removed(agent, ctx.now());
        }, () -> absent(agent));
    }

    /**
     * The build on a held disk did not succeed: kept as a failure snapshot when its template says
     * {@code onFailure=snapshot}, otherwise dropped. Empty when dropped, or when nothing is held any
     * more; a repeat gives the failure snapshot kept before. Keeping that fails drops the disk.
     */
    public Optional<FailureSnapshot> fail(String agent, Optional<Provenance> build, String reason, Instant now) {
        return settle(agent, found -> {
            if (found.heldUntil().isEmpty() || FailureTags.isFailure(found.meta())) {
                return failures.read(agent);
            }
            Optional<OnFailure> onFailure = ctx.settings().template(found.owner().template()).map(TemplateSettings::onFailure)
                    .filter(f -> f.policy() instanceof FailurePolicy.Snapshot);
            if (onFailure.isPresent()) {
                try {
                    return Optional.of(failures.keep(agent, found.owner(), onFailure.get(), build, reason, now));
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "keeping the failure snapshot of " + agent + " failed; dropping the disk", e);
                }
            }
            promotion.removed(agent, ctx.now());
            return Optional.<FailureSnapshot>empty();
        }, Optional::empty);
    }

    /** Held disks of this controller and cloud, by agent name. */
    public List<HeldDisk> list() {
        List<HeldDisk> out = new ArrayList<>();
        for (String name : ctx.agentsPool().list()) {
            if (!AgentNames.isAgentName(name) || ctx.agents().containsKey(name)) {
                continue;
            }
            try {
                Optional<Found> f = find(name, false);
                if (f.isPresent() && f.get().heldUntil().isPresent()) {
                    Map<String, String> m = f.get().meta();
                    out.add(new HeldDisk(name, f.get().owner().template(), f.get().owner().golden(),
                            instant(m.get(HELD_AT)).orElse(Instant.EPOCH), f.get().heldUntil().get(),
                            ctx.agentsPool().usedBytes(name)));
                }
            } catch (RbdNotFoundException gone) {
                // removed between the listing and the look
            }
        }
        out.sort(java.util.Comparator.comparing(HeldDisk::agent));
        return out;
    }

    /** The {@code held-until} tag of a disk's metadata, if it is a held disk. */
    public static Optional<Instant> heldUntil(Map<String, String> meta) {
        return instant(meta.get(HELD_UNTIL));
    }

    private static Optional<Instant> instant(String s) {
        try {
            return s == null ? Optional.empty() : Optional.of(Instant.parse(s));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private interface Settlement<T> {
        T apply(Found found);
    }

    /** One promote or drop per agent at a time in this engine; the disk looked up and its tags checked first. */
    private <T> T settle(String agent, Settlement<T> action, java.util.function.Supplier<T> nothing) {
        RbdNames.check("agent", agent);
        if (ctx.agents().containsKey(agent)) {
            throw new IllegalStateException("agent " + agent + " is still running: end it with endAndHold first");
        }
        if (!settling.add(agent)) {
            throw new IllegalStateException("the held disk of " + agent + " is being promoted or dropped already");
        }
        try {
            Optional<Found> found = find(agent, true);
            return found.isPresent() ? action.apply(found.get()) : nothing.get();
        } finally {
            settling.remove(agent);
        }
    }

    /**
     * The disk named {@code agent} with its tags; empty when there is none, or, unless
     * {@code strict}, when it is not ours. Strict: another owner's or cloud's disk is refused.
     */
    private Optional<Found> find(String agent, boolean strict) {
        Map<String, String> meta;
        try {
            meta = ctx.agentsPool().metaList(agent);
        } catch (RbdNotFoundException gone) {
            return Optional.empty();
        }
        Optional<Ownership> owner = Ownership.fromMeta(meta).filter(o -> o.ownerId().equals(ctx.settings().ownerId())
                && o.cloud().equals(ctx.settings().name()) && o.agent().equals(agent));
        if (owner.isEmpty()) {
            if (strict) {
                throw new IllegalArgumentException(ctx.agentsPool().name() + "/" + agent
                        + " is not an agent disk of this controller and cloud: left alone");
            }
            return Optional.empty();
        }
        return Optional.of(new Found(agent, owner.get(), meta));
    }

    private static Optional<Long> tagged(Found found, String key) {
        try {
            return Optional.ofNullable(found.meta().get(key)).map(Long::parseLong);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Promoted by an earlier call: the version its promotion snapshot names; the disk goes after the flatten. */
    private CompletionReport alreadyPromoted(Found found) {
        Optional<String> label = ctx.agentsPool().snaps(found.disk()).stream()
                .flatMap(s -> GoldenNames.promotedVersionOf(s.name()).stream())
                .findFirst();
        if (label.isEmpty()) {
            throw new IllegalStateException("the disk of " + found.disk() + " is not held (and was not promoted)");
        }
        return new CompletionReport(found.disk(), label, PromotionPath.NATIVE, Optional.empty(),
                ctx.agentsPool().usedBytes(found.disk()), OptionalLong.empty(), OptionalLong.empty(),
                new TerminationReport(found.disk(), false, DiskFate.AFTER_FLATTEN, 0, Duration.ZERO), Optional.empty());
    }

    private static TerminationReport absent(String agent) {
        return new TerminationReport(agent, false, DiskFate.ABSENT, 0, Duration.ZERO);
    }
}
