package io.jenkins.plugins.rbdcloud.engine.replication;

import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenNames;
import io.jenkins.plugins.rbdcloud.engine.replication.internal.CatalogView;
import io.jenkins.plugins.rbdcloud.engine.replication.internal.ChunkPipe;
import io.jenkins.plugins.rbdcloud.engine.replication.internal.ContentChecksum;
import io.jenkins.plugins.rbdcloud.engine.replication.internal.CurrentCheck;
import io.jenkins.plugins.rbdcloud.engine.replication.internal.SourcePlan;
import io.jenkins.plugins.rbdcloud.engine.replication.internal.StreamApplier;
import io.jenkins.plugins.rbdcloud.engine.replication.internal.StreamReader;
import io.jenkins.plugins.rbdcloud.engine.replication.internal.StreamWriter;
import io.jenkins.plugins.rbdcloud.engine.util.DaemonThreads;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;

/**
 * Replicates a golden image — every usable version, its provenance and which one is current —
 * from one images pool to another, usually in another Ceph cluster (format and layout:
 * docs/replication.md). The first run copies the oldest version in full (sparse); every later
 * version travels as its difference from the previous one. The sending side runs on its own
 * thread and streams through an in-process pipe into the same receiver a backup restore uses.
 *
 * <p>A version sent as a difference is published on the target as soon as it is usable — a clone
 * of its base with the changed blocks written and read back — in state {@code flattening}, like a
 * native promotion; the target catalog's {@code completeFlattens} (image maintenance, {@code
 * rbd-cloud gc}, or the CLI right after replicating) makes it standalone.
 *
 * <p>Idempotent: versions the target holds with the same content checksum are skipped; an
 * interrupted run leaves only complete versions and resumes after the last one.
 */
public final class GoldenReplication {

    private GoldenReplication() {}

    public static ReplicationResult replicate(RbdPool source, RbdPool target, String golden, ReplicationOptions options,
            ReplicationProgress progress) {
        GoldenNames.check(golden);
        String targetName = options.targetName().orElse(golden);
        // Refuse a name clash before reading anything on either side.
        StreamApplier.checkClaim(target, targetName, origin(source, golden));
        Map<Integer, byte[]> held = heldBy(target, targetName);
        SourcePlan plan = SourcePlan.against(source, golden, held::get, (n, theirs, ours) -> new ReplicationException(
                golden + "@v" + n + " in pool " + target.name() + " has other content than the source ("
                        + ContentChecksum.format(theirs) + " vs " + ContentChecksum.format(ours)
                        + "); refusing to overwrite it: remove the target golden image or replicate under another name"));
        // Current may only move to a version usable on the target: refuse before anything is sent.
        CurrentCheck.require(new CatalogView(target, targetName), plan.current(),
                plan.sends().stream().map(x -> x.entry().version()).collect(java.util.stream.Collectors.toSet()),
                "the origin " + origin(source, golden));
        ChunkPipe pipe = new ChunkPipe(8);
        ExecutorService sender = DaemonThreads.single("rbd-cloud replicate " + golden, 1);
        try {
            CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                try (OutputStream out = pipe.output()) {
                    plan.write(new StreamWriter(out), progress, options.steps());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                } catch (RuntimeException | Error e) {
                    pipe.breakWith(e);
                    throw e;
                }
            }, sender);
            ReplicationResult received;
            try {
                received = new StreamApplier(target, options, true).apply(new StreamReader(pipe.input()));
            } catch (RuntimeException | Error e) {
                pipe.breakWith(e);
                Throwable fromSender = senderFailure(sending);
                // The sender's own failure is the real cause; the receiver only saw a broken pipe.
                if (fromSender instanceof RuntimeException re && !(fromSender.getCause() instanceof IOException)) {
                    re.addSuppressed(e);
                    throw re;
                }
                throw e;
            }
            sending.join();
            List<ReplicationResult.VersionOutcome> all = new ArrayList<>(plan.skipped());
            all.addAll(received.versions());
            all.sort(Comparator.comparingInt(ReplicationResult.VersionOutcome::version));
            return new ReplicationResult(received.golden(), all, received.current(), received.bytesSent(), received.pruned(),
                    received.keptWithClones());
        } finally {
            sender.shutdownNow();
        }
    }

    /** {@code <fsid>/<pool>/<name>}: what a replica records as its origin. */
    static String origin(RbdPool source, String golden) {
        return source.cluster().fsid() + "/" + source.name() + "/" + golden;
    }

    /** Checksums of the published versions of {@code golden} in {@code pool} (empty when it is not there). */
    static Map<Integer, byte[]> heldBy(RbdPool pool, String golden) {
        Map<Integer, byte[]> out = new java.util.HashMap<>();
        if (!pool.exists(golden)) {
            return out;
        }
        CatalogView view = new CatalogView(pool, golden);
        for (CatalogView.Entry e : view.entries()) {
            if (e.isPublished()) {
                out.put(e.version(), view.checksum(e));
            }
        }
        return out;
    }

    private static Throwable senderFailure(CompletableFuture<Void> sending) {
        try {
            sending.join();
            return null;
        } catch (CompletionException e) {
            return e.getCause();
        } catch (java.util.concurrent.CancellationException e) {
            return e;
        }
    }
}
