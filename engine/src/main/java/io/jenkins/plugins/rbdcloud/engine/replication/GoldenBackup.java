package io.jenkins.plugins.rbdcloud.engine.replication;

import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenNames;
import io.jenkins.plugins.rbdcloud.engine.replication.internal.RestoreCheck;
import io.jenkins.plugins.rbdcloud.engine.replication.internal.SourcePlan;
import io.jenkins.plugins.rbdcloud.engine.replication.internal.StreamApplier;
import io.jenkins.plugins.rbdcloud.engine.replication.internal.StreamReader;
import io.jenkins.plugins.rbdcloud.engine.replication.internal.StreamRecord;
import io.jenkins.plugins.rbdcloud.engine.replication.internal.StreamSummary;
import io.jenkins.plugins.rbdcloud.engine.replication.internal.StreamWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Backup and restore of a golden image in the replication stream format (docs/replication.md).
 *
 * <ul>
 * <li>A file: one stream with every usable version, the oldest in full, each later one as its
 * difference from the one before.</li>
 * <li>A directory: one stream file per version, {@code <name>.v<N>.golden}. Exporting into a
 * directory that holds earlier files adds only the new versions, each as its difference from the
 * newest version already there, so backing up v(N+1) after vN costs only the difference.</li>
 * </ul>
 * Files are written under a temporary name and renamed when complete, signed when given a key. A
 * restore reads them as untrusted input: first through, checking digests, signature, declared
 * sizes and the current version before it changes anything; then again to apply them, refusing
 * anything that differs from the first read.
 */
public final class GoldenBackup {

    private static final Pattern FILE = Pattern.compile("([a-z0-9][a-z0-9_-]{0,63})\\.v([1-9][0-9]{0,8})\\.golden");

    private GoldenBackup() {}

    /** What an export wrote. */
    public record ExportResult(Path path, List<ReplicationResult.VersionOutcome> versions, long bytesWritten) {}

    /** Exports into {@code path}: a directory when it is one, else a single file (replaced when it exists). */
    public static ExportResult export(RbdPool source, String golden, Path path, ReplicationProgress progress) {
        return export(source, golden, path, progress, Optional.empty());
    }

    /**
     * As {@link #export(RbdPool, String, Path, ReplicationProgress)}, signing what it writes with
     * {@code key} (files already in a directory are checked with it when signed, not re-signed).
     */
    public static ExportResult export(RbdPool source, String golden, Path path, ReplicationProgress progress, Optional<SigningKey> key) {
        GoldenNames.check(golden);
        return Files.isDirectory(path) ? exportToDirectory(source, golden, path, progress, key)
                : exportToFile(source, golden, path, progress, key);
    }

    private static ExportResult exportToFile(RbdPool source, String golden, Path file, ReplicationProgress progress,
            Optional<SigningKey> key) {
        SourcePlan plan = SourcePlan.against(source, golden, n -> null, (n, a, b) -> new IllegalStateException("nothing is held"));
        Path tmp = tempBeside(file);
        long bytes;
        try (OutputStream out = Files.newOutputStream(tmp)) {
            StreamWriter w = new StreamWriter(out, key);
            plan.write(w, progress, io.jenkins.plugins.rbdcloud.engine.images.StepHook.NONE);
            bytes = w.bytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + tmp + ": " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            deleteQuietly(tmp);
            throw e;
        }
        moveIntoPlace(tmp, file);
        return new ExportResult(file, plan.outcomes(), bytes);
    }

    private static ExportResult exportToDirectory(RbdPool source, String golden, Path dir, ReplicationProgress progress,
            Optional<SigningKey> key) {
        Map<Integer, byte[]> held = new HashMap<>();
        for (Map.Entry<Integer, Path> f : files(dir, golden).entrySet()) {
            held.put(f.getKey(), versionChecksum(f.getValue(), f.getKey(), key));
        }
        SourcePlan plan = SourcePlan.against(source, golden, held::get, (n, theirs, ours) -> new ReplicationException(
                "backup " + dir.resolve(fileName(golden, n)) + " holds other content than " + golden + "@v" + n
                        + " in pool " + source.name() + "; move it away or export into another directory"));
        long[] bytes = {0};
        Map<Integer, OutputStream> open = new HashMap<>();
        Map<Integer, StreamWriter> writers = new HashMap<>();
        try {
            plan.writeEach(s -> {
                int n = s.entry().version();
                try {
                    OutputStream out = Files.newOutputStream(tempBeside(dir.resolve(fileName(golden, n))));
                    open.put(n, out);
                    StreamWriter w = new StreamWriter(out, key);
                    writers.put(n, w);
                    return w;
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write into " + dir + ": " + e.getMessage(), e);
                }
            }, s -> {
                int n = s.entry().version();
                try {
                    open.remove(n).close();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write into " + dir + ": " + e.getMessage(), e);
                }
                bytes[0] += writers.get(n).bytes();
                moveIntoPlace(tempBeside(dir.resolve(fileName(golden, n))), dir.resolve(fileName(golden, n)));
            }, progress, io.jenkins.plugins.rbdcloud.engine.images.StepHook.NONE);
        } catch (RuntimeException | Error e) {
            for (Map.Entry<Integer, OutputStream> o : open.entrySet()) {
                try {
                    o.getValue().close();
                } catch (IOException ignored) {
                    // being discarded
                }
                deleteQuietly(tempBeside(dir.resolve(fileName(golden, o.getKey()))));
            }
            throw e;
        }
        return new ExportResult(dir, plan.outcomes(), bytes[0]);
    }

