package io.jenkins.plugins.rbdcloud.engine.cli;

import io.jenkins.plugins.rbdcloud.engine.agents.Agent;
import io.jenkins.plugins.rbdcloud.engine.agents.CompletionReport;
import io.jenkins.plugins.rbdcloud.engine.agents.EngineOptions;
import io.jenkins.plugins.rbdcloud.engine.agents.Launch;
import io.jenkins.plugins.rbdcloud.engine.agents.PhaseTimings;
import io.jenkins.plugins.rbdcloud.engine.agents.RbdCloudEngine;
import io.jenkins.plugins.rbdcloud.engine.agents.ReconcileReport;
import io.jenkins.plugins.rbdcloud.engine.agents.TerminationReport;
import io.jenkins.plugins.rbdcloud.engine.config.CloudSettings;
import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenVersion;
import io.jenkins.plugins.rbdcloud.engine.images.ImportProgress;
import io.jenkins.plugins.rbdcloud.engine.libvirt.ExecResult;
import io.jenkins.plugins.rbdcloud.engine.util.Bytes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * {@code rbd-cloud demo}, the main job on the embedded environment: import the test golden image,
 * provision three agents in parallel, run a build in each, promote one successful agent's disk to
 * a new golden version, boot a fourth agent from it and show the file the build left, delete
 * everything, reconcile, and print timings, bytes and leaks.
 */
final class DemoCommand {

    /** What the demo "build" does: writes a cache file and a marker naming the agent. */
    private static final String BUILD = "mkdir -p /build-cache && head -c 8388608 /dev/urandom > /build-cache/deps.bin"
            + " && echo \"warmed by $AGENT\" > /build-cache/marker && sync && ls -l /build-cache";
    private static final Duration EXEC_TIMEOUT = Duration.ofSeconds(60);

    private final CliSession s;
    /** The provenance the demo's promotion carries; the dev template's promoteFrom allows it. */
    static final String JOB = "rbd-cloud-demo";

    private final Table steps = new Table("STEP", "MILLIS", "DETAIL");

    DemoCommand(CliSession s) {
        this.s = s;
    }

