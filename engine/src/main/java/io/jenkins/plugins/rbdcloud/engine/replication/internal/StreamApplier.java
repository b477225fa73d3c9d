package io.jenkins.plugins.rbdcloud.engine.replication.internal;

import io.jenkins.plugins.rbdcloud.engine.ceph.ChildInfo;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdNotFoundException;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
import io.jenkins.plugins.rbdcloud.engine.images.CatalogOptions;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenNames;
import io.jenkins.plugins.rbdcloud.engine.images.VersionState;
import io.jenkins.plugins.rbdcloud.engine.images.internal.Flattener;
import io.jenkins.plugins.rbdcloud.engine.images.store.CatalogLock;
import io.jenkins.plugins.rbdcloud.engine.images.store.CatalogStore;
import io.jenkins.plugins.rbdcloud.engine.images.store.VersionMeta;
import io.jenkins.plugins.rbdcloud.engine.replication.ReplicationException;
import io.jenkins.plugins.rbdcloud.engine.replication.ReplicationOptions;
import io.jenkins.plugins.rbdcloud.engine.replication.ReplicationResult;
import io.jenkins.plugins.rbdcloud.engine.replication.ReplicationResult.Action;
import io.jenkins.plugins.rbdcloud.engine.replication.ReplicationResult.VersionOutcome;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The receiving end of a golden stream (replication or restore), under the target golden image's
 * catalog lock. Versions the target already holds are checked against the stream's checksum and
 * skipped; others are written and published one by one; {@code current} moves only once the whole
 * stream has arrived and its digest matched, and only to a version usable on the target. Leftovers of an interrupted run (version images never
 * published) are removed first, so a run resumes after the last complete version.
 */
public final class StreamApplier {

    /** On the target catalog image: {@code <fsid>/<pool>/<name>} of the golden image it replicates. */
    public static final String REPLICA_OF = VersionMeta.PREFIX + "replica-of";

    private final RbdPool target;
    private final ReplicationOptions options;
    private final boolean trustedSender;

    /** A restore: the stream is a file, every version is read back whole before it is published. */
    public StreamApplier(RbdPool target, ReplicationOptions options) {
        this(target, options, false);
    }

    /**
     * @param trustedSender the stream comes from this process's sender reading the operator's own
     *                      source (replication): differences are checked by reading back what was
     *                      written and flattened after publishing ({@link VersionReceiver})
     */
    public StreamApplier(RbdPool target, ReplicationOptions options, boolean trustedSender) {
        this.target = target;
        this.options = options;
        this.trustedSender = trustedSender;
    }

    public ReplicationResult apply(StreamReader in) {
        if (!(in.next() instanceof StreamRecord.Start start)) {
            throw new ReplicationException("invalid golden stream: no start record");
        }
        String golden = options.targetName().orElse(start.golden());
        CatalogStore store = new CatalogStore(target, CatalogOptions.builder("rbd-cloud-replication")
                .lockTimeout(options.lockTimeout()).build());
        try (CatalogLock.Held lock = store.acquire(golden)) {
            boolean created = claimCatalog(target, golden, start.origin());
            CatalogView view = new CatalogView(target, golden);
            removeLeftovers(view);
            VersionReceiver receiver = new VersionReceiver(target, golden, options.verify(), trustedSender, options.steps());
            List<VersionOutcome> outcomes = new ArrayList<>();
            List<Integer> listed = null;
            int current = 0;
            try {
                for (StreamRecord r = in.next(); !(r instanceof StreamRecord.Finish); r = in.next()) {
                    switch (r) {
                        case StreamRecord.VersionStart v -> {
                            flattenBaseOfDifference(store, view, golden, v);
                            outcomes.add(version(view, receiver, v, in, lock, golden));
                        }
                        case StreamRecord.VersionList l -> listed = l.versions();
                        case StreamRecord.Current c -> current = c.version();
                        default -> throw new ReplicationException("invalid golden stream: unexpected " + r.getClass().getSimpleName());
                    }
                }
            } catch (RuntimeException | Error e) {
                if (created && view.entries().isEmpty()) {
                    CatalogStore.removeImage(target, golden);
                }
                throw e;
            }
            options.steps().before("mark-current");
            if (current > 0) {
                // Callers check this before sending anything; here it guards against a target changed meanwhile.
                CurrentCheck.require(view, current, java.util.Set.of(), "the stream");
                lock.check();
                store.markCurrent(golden, current);
            }
            List<Integer> pruned = new ArrayList<>();
            List<Integer> kept = new ArrayList<>();
            if (options.prune() && listed != null) {
                prune(store, view, golden, listed, pruned, kept, lock);
            }
            return new ReplicationResult(golden, outcomes, store.current(golden), in.bytes(), pruned, kept);
        }
    }

    /**
     * Makes {@code golden} a replica catalog of {@code origin}, or checks that it already is one.
     *
     * @return whether the catalog image was created now
     */
    static boolean claimCatalog(RbdPool target, String golden, String origin) {
        if (checkClaim(target, golden, origin)) {
            Map<String, String> meta = target.metaList(golden);
            if (!VersionMeta.CATALOG.equals(meta.get(VersionMeta.KIND))) {
                target.metaSet(golden, VersionMeta.KIND, VersionMeta.CATALOG);
            }
            return false;
        }
        target.create(golden, 4096);
        target.metaSet(golden, REPLICA_OF, origin);
        target.metaSet(golden, VersionMeta.KIND, VersionMeta.CATALOG);
        return true;
    }

