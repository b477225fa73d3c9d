package io.jenkins.plugins.rbdcloud.engine.cli;

import io.jenkins.plugins.rbdcloud.engine.agents.Agent;
import io.jenkins.plugins.rbdcloud.engine.agents.EngineOptions;
import io.jenkins.plugins.rbdcloud.engine.agents.FailureSnapshot;
import io.jenkins.plugins.rbdcloud.engine.agents.RbdCloudEngine;
import io.jenkins.plugins.rbdcloud.engine.config.Durations;
import io.jenkins.plugins.rbdcloud.engine.config.HypervisorSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

/**
 * {@code rbd-cloud agents failures|debug}: the disks failed builds left ({@code onFailure=snapshot})
 * and debug agents booted from them, outside Jenkins.
 */
final class FailuresCommand {

    static final String USAGE = """
            agents failures                failure snapshots: template, build, reason, age, expiry
            agents debug SNAPSHOT|AGENT|JOB#N [--for 2h]
                                           boot a debug agent on a clone of a failure snapshot (not in
                                           Jenkins); gc removes it after --for (1m to 1d); agents down ends it""";

    private final CliSession s;

    FailuresCommand(CliSession s) {
        this.s = s;
    }

    ExitCode list() {
        Instant now = Instant.now();
        List<Map<String, Object>> rows = new ArrayList<>();
        try (RbdCloudEngine engine = RbdCloudEngine.start(s.settings(), EngineOptions.defaults())) {
            for (FailureSnapshot f : engine.failures().join()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("agent", f.agent());
                row.put("template", f.template());
                row.put("build", f.build().map(b -> b.job() + "#" + b.build()).orElse("-"));
                row.put("reason", f.reason());
                row.put("age", human(Duration.between(f.failedAt(), now)));
                row.put("expires", f.expiresAt().map(e -> e.isAfter(now) ? "in " + human(Duration.between(now, e)) : "due")
                        .orElse("invalid tag: at the next gc"));
                row.put("snapshot", f.snapshot());
                row.put("usedBytes", f.usedBytes());
                if (s.json) {
                    row.put("failedAt", f.failedAt().toString());
                    f.expiresAt().ifPresent(e -> row.put("expiresAt", e.toString()));
                }
                rows.add(row);
            }
        }
        Rows.print(s, rows, List.of("agent", "template", "build", "reason", "age", "expires", "snapshot", "usedBytes"));
        return ExitCode.OK;
    }

    ExitCode debug(String failure, String lifetime) {
        Duration life = Durations.parse(lifetime).orElseThrow(() -> new CliException(ExitCode.USAGE,
                "--for must be a duration such as 30m or 2h"));
        if (life.compareTo(Duration.ofMinutes(1)) < 0 || life.compareTo(RbdCloudEngine.MAX_DEBUG) > 0) {
            throw new CliException(ExitCode.USAGE, "--for must be between 1m and 1d, got " + lifetime);
        }
        Instant now = Instant.now();
        Agent a;
        try (RbdCloudEngine engine = RbdCloudEngine.start(s.settings(), EngineOptions.defaults())) {
            try {
                a = engine.debug(failure, life, now).join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof IllegalArgumentException notFound) {
                    throw new CliException(ExitCode.NOT_FOUND, notFound.getMessage());
                }
                throw new CliException(ExitCode.FAILED, "debug agent failed: "
                        + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
            }
        }
        String uri = s.settings().hypervisors().stream().filter(h -> h.name().equals(a.hypervisor()))
                .map(HypervisorSettings::uri).findFirst().orElse("?");
        String config = s.configArgument();
        if (s.json) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", a.name());
            row.put("hypervisor", a.hypervisor());
            row.put("until", now.plus(life).toString());
            row.put("exec", "./rbd-cloud" + config + " agents exec " + a.name() + " -- /bin/sh -c 'CMD'");
            row.put("console", "virsh -c " + uri + " console " + a.name());
            row.put("down", "./rbd-cloud" + config + " agents down " + a.name());
            s.out.println(io.jenkins.plugins.rbdcloud.engine.util.Json.write(row));
            return ExitCode.OK;
        }
        s.out.println("debug agent " + a.name() + " on " + a.hypervisor() + " (a clone of " + failure + "), not connected to Jenkins,");
        s.out.println("removed by gc after " + now.plus(life) + " (" + human(life) + ")");
        s.out.println("  run a command:  ./rbd-cloud" + config + " agents exec " + a.name() + " -- /bin/sh -c 'CMD'");
        s.out.println("  serial console: virsh -c " + uri + " console " + a.name());
        s.out.println("  end it:         ./rbd-cloud" + config + " agents down " + a.name());
        return ExitCode.OK;
    }

    /** {@code 3d4h}, {@code 2h05m}, {@code 12m}, {@code <1m}: enough for people reading a list. */
    static String human(Duration d) {
        long m = Math.max(0, d.toMinutes());
        if (m < 1) {
            return "<1m";
        }
        if (m < 60) {
            return m + "m";
        }
        if (m < 24 * 60) {
            return m / 60 + "h" + String.format("%02dm", m % 60);
        }
        return m / (24 * 60) + "d" + (m % (24 * 60)) / 60 + "h";
    }
}
