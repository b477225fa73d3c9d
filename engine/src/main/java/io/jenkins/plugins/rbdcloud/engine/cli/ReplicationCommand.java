package io.jenkins.plugins.rbdcloud.engine.cli;

import io.jenkins.plugins.rbdcloud.engine.ceph.CephCluster;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
import io.jenkins.plugins.rbdcloud.engine.config.CephSettings;
import io.jenkins.plugins.rbdcloud.engine.config.CloudSettingsLoader;
import io.jenkins.plugins.rbdcloud.engine.config.Durations;
import io.jenkins.plugins.rbdcloud.engine.images.CatalogOptions;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenImages;
import io.jenkins.plugins.rbdcloud.engine.replication.GoldenBackup;
import io.jenkins.plugins.rbdcloud.engine.replication.GoldenReplication;
import io.jenkins.plugins.rbdcloud.engine.replication.PeriodicReplication;
import io.jenkins.plugins.rbdcloud.engine.replication.ReplicationOptions;
import io.jenkins.plugins.rbdcloud.engine.replication.ReplicationProgress;
import io.jenkins.plugins.rbdcloud.engine.replication.ReplicationResult;
import io.jenkins.plugins.rbdcloud.engine.replication.SigningKey;
import io.jenkins.plugins.rbdcloud.engine.replication.VersionSizeLimit;
import io.jenkins.plugins.rbdcloud.engine.util.Bytes;
import io.jenkins.plugins.rbdcloud.engine.util.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code rbd-cloud images replicate|export|import-backup}. */
final class ReplicationCommand {

    static final String USAGE = """
            images replicate NAME --to FILE [--as NAME] [--prune] [--no-verify] [--watch [--interval 60s]]
                                           copy all versions to the cluster of config FILE (only differences travel)
            images export NAME PATH [--signature-key FILE]
                                           back up all versions to a file, or into directory PATH (adds new versions only);
                                           signed (HMAC-SHA256) with the key in FILE when given
            images import-backup PATH [--as NAME] [--no-verify] [--signature-key FILE [--require-signature]]
                                      [--max-version-size SIZE]
                                           restore a backup file or directory into this cluster; with a key, signed
                                           backups must match it, and --require-signature refuses unsigned ones""";

    static final Set<String> VERBS = Set.of("replicate", "export", "import-backup");

    private final CliSession s;

    ReplicationCommand(CliSession s) {
        this.s = s;
    }

    ExitCode run(String verb, Args a) {
        a.rejectUnknown(Set.of("prune", "no-verify", "watch", "json", "require-signature"),
                Set.of("to", "as", "interval", "config", "signature-key", "max-version-size"));
        ReplicationOptions options = ReplicationOptions.defaults().withTargetName(a.option("as", null))
                .withPrune(a.flag("prune")).withVerify(!a.flag("no-verify"));
        options = backupOptions(verb, a, options);
        RbdPool images = s.ceph().pool(s.settings().ceph().imagesPool());
        switch (verb) {
            case "replicate" -> {
                String name = a.next("golden image name");
                String to = a.option("to", null);
                if (to == null) {
                    throw new CliException(ExitCode.USAGE, "replicate needs --to FILE: the config of the target cloud (docs/config.md)");
                }
                CephSettings targetCeph = loadCeph(Path.of(to));
                try (CephCluster target = CliSession.connect(targetCeph)) {
                    RbdPool targetImages = target.pool(targetCeph.imagesPool());
                    if (!a.flag("watch")) {
                        print(replicateAndFlatten(images, targetImages, name, options));
                        return ExitCode.OK;
                    }
                    watch(images, targetImages, name, options, interval(a.option("interval", "60s")));
                }
            }
            case "export" -> {
                String name = a.next("golden image name");
                Path path = Path.of(a.next("backup file or directory"));
                GoldenBackup.ExportResult r = GoldenBackup.export(images, name, path, progress(), options.signingKey());
                s.err.println("wrote " + Bytes.human(r.bytesWritten()) + " to " + r.path());
                print(new ReplicationResult(name, r.versions(), 0, r.bytesWritten(), List.of(), List.of()));
            }
            case "import-backup" -> print(GoldenBackup.restore(images, Path.of(a.next("backup file or directory")), options));
            default -> throw new CliException(ExitCode.USAGE, "unknown images sub-command '" + verb + "'");
        }
        return ExitCode.OK;
    }