    /**
     * Refuses when {@code golden} exists in {@code target} and is not a replica of {@code origin}.
     *
     * @return whether it exists (as such a replica)
     */
    public static boolean checkClaim(RbdPool target, String golden, String origin) {
        if (target.exists(golden)) {
            Map<String, String> meta = target.metaList(golden);
            String of = meta.get(REPLICA_OF);
            if (of == null) {
                throw new ReplicationException("pool " + target.name() + " already has " + (VersionMeta.CATALOG.equals(meta.get(VersionMeta.KIND))
                        ? "a golden image" : "an image") + " named '" + golden + "' that is not a replica of " + origin
                        + "; remove it or replicate under another name");
            }
            if (!of.equals(origin)) {
                throw new ReplicationException("golden image '" + golden + "' in pool " + target.name() + " is a replica of " + of
                        + ", not of " + origin + "; replicate under another name");
            }
            return true;
        }
        return false;
    }

    private void removeLeftovers(CatalogView view) {
        for (CatalogView.Entry e : view.entries()) {
            if (!e.isPublished()) {
                CatalogStore.removeImage(target, GoldenNames.versionImage(view.golden(), e.version()));
            }
        }
    }

    /**
     * A replicated difference is a clone of its base, flattened later; when the base itself is
     * such a clone (several differences in one stream), it is flattened first, so a chain of
     * clones never grows past one link.
     */
    private void flattenBaseOfDifference(CatalogStore store, CatalogView view, String golden, StreamRecord.VersionStart v) {
        if (trustedSender && v.base() != 0 && view.find(v.base()).filter(b -> b.state() == VersionState.FLATTENING).isPresent()
                && view.find(v.version()).filter(CatalogView.Entry::isPublished).isEmpty()) {
            new Flattener(store).flatten(golden, v.base());
        }
    }

    private VersionOutcome version(CatalogView view, VersionReceiver receiver, StreamRecord.VersionStart v, StreamReader in,
            CatalogLock.Held lock, String golden) {
        long startBytes = in.bytes();
        Optional<CatalogView.Entry> existing = view.find(v.version()).filter(CatalogView.Entry::isPublished);
        if (existing.isPresent()) {
            StreamRecord.VersionEnd end = skip(in, golden, v);
            byte[] have = view.checksum(existing.get());
            if (!MessageDigest.isEqual(have, end.checksum())) {
                throw mismatch(golden, v.version(), have, end.checksum());
            }
            return new VersionOutcome(v.version(), Action.SKIPPED, v.base(), 0, ContentChecksum.format(have));
        }
        if (v.base() != 0) {
            CatalogView.Entry base = view.find(v.base()).filter(CatalogView.Entry::isPublished).orElseThrow(
                    () -> new ReplicationException(golden + "@v" + v.version() + " is sent as a difference from v" + v.base()
                            + ", which pool " + target.name() + " does not have; restore or replicate v" + v.base() + " first"));
            byte[] have = view.checksum(base);
            if (!MessageDigest.isEqual(have, v.baseChecksum())) {
                throw mismatch(golden, v.base(), have, v.baseChecksum());
            }
        }
        StreamRecord.VersionEnd end = receiver.receive(v, in, lock);
        return new VersionOutcome(v.version(), v.base() == 0 ? Action.FULL : Action.DIFF, v.base(), in.bytes() - startBytes,
                ContentChecksum.format(end.checksum()));
    }

    private static StreamRecord.VersionEnd skip(StreamReader in, String golden, StreamRecord.VersionStart v) {
        while (true) {
            StreamRecord r = in.next();
            if (r instanceof StreamRecord.VersionEnd end) {
                return end;
            }
            if (!(r instanceof StreamRecord.Data) && !(r instanceof StreamRecord.Zero)) {
                throw new ReplicationException("invalid golden stream: " + r.getClass().getSimpleName() + " inside " + golden + "@v" + v.version());
            }
        }
    }

    private ReplicationException mismatch(String golden, int n, byte[] have, byte[] want) {
        return new ReplicationException(golden + "@v" + n + " in pool " + target.name() + " has other content than the source ("
                + ContentChecksum.format(have) + " vs " + ContentChecksum.format(want) + "); refusing to overwrite it: "
                + "remove the target golden image or replicate under another name");
    }

    /** Removes target versions the origin no longer lists: never the current one, never one with clones. */
    private void prune(CatalogStore store, CatalogView view, String golden, List<Integer> listed, List<Integer> pruned,
            List<Integer> kept, CatalogLock.Held lock) {
        int current = store.current(golden);
        if (view.entries().stream().anyMatch(e -> !listed.contains(e.version()) && e.version() != current)) {
            // Differences arrive as clones of their base: flatten them so they no longer hold a version to prune.
            new Flattener(store).completeFor(golden);
        }
        for (CatalogView.Entry e : view.entries()) {
            if (listed.contains(e.version()) || e.version() == current) {
                continue;
            }
            String image = GoldenNames.versionImage(golden, e.version());
            List<ChildInfo> children;
            try {
                children = target.children(image, GoldenNames.versionSnap(e.version()));
            } catch (RbdNotFoundException gone) {
                children = List.of();
            }
            if (!children.isEmpty()) {
                kept.add(e.version());
                continue;
            }
            lock.check();
            CatalogStore.removeImage(target, image);
            pruned.add(e.version());
        }
    }
}
