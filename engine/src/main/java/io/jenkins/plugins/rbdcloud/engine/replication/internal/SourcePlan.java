package io.jenkins.plugins.rbdcloud.engine.replication.internal;

import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
import io.jenkins.plugins.rbdcloud.engine.images.CatalogOptions;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenNames;
import io.jenkins.plugins.rbdcloud.engine.images.StepHook;
import io.jenkins.plugins.rbdcloud.engine.images.store.CatalogStore;
import io.jenkins.plugins.rbdcloud.engine.images.store.VersionMeta;
import io.jenkins.plugins.rbdcloud.engine.replication.ReplicationException;
import io.jenkins.plugins.rbdcloud.engine.replication.ReplicationProgress;
import io.jenkins.plugins.rbdcloud.engine.replication.ReplicationResult.Action;
import io.jenkins.plugins.rbdcloud.engine.replication.ReplicationResult.VersionOutcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * The sending side: which usable versions of a source golden image to send, each against the
 * newest older version the receiver already holds with the same content, and the stream itself.
 */
public final class SourcePlan {

    /** One version to send; {@code base} 0 means in full. */
    public record Send(CatalogView.Entry entry, int base) {}

    private final CatalogView view;
    private final int current;
    private final String origin;
    private final List<CatalogView.Entry> usable;
    private final List<Send> sends = new ArrayList<>();
    private final List<VersionOutcome> skipped = new ArrayList<>();
    private final Map<Integer, byte[]> checksums = new LinkedHashMap<>();
    private final List<VersionOutcome> sent = new ArrayList<>();

    private SourcePlan(CatalogView view, int current, String origin, List<CatalogView.Entry> usable) {
        this.view = view;
        this.current = current;
        this.origin = origin;
        this.usable = usable;
    }

    /**
     * Plans against what the receiver holds.
     *
     * @param held the receiver's content checksum of version N, or null when it does not hold N
     * @throws io.jenkins.plugins.rbdcloud.engine.replication.ReplicationException when a held version has other content
     */
    public static SourcePlan against(RbdPool source, String golden, IntFunction<byte[]> held, Mismatch onMismatch) {
        CatalogStore store = new CatalogStore(source, CatalogOptions.defaults("rbd-cloud-replication"));
        store.requireGolden(golden);
        CatalogView view = new CatalogView(source, golden);
        List<CatalogView.Entry> usable = view.entries().stream().filter(e -> e.isPublished() && e.state().isUsable()).toList();
        String origin = source.cluster().fsid() + "/" + source.name() + "/" + golden; // as GoldenReplication.origin
        int current = store.current(golden);
        requireOwnSnapshot(view, current);
        SourcePlan plan = new SourcePlan(view, current, origin, usable);
        int base = 0;
        for (CatalogView.Entry e : usable) {
            byte[] theirs = held.apply(e.version());
            if (theirs == null) {
                plan.sends.add(new Send(e, base));
            } else {
                byte[] ours = view.checksum(e);
                if (!java.security.MessageDigest.isEqual(ours, theirs)) {
                    throw onMismatch.refuse(e.version(), theirs, ours);
                }
                plan.checksums.put(e.version(), ours);
                plan.skipped.add(new VersionOutcome(e.version(), Action.SKIPPED, 0, 0, ContentChecksum.format(ours)));
            }
            base = e.version();
        }
        return plan;
    }

    /**
     * A version promoted moments ago is current before its flatten has made its snapshot (agents
     * are cloned from its agent disk's meanwhile): there is nothing to send yet, and the target
     * must not be told to make it current. Refused with that reason, rather than "not sent".
     */
    private static void requireOwnSnapshot(CatalogView view, int current) {
        Optional<CatalogView.Entry> e = current == 0 ? Optional.empty() : view.find(current);
        if (e.isPresent() && e.get().snapId() < 0 && e.get().state().isUsable()
                && VersionMeta.cloneSource(e.get().meta(), view.golden(), current).isPresent()) {
            throw new ReplicationException("v" + current + " of golden image "
                    + view.golden() + " is current but has no snapshot of its own yet: it was promoted moments ago and its "
                    + "flatten makes that snapshot (the engine's background flatten, or image maintenance); nothing was sent. "
                    + "Run this again once it is flattened");
        }
    }

