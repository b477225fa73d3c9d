package io.jenkins.plugins.rbdcloud.engine.cli;

import io.jenkins.plugins.rbdcloud.engine.agents.policy.TemplatePins;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenImage;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenVersion;
import io.jenkins.plugins.rbdcloud.engine.images.ImportFormat;
import io.jenkins.plugins.rbdcloud.engine.images.ImportProgress;
import io.jenkins.plugins.rbdcloud.engine.images.Promotion;
import io.jenkins.plugins.rbdcloud.engine.images.PruneResult;
import io.jenkins.plugins.rbdcloud.engine.images.Provenance;
import io.jenkins.plugins.rbdcloud.engine.util.Bytes;
import io.jenkins.plugins.rbdcloud.engine.util.Json;
import io.jenkins.plugins.rbdcloud.engine.util.Printable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code rbd-cloud images import|list|show|promote|rollback|prune|pin|unpin|remove}. */
final class ImagesCommand {

    static final String USAGE = """
            images import NAME FILE [--format detect|raw|qcow2]
                                           import a raw or qcow2 file as a new version (sparse, converted to raw);
                                           a file that starts like another format is refused unless --format raw
            images list                    golden images with their current version
            images show NAME               versions: state, current, created by, size, build and bytes written
            images promote NAME DISK [--copy]
                                           make agent disk DISK (agents pool) the next version
            images rollback NAME VERSION   make an older version current again
            images prune NAME [--keep N]   remove old versions (never current, pinned or with live clones); says what it keeps and why
            images pin NAME VERSION --note TEXT
                                           pin a version on the catalog: no prune removes it (TEXT: why, at most 200 characters)
            images unpin NAME VERSION      remove that pin
            images remove NAME             remove a golden image and all its versions (refused while agents use it)
            """ + ReplicationCommand.USAGE;

    private final CliSession s;

    ImagesCommand(CliSession s) {
        this.s = s;
    }

    ExitCode run(Args a) {
        String verb = a.next("images sub-command (import, list, show, promote, rollback, prune, pin, unpin, remove, replicate, export, import-backup)");
        if (ReplicationCommand.VERBS.contains(verb)) {
            return new ReplicationCommand(s).run(verb, a);
        }
        a.rejectUnknown(Set.of("copy", "json"), Set.of("keep", "config", "format", "note"));
        switch (verb) {
            case "import" -> {
                String name = a.next("golden image name");
                Path file = Path.of(a.next("file to import"));
                ImportFormat format = importFormat(a.option("format", "detect"));
                if (!Files.isReadable(file)) {
                    throw new CliException(ExitCode.NOT_FOUND, "cannot read " + file);
                }
                ProgressBar bar = new ProgressBar(s.err, "import " + name);
                GoldenVersion v = s.catalog().importFile(name, file, format, ImportProgress.reportingTo(bar::update));
                print(List.of(v));
            }
            case "list" -> {
                List<GoldenImage> images = s.catalog().list().stream().map(s.catalog()::show).toList();
                if (s.json) {
                    s.out.println(Json.write(images.stream().map(i -> Map.<String, Object>of("name", i.name(),
                            "current", i.currentVersion(), "versions", i.versions().size(), "cloneDepth", i.cloneDepth())).toList()));
                } else {
                    Table t = new Table("NAME", "CURRENT", "VERSIONS", "CLONE DEPTH");
                    images.forEach(i -> t.row(i.name(), "v" + i.currentVersion(), i.versions().size(), i.cloneDepth()));
                    t.print(s.out);
                }
            }
            case "show" -> print(s.catalog().versions(a.next("golden image name")));
            case "promote" -> {
                String name = a.next("golden image name");
                String disk = a.next("agent disk (image in the agents pool)");
                var agents = s.ceph().pool(s.settings().ceph().agentsPool());
                if (a.flag("copy")) {
                    print(List.of(s.catalog().promoteByCopy(name, agents, disk)));
                } else {
                    Promotion p = s.catalog().promote(name, agents, disk);
                    print(List.of(p.version()));
                    s.err.println("flattening " + p.version().label() + " in the background...");
                    print(List.of(p.flattened().join()));
                }
            }
            case "rollback" -> {
                String name = a.next("golden image name");
                String v = a.next("version (e.g. 2 or v2)");
                print(List.of(s.catalog().rollback(name, parseVersion(v))));
            }
            case "prune" -> prune(a.next("golden image name"), a.intOption("keep", 3));
            case "pin" -> {
                String name = a.next("golden image name");
                int v = parseVersion(a.next("version (e.g. 2 or v2)"));
                String note = a.option("note", null);
                if (note == null) {
                    throw new CliException(ExitCode.USAGE, "images pin needs --note TEXT saying why the version must stay");
                }
                try {
                    s.catalog().pin(name, v, note);
                } catch (IllegalArgumentException e) {
                    throw new CliException(ExitCode.USAGE, e.getMessage());
                }
                s.out.println("pinned " + name + "@v" + v + ": " + note.strip());
            }
            case "unpin" -> {
                String name = a.next("golden image name");
                int v = parseVersion(a.next("version (e.g. 2 or v2)"));
                s.out.println(s.catalog().unpin(name, v) ? "unpinned " + name + "@v" + v : name + "@v" + v + " was not pinned");
            }
            case "remove" -> {
                String name = a.next("golden image name");
                s.catalog().remove(name);
                s.out.println("removed golden image " + name);
            }
            default -> throw new CliException(ExitCode.USAGE, "unknown images sub-command '" + verb + "'\n" + USAGE);
        }
        return ExitCode.OK;
    }