    ExitCode run(Args a) {
        a.rejectUnknown(Set.of("json"), Set.of("config"));
        if (!s.isDevDefault()) {
            throw new CliException(ExitCode.USAGE, "demo runs on the embedded environment only (drop --config)");
        }
        long t = System.nanoTime();
        String golden = "demo-" + Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
        s.goldenImageForDevTemplate(golden);
        CloudSettings cloud = s.settings();
        TemplateSettings template = cloud.templates().get(0);
        step("environment up", t, "Ceph + libvirtd + test guest (dev/env)");

        t = System.nanoTime();
        ProgressBar bar = new ProgressBar(s.err, "import " + golden);
        GoldenVersion v1 = s.catalog().importFile(golden, Path.of(s.devEnv().get("RBD_CLOUD_GUEST_IMAGE")),
                ImportProgress.reportingTo(bar::update));
        step("import golden image", t, v1.label() + ", " + Bytes.human(v1.usedBytes()) + " used");

        // Agents of the dev cloud that exist before the demo (e.g. from `agents up`) are not the
        // demo's to reconcile away.
        Set<String> before = new LeakCheck(s).agentNames(o -> true);
        boolean clean = false;
        try (RbdCloudEngine engine = RbdCloudEngine.start(cloud, EngineOptions.defaults())) {
            t = System.nanoTime();
            List<Launch> launches = engine.plan(x -> x.name().equals(template.name()), 3 * template.executors());
            List<Agent> agents = new ArrayList<>();
            for (Launch l : launches) {
                agents.add(l.ready().join());
            }
            step("provision 3 agents in parallel", t, String.join(" ", agents.stream().map(Agent::name).toList()));

            t = System.nanoTime();
            List<CompletableFuture<ExecResult>> builds = agents.stream()
                    .map(ag -> engine.exec(ag.name(), EXEC_TIMEOUT, "/bin/sh", "-c", "AGENT=" + ag.name() + "; " + BUILD)).toList();
            for (CompletableFuture<ExecResult> b : builds) {
                ExecResult r = b.join();
                if (r.exitCode() != 0) {
                    throw new CliException(ExitCode.FAILED, "demo build failed: " + new String(r.stderr(), StandardCharsets.UTF_8));
                }
            }
            step("build in each (guest-exec)", t, "8 MiB cache + marker per agent");

            t = System.nanoTime();
            CompletionReport promoted = engine.complete(agents.get(0).name(), true,
                    io.jenkins.plugins.rbdcloud.engine.images.Provenance.of(JOB, 1)).join();
            step("complete+promote " + agents.get(0).name(), t, promoted.promotedVersion().orElse("not promoted")
                    + " via " + promoted.promotionPath() + ", build wrote " + Bytes.human(promoted.buildWrittenBytes())
                    + promoted.versionUsedBytes().stream().mapToObj(b -> ", version uses " + Bytes.human(b)).findFirst().orElse("")
                    + promoted.promotionFailure().map(f -> ", failure: " + f).orElse(""));
            if (promoted.promotedVersion().isEmpty()) {
                throw new CliException(ExitCode.FAILED, "promotion failed: " + promoted.promotionFailure().orElse("?"));
            }

            t = System.nanoTime();
            long freed = 0;
            for (Agent ag : agents.subList(1, agents.size())) {
                freed += engine.terminateAndWait(ag.name()).join().freedBytes();
            }
            step("terminate the other 2", t, Bytes.human(freed) + " freed (no trim: deleting a clone frees it all)");

            t = System.nanoTime();
            Agent fourth = engine.provision(template.name()).ready().join();
            ExecResult marker = engine.exec(fourth.name(), EXEC_TIMEOUT, "/bin/cat", "/build-cache/marker").join();
            String shown = new String(marker.stdout(), StandardCharsets.UTF_8).strip();
            step("boot 4th agent from " + fourth.golden(), t, "/build-cache/marker: " + (shown.isEmpty() ? "MISSING" : shown));
            if (!shown.contains(agents.get(0).name())) {
                throw new CliException(ExitCode.FAILED, "the new version does not carry the build's file: '" + shown + "'");
            }

            t = System.nanoTime();
            TerminationReport last = engine.terminateAndWait(fourth.name()).join();
            step("terminate the 4th", t, last.disk() + ", " + Bytes.human(last.freedBytes()) + " freed");

            t = System.nanoTime();
            var maintained = engine.maintainImages(Instant.now()).join();
            step("image maintenance", t, "flattened " + maintained.flattened());

            t = System.nanoTime();
            ReconcileReport rec = engine.reconcile(before, Instant.now()).join();
            step("reconcile", t, "scanned " + rec.scanned() + ", removed " + rec.removedDomains().size() + " domains, "
                    + rec.removedDisks().size() + " disks" + (rec.failures().isEmpty() ? "" : ", failures " + rec.failures()));

            s.out.println();
            steps.print(s.out);
            s.out.println();
            Table phases = new Table("PHASE", "COUNT", "P50 MS", "P95 MS");
            for (PhaseTimings.Phase p : PhaseTimings.Phase.values()) {
                engine.timings().summary(p).ifPresent(sum -> phases.row(p.name().toLowerCase(java.util.Locale.ROOT),
                        sum.count(), sum.p50().toMillis(), sum.p95().toMillis()));
            }
            phases.print(s.out);
            s.out.println();
            Table versions = new Table("VERSION", "STATE", "CURRENT", "CREATED BY", "USED");
            s.catalog().versions(golden).forEach(gv -> versions.row(gv.label(), gv.state().metaValue(), gv.current() ? "*" : "",
                    gv.createdBy(), Bytes.human(gv.usedBytes())));
            versions.print(s.out);
            clean = true;
        } finally {
            removeGolden(golden);
        }
        long leaked = new LeakCheck(s).count(o -> o.golden().startsWith(golden + "@"));
        s.out.println();
        s.out.println("leaked objects: " + leaked);
        return clean && leaked == 0 ? ExitCode.OK : ExitCode.PROBLEMS_FOUND;
    }

    private void removeGolden(String golden) {
        long t = System.nanoTime();
        try {
            s.catalog().completeFlattens(golden);
            s.catalog().remove(golden);
            step("remove golden image " + golden, t, "all versions");
        } catch (RuntimeException e) {
            s.err.println("could not remove the demo golden image " + golden + ": " + e.getMessage());
        }
    }

    private void step(String name, long startNanos, String detail) {
        long ms = (System.nanoTime() - startNanos) / 1_000_000;
        steps.row(name, ms, detail);
        s.err.printf("%-40s %6d ms  %s%n", name, ms, detail);
    }
}