    @FunctionalInterface
    public interface Mismatch {
        RuntimeException refuse(int version, byte[] theirs, byte[] ours);
    }

    public List<Send> sends() {
        return sends;
    }

    public List<VersionOutcome> skipped() {
        return skipped;
    }

    /** Skipped versions and the versions written so far, ascending. */
    public List<VersionOutcome> outcomes() {
        List<VersionOutcome> out = new ArrayList<>(skipped);
        out.addAll(sent);
        out.sort(java.util.Comparator.comparingInt(VersionOutcome::version));
        return out;
    }

    /** The source's current version, which the stream makes current on the target. */
    public int current() {
        return current;
    }

    public String origin() {
        return origin;
    }

    /** Writes the whole stream: start, the versions to send, the version list, current, finish. */
    public void write(StreamWriter out, ReplicationProgress progress, StepHook steps) {
        out.start(view.golden(), origin);
        for (Send s : sends) {
            writeVersion(out, s, progress, steps);
        }
        finish(out);
    }

    /** Writes one stream per version to send (a backup directory): start, the version, list, current, finish. */
    public void writeEach(java.util.function.Function<Send, StreamWriter> open, java.util.function.Consumer<Send> close,
            ReplicationProgress progress, StepHook steps) {
        for (Send s : sends) {
            StreamWriter out = open.apply(s);
            out.start(view.golden(), origin);
            writeVersion(out, s, progress, steps);
            finish(out);
            close.accept(s);
        }
    }

    private void writeVersion(StreamWriter out, Send s, ReplicationProgress progress, StepHook steps) {
        CatalogView.Entry e = s.entry();
        long before = out.bytes();
        VersionSender sender = new VersionSender(view.pool(), view.golden(), out, progress, steps);
        byte[] sum;
        Optional<BlockDigests[]> lists = s.base() == 0 ? Optional.empty() : digests(e, view.entry(s.base()));
        if (lists.isPresent()) {
            sender.sendChanged(lists.get()[0], lists.get()[1], portableInfo(e));
            sum = lists.get()[0].checksum();
        } else {
            byte[] baseSum = s.base() == 0 ? null : checksums.get(s.base());
            if (s.base() != 0 && baseSum == null) {
                baseSum = view.checksum(view.entry(s.base()));
            }
            BlockDigests d = sender.send(e.version(), e.snapId(), s.base(), baseSum, portableInfo(e));
            d.store(view.pool(), GoldenNames.versionImage(view.golden(), e.version()));
            sum = d.checksum();
            view.remember(e, sum);
        }
        sent.add(new VersionOutcome(e.version(), s.base() == 0 ? Action.FULL : Action.DIFF, s.base(),
                out.bytes() - before, ContentChecksum.format(sum)));
        checksums.put(e.version(), sum);
    }

    /**
     * The block digests of the version and its base, computed (one read each, then stored) where
     * none are stored; empty for versions too large to keep a list for.
     */
    private Optional<BlockDigests[]> digests(CatalogView.Entry now, CatalogView.Entry base) {
        if (!BlockDigests.storable(now.sizeBytes()) || !BlockDigests.storable(base.sizeBytes())) {
            return Optional.empty();
        }
        return Optional.of(new BlockDigests[] {view.digests(now), view.digests(base)});
    }

    private void finish(StreamWriter out) {
        out.versionList(usable.stream().map(CatalogView.Entry::version).toList());
        out.current(current);
        out.finish();
    }

    /** The info fields that mean something on another cluster (not the origin's agent disk references). */
    static Map<String, String> portableInfo(CatalogView.Entry e) {
        Map<String, String> out = new LinkedHashMap<>();
        e.info().forEach((k, v) -> {
            if (StreamReader.INFO_FIELDS.contains(k) && v.matches("[\\x20-\\x7e&&[^;=]]{0,256}")) {
                out.put(k, v);
            }
        });
        return out;
    }
}