    static ImportFormat importFormat(String name) {
        try {
            return ImportFormat.parse(name);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.USAGE, e.getMessage());
        }
    }

    /** Prunes, keeping the versions this config's templates pin as well as the catalog's own pins. */
    private void prune(String name, int keep) {
        TemplatePins pins = new TemplatePins(s.settings().templates());
        if (pins.unreadable(name).isPresent()) {
            throw new CliException(ExitCode.USAGE, "not pruning " + name + ": " + pins.unreadable(name).get()
                    + ", which is not a version");
        }
        PruneResult r = s.catalog().prune(name, keep, pins.of(name));
        if (s.json) {
            Map<String, String> kept = new LinkedHashMap<>();
            r.kept().forEach((v, why) -> kept.put("v" + v, why));
            s.out.println(Json.write(Map.of("removed", r.removed(), "retired", r.retired(), "kept", kept)));
            return;
        }
        s.out.println("removed versions: " + r.removed() + "; retired (still have clones): " + r.retired());
        Table t = new Table("KEPT", "WHY");
        r.kept().forEach((v, why) -> t.row(name + "@v" + v, why));
        t.print(s.out);
    }

    static int parseVersion(String v) {
        try {
            return Integer.parseInt(v.startsWith("v") ? v.substring(1) : v);
        } catch (NumberFormatException e) {
            throw new CliException(ExitCode.USAGE, "version must look like 3 or v3, got '" + v + "'");
        }
    }

    private void print(List<GoldenVersion> versions) {
        if (s.json) {
            s.out.println(Json.write(versions.stream().map(ImagesCommand::toMap).toList()));
            return;
        }
        Table t = new Table("VERSION", "STATE", "CURRENT", "CREATED", "BY", "SIZE", "USED", "PARENT", "WRITTEN", "BUILD");
        for (GoldenVersion v : versions) {
            // Build names are untrusted text: shown printable only.
            t.row(v.label(), v.state().metaValue(), v.current() ? "*" : "", v.createdAt(), v.createdBy(),
                    Bytes.human(v.sizeBytes()), Bytes.human(v.usedBytes()),
                    v.parentVersion() == 0 ? "-" : "v" + v.parentVersion(),
                    v.writtenBytes().isPresent() ? Bytes.human(v.writtenBytes().getAsLong()) : "-",
                    v.provenance().map(p -> Printable.of(p.describe())).orElse("-"));
        }
        t.print(s.out);
        // Rejected candidates: why their test boot failed (one line each, printable).
        versions.forEach(v -> v.rejectedWhy().ifPresent(why -> s.out.println(v.label() + " rejected: " + Printable.of(why))));
    }

    static Map<String, Object> toMap(GoldenVersion v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("image", v.golden());
        m.put("version", v.version());
        m.put("snapshot", v.snapshot().toString());
        m.put("state", v.state().metaValue());
        m.put("current", v.current());
        m.put("createdAt", v.createdAt().toString());
        m.put("createdBy", v.createdBy());
        m.put("sourceChecksum", v.sourceChecksum().orElse(null));
        m.put("parentVersion", v.parentVersion());
        m.put("sizeBytes", v.sizeBytes());
        m.put("usedBytes", v.usedBytes());
        m.put("rejectedWhy", v.rejectedWhy().orElse(null));
        m.put("writtenBytes", v.writtenBytes().isPresent() ? v.writtenBytes().getAsLong() : null);
        m.put("provenance", v.provenance().map(ImagesCommand::provenance).orElse(null));
        return m;
    }

    private static Map<String, Object> provenance(Provenance p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("job", p.job());
        m.put("build", p.build());
        m.put("branch", p.branch().orElse(null));
        m.put("changeRequest", p.changeRequest().orElse(null));
        m.put("fork", p.fork().orElse(null));
        m.put("startedBy", p.startedBy().orElse(null));
        return m;
    }
}
