package io.jenkins.plugins.rbdcloud.engine.cli;

import io.jenkins.plugins.rbdcloud.engine.agents.EngineOptions;
import io.jenkins.plugins.rbdcloud.engine.agents.MaintenanceReport;
import io.jenkins.plugins.rbdcloud.engine.agents.RbdCloudEngine;
import io.jenkins.plugins.rbdcloud.engine.agents.ReconcileReport;
import io.jenkins.plugins.rbdcloud.engine.util.Json;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code rbd-cloud gc [--keep NAME,...]}: reconciliation from the command line. Every agent of this
 * cloud that is not named by --keep and is older than the reconcile grace is removed (domain, then
 * disk); then golden image maintenance (pending flattens, retention, trash purge).
 */
final class GcCommand {

    static final String USAGE = """
            gc [--keep A,B,...] [--force]  remove this cloud's agents not named (older than the grace), then maintain images;
                                           refused while a controller runs this cloud, unless --force""";

    private final CliSession s;

    GcCommand(CliSession s) {
        this.s = s;
    }

    ExitCode run(Args a) {
        a.rejectUnknown(Set.of("json", "force"), Set.of("keep", "config"));
        String keep = a.option("keep", "");
        Set<String> known = keep.isBlank() ? Set.of() : Set.of(keep.split(","));
        // A running controller's agents are unknown to the CLI: gc would remove them all.
        s.requireNoRunningController(a.flag("force"), "gc");
        ReconcileReport r;
        MaintenanceReport m;
        try (RbdCloudEngine engine = RbdCloudEngine.start(s.settings(), EngineOptions.defaults())) {
            r = engine.reconcile(known, Instant.now()).join();
            m = engine.maintainImages(Instant.now()).join();
        }
        if (s.json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("scanned", r.scanned());
            out.put("removedDomains", r.removedDomains());
            out.put("removedDisks", r.removedDisks());
            out.put("removedSecrets", r.removedSecrets());
            out.put("flattened", m.flattened());
            out.put("purgedTrash", m.purgedTrash());
            out.put("failures", java.util.stream.Stream.concat(r.failures().stream(), m.failures().stream()).toList());
            s.out.println(Json.write(out));
        } else {
            s.out.println("scanned " + r.scanned() + " objects; removed domains " + r.removedDomains() + ", disks " + r.removedDisks()
                    + (r.removedSecrets().isEmpty() ? "" : ", abandoned secrets " + r.removedSecrets()));
            s.out.println("images: flattened " + m.flattened() + ", removed versions " + m.removed() + ", purged trash " + m.purgedTrash());
            r.failures().forEach(f -> s.out.println("failure: " + f));
            m.failures().forEach(f -> s.out.println("failure: " + f));
        }
        return r.failures().isEmpty() && m.failures().isEmpty() ? ExitCode.OK : ExitCode.PROBLEMS_FOUND;
    }
}