    /** Signature key and size limit: only export and import-backup take them. */
    private static ReplicationOptions backupOptions(String verb, Args a, ReplicationOptions options) {
        String keyFile = a.option("signature-key", null);
        String maxSize = a.option("max-version-size", null);
        boolean require = a.flag("require-signature");
        boolean restore = verb.equals("import-backup");
        if ((keyFile != null && verb.equals("replicate")) || ((require || maxSize != null) && !restore)) {
            throw new CliException(ExitCode.USAGE, "--signature-key belongs to export and import-backup, "
                    + "--require-signature and --max-version-size to import-backup");
        }
        if (require && keyFile == null) {
            throw new CliException(ExitCode.USAGE, "--require-signature needs --signature-key FILE: the key the backups were signed with");
        }
        if (keyFile != null) {
            try {
                options = options.withSignature(SigningKey.read(Path.of(keyFile)), require);
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCode.USAGE, e.getMessage());
            }
        }
        if (maxSize != null) {
            options = options.withSizeLimit(VersionSizeLimit.atMost(size(maxSize)));
        }
        return options;
    }

    /** {@code 123}, {@code 512M}, {@code 2G}, {@code 1T} (powers of 1024), at most 64 TiB. */
    static long size(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([1-9][0-9]{0,15})([KMGT]?)(i?B)?").matcher(text);
        if (m.matches()) {
            int shift = switch (m.group(2)) {
                case "K" -> 10;
                case "M" -> 20;
                case "G" -> 30;
                case "T" -> 40;
                default -> 0;
            };
            long n = Long.parseLong(m.group(1));
            if (n <= VersionSizeLimit.CAP >> shift) {
                return n << shift;
            }
        }
        throw new CliException(ExitCode.USAGE, "--max-version-size must be a size like 500G or 2T, at most 64T, got '" + text + "'");
    }

    private static CephSettings loadCeph(Path file) {
        try {
            return CloudSettingsLoader.load(file).ceph();
        } catch (IOException e) {
            throw new CliException(ExitCode.USAGE, "cannot read " + file + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.USAGE, e.getMessage());
        }
    }

    /** Differences arrive as clones of their base, usable at once; the CLI leaves the target standalone too. */
    private ReplicationResult replicateAndFlatten(RbdPool source, RbdPool target, String name, ReplicationOptions options) {
        ReplicationResult r = GoldenReplication.replicate(source, target, name, options, progress());
        new GoldenImages(target, CatalogOptions.defaults("rbd-cloud-replication")).completeFlattens(r.golden());
        return r;
    }

    private static Duration interval(String text) {
        return Durations.parse(text).filter(d -> !d.isZero() && !d.isNegative()).orElseThrow(() -> new CliException(
                ExitCode.USAGE, "--interval must be a duration like 30s, 5m or 1h, got '" + text + "'"));
    }

    /** Replicates once per interval until interrupted; a failed run is reported and retried next time. */
    private void watch(RbdPool source, RbdPool target, String name, ReplicationOptions options, Duration interval) {
        PeriodicReplication p = new PeriodicReplication(
                () -> replicateAndFlatten(source, target, name, options), interval);
        while (!Thread.currentThread().isInterrupted()) {
            Instant next = p.runIfDue(Instant.now());
            p.lastFailure().ifPresent(e -> s.err.println(Instant.now() + " replication failed: " + e.getMessage()));
            p.lastResult().ifPresent(r -> s.err.println(Instant.now() + " " + summary(r)));
            try {
                Thread.sleep(Math.max(0, Duration.between(Instant.now(), next).toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private ReplicationProgress progress() {
        return ReplicationProgress.reportingTo(new ProgressBar(s.err, "")::update);
    }

    private static String summary(ReplicationResult r) {
        long sent = r.versions().stream().filter(v -> v.action() != ReplicationResult.Action.SKIPPED).count();
        return r.golden() + ": " + sent + " version(s) sent, " + Bytes.human(r.bytesSent()) + " sent, current v" + r.current();
    }

    private void print(ReplicationResult r) {
        if (s.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("golden", r.golden());
            m.put("current", r.current());
            m.put("bytesSent", r.bytesSent());
            m.put("pruned", r.pruned());
            m.put("keptWithClones", r.keptWithClones());
            m.put("versions", r.versions().stream().map(v -> {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("version", v.version());
                x.put("action", v.action().name().toLowerCase(java.util.Locale.ROOT));
                x.put("base", v.base());
                x.put("bytesSent", v.bytesSent());
                x.put("checksum", v.checksum());
                return x;
            }).toList());
            s.out.println(Json.write(m));
            return;
        }
        Table t = new Table("VERSION", "ACTION", "BASE", "SENT", "CHECKSUM");
        r.versions().forEach(v -> t.row("v" + v.version(), v.action().name().toLowerCase(java.util.Locale.ROOT),
                v.base() == 0 ? "-" : "v" + v.base(), Bytes.human(v.bytesSent()), v.checksum() == null ? "-" : v.checksum()));
        t.print(s.out);
        s.out.println(summary(r) + (r.pruned().isEmpty() ? "" : ", pruned " + r.pruned())
                + (r.keptWithClones().isEmpty() ? "" : ", kept (live clones) " + r.keptWithClones()));
    }
}