    /**
     * Restores a backup file or directory into {@code target}. Versions already there with the
     * same content are skipped; the golden image must be absent or a replica of the same origin.
     */
    public static ReplicationResult restore(RbdPool target, Path path, ReplicationOptions options) {
        List<Path> streams = streamsIn(path);
        // First read: decide before anything on the target changes.
        Map<Path, StreamSummary> checked = new LinkedHashMap<>();
        for (Path p : streams) {
            checked.put(p, summarize(p, options.signingKey()));
        }
        Map<String, StreamSummary> byLabel = new LinkedHashMap<>();
        checked.forEach((p, s) -> byLabel.put(p.toString(), s));
        RestoreCheck.check(target, options, byLabel);
        List<ReplicationResult.VersionOutcome> outcomes = new ArrayList<>();
        long bytes = 0;
        ReplicationResult last = null;
        for (Path p : streams) {
            // Each file lists the versions of its own export: only the newest list may prune.
            ReplicationOptions o = p.equals(streams.get(streams.size() - 1)) ? options : options.withPrune(false);
            try (InputStream in = Files.newInputStream(p)) {
                last = new StreamApplier(target, o).apply(new StreamReader(in, options.signingKey()).pinnedTo(checked.get(p)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + p + ": " + e.getMessage(), e);
            } catch (ReplicationException e) {
                throw new ReplicationException(p + ": " + e.getMessage(), e);
            }
            outcomes.addAll(last.versions());
            bytes += last.bytesSent();
        }
        return new ReplicationResult(last.golden(), outcomes, last.current(), bytes, last.pruned(), last.keptWithClones());
    }

    private static StreamSummary summarize(Path p, Optional<SigningKey> key) {
        try (InputStream in = Files.newInputStream(p)) {
            return StreamSummary.read(new StreamReader(in, key));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p + ": " + e.getMessage(), e);
        } catch (ReplicationException e) {
            throw new ReplicationException(p + ": " + e.getMessage(), e);
        }
    }

    /** The backup files of {@code path}: itself, or the {@code <name>.v<N>.golden} files of a directory in version order. */
    private static List<Path> streamsIn(Path path) {
        List<Path> streams = new ArrayList<>();
        if (Files.isDirectory(path)) {
            Map<Integer, Path> byVersion = new TreeMap<>();
            try (var list = Files.list(path)) {
                for (Path p : list.toList()) {
                    Matcher m = FILE.matcher(p.getFileName().toString());
                    if (m.matches()) {
                        if (byVersion.put(Integer.parseInt(m.group(2)), p) != null) {
                            throw new ReplicationException(path + " holds backups of more than one golden image for v" + m.group(2));
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + path + ": " + e.getMessage(), e);
            }
            if (byVersion.isEmpty()) {
                throw new ReplicationException(path + " holds no backup files (<name>.v<N>.golden)");
            }
            streams.addAll(byVersion.values());
        } else {
            streams.add(path);
        }
        return streams;
    }

    static String fileName(String golden, int n) {
        return golden + ".v" + n + ".golden";
    }

    private static Map<Integer, Path> files(Path dir, String golden) {
        Map<Integer, Path> out = new TreeMap<>();
        try (var list = Files.list(dir)) {
            for (Path p : list.toList()) {
                Matcher m = FILE.matcher(p.getFileName().toString());
                if (m.matches() && m.group(1).equals(golden)) {
                    out.put(Integer.parseInt(m.group(2)), p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** Reads a backup file through (checking its digests) and returns the content checksum of version {@code n} in it. */
    static byte[] versionChecksum(Path file, int n, Optional<SigningKey> key) {
        byte[] sum = null;
        try (InputStream in = Files.newInputStream(file)) {
            StreamReader r = new StreamReader(in, key);
            int open = 0;
            for (StreamRecord rec = r.next(); !(rec instanceof StreamRecord.Finish); rec = r.next()) {
                if (rec instanceof StreamRecord.VersionStart v) {
                    open = v.version();
                } else if (rec instanceof StreamRecord.VersionEnd e && open == n) {
                    sum = e.checksum();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (ReplicationException e) {
            throw new ReplicationException(file + ": " + e.getMessage(), e);
        }
        if (sum == null) {
            throw new ReplicationException(file + " does not hold v" + n);
        }
        return sum;
    }

    private static Path tempBeside(Path file) {
        Path name = file.getFileName();
        return file.resolveSibling("." + name + ".partial");
    }

    private static void moveIntoPlace(Path tmp, Path file) {
        try {
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move " + tmp + " to " + file + ": " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a partial file; nothing else to do
        }
    }
}
