package io.jenkins.plugins.rbdcloud.engine.cli;

import io.jenkins.plugins.rbdcloud.engine.Ownership;
import io.jenkins.plugins.rbdcloud.engine.agents.AdoptionReport;
import io.jenkins.plugins.rbdcloud.engine.agents.Agent;
import io.jenkins.plugins.rbdcloud.engine.agents.EngineOptions;
import io.jenkins.plugins.rbdcloud.engine.agents.Launch;
import io.jenkins.plugins.rbdcloud.engine.agents.PendingUndo;
import io.jenkins.plugins.rbdcloud.engine.agents.RbdCloudEngine;
import io.jenkins.plugins.rbdcloud.engine.agents.TerminationReport;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdNotFoundException;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
import io.jenkins.plugins.rbdcloud.engine.config.CloudSettings;
import io.jenkins.plugins.rbdcloud.engine.config.HypervisorSettings;
import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import io.jenkins.plugins.rbdcloud.engine.libvirt.OwnedDomain;
import io.jenkins.plugins.rbdcloud.engine.libvirt.ExecResult;
import io.jenkins.plugins.rbdcloud.engine.libvirt.Hypervisor;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * {@code rbd-cloud agents up|ls|exec|down} (and {@link FailuresCommand failures|debug}): agents outside Jenkins, for admins and scripts. The CLI
 * lives shorter than its agents: exec and down first adopt this cloud's running agents.
 */
final class AgentsCommand {

    /** How long {@code agents up} waits for failed launches' undos before it exits anyway. */
    static final Duration UNDO_WAIT = Duration.ofSeconds(60);

    static final String USAGE = """
            agents up [--template T] [--count N]
                                           provision N agents (default 1) and leave them running
            agents ls                      this cloud's agents on the backends: domain, disk, golden version,
                                           bytes written so far (diff against the golden version), age
            agents exec NAME [--timeout S] -- CMD [ARG...]
                                           run CMD (no shell) in the agent's guest; exits with CMD's status
            agents down NAME... [--force]  delete agents (domain, then disk): disk fate, bytes written and
                                           freed, times; refused while a controller runs this cloud, unless --force
            """ + FailuresCommand.USAGE;

    private final CliSession s;

    AgentsCommand(CliSession s) {
        this.s = s;
    }

    ExitCode run(Args a) {
        String verb = a.next("agents sub-command (up, ls, exec, down, failures, debug)");
        a.rejectUnknown(Set.of("json", "force"), Set.of("template", "count", "config", "timeout", "for"));
        return switch (verb) {
            case "up" -> up(a.option("template", null), a.intOption("count", 1));
            case "ls" -> ls();
            case "exec" -> exec(a.next("agent name"), a.rest(), a.passThrough(), a.intOption("timeout", 60));
            case "down" -> down(a.rest(), a.flag("force"));
            case "failures" -> new FailuresCommand(s).list();
            case "debug" -> new FailuresCommand(s).debug(a.next("failure snapshot, agent or build (job#number)"),
                    a.option("for", "2h"));
            default -> throw new CliException(ExitCode.USAGE, "unknown agents sub-command '" + verb + "'\n" + USAGE);
        };
    }

    private ExitCode up(String templateName, int count) {
        CloudSettings cloud = s.settings();
        TemplateSettings t = templateName == null ? cloud.templates().get(0)
                : cloud.template(templateName).orElseThrow(() -> new CliException(ExitCode.NOT_FOUND, "no template named " + templateName));
        if (count < 1) {
            throw new CliException(ExitCode.USAGE, "--count must be at least 1");
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        int failed = 0;
        try (RbdCloudEngine engine = RbdCloudEngine.start(cloud, EngineOptions.defaults())) {
            List<Launch> launches = engine.plan(x -> x == t, count * t.executors());
            if (launches.size() < count) {
                s.err.println("capacity for " + launches.size() + " of " + count + " agents (" + engine.usage() + ")");
            }
            for (Launch l : launches) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("name", l.name());
                try {
                    Agent ag = l.ready().join();
                    row.put("hypervisor", ag.hypervisor());
                    row.put("golden", ag.golden());
                    ag.phases().forEach((p, d) -> row.put(p.name().toLowerCase(java.util.Locale.ROOT) + "Millis", d.toMillis()));
                } catch (RuntimeException e) {
                    failed++;
                    row.put("error", e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
                }
                rows.add(row);
            }
            awaitUndos(engine);
        }
        print(rows, List.of("name", "hypervisor", "golden", "cloneMillis", "startMillis", "readyMillis", "error"));
        return failed == 0 && rows.size() == count ? ExitCode.OK : ExitCode.FAILED;
    }

    /** A failed launch is not over until its undo ran: wait for it (bounded) and say what is left. */
    private void awaitUndos(RbdCloudEngine engine) {
        String pool = s.settings().ceph().agentsPool();
        List<PendingUndo> left;
        try {
            int[] shown = {-1};
            left = engine.awaitUndos(UNDO_WAIT, pending -> {
                int attempts = pending.stream().mapToInt(PendingUndo::attempts).sum();
                if (attempts != shown[0]) {
                    shown[0] = attempts;
                    s.err.println("waiting for " + pending.size() + " undo(s) of failed launches (up to " + UNDO_WAIT.toSeconds()
                            + " s): " + String.join("; ", pending.stream().map(p -> p.describe(pool) + " (" + p.lastError() + ")").toList()));
                }
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            left = engine.pendingUndos();
        }
        for (PendingUndo p : left) {
            s.err.println("left behind, for gc to remove: " + p.describe(pool) + " (" + p.lastError() + ")");
        }
    }

    private ExitCode ls() {
        CloudSettings cloud = s.settings();
        Map<String, Map<String, Object>> byAgent = new TreeMap<>();
        RbdPool agents = s.ceph().pool(cloud.ceph().agentsPool());
        for (String image : agents.list()) {
            try {
                Map<String, String> meta = new TreeMap<>();
                agents.metaList(image).forEach((k, v) -> {
                    if (k.startsWith(Ownership.META_PREFIX)) {
                        meta.put(k.substring(Ownership.META_PREFIX.length()), v);
                    }
                });
                Optional<Ownership> o = Ownership.fromMap(meta);
                if (o.isPresent() && ours(cloud, o.get()) && image.equals(o.get().agent())) {
                    Map<String, Object> row = row(byAgent, o.get());
                    row.put("disk", agents.name() + "/" + image);
                    row.put("writtenBytes", agents.writtenBytes(image));
                    row.put("diskUsedBytes", agents.usedBytes(image));
                }
            } catch (RbdNotFoundException gone) {
                // deleted while we listed
            }
        }
        for (HypervisorSettings h : cloud.hypervisors()) {
            try (Hypervisor hv = Hypervisor.of(h.uri(), new Hypervisor.Capacity(h.vcpus(), h.memoryMib(), h.maxAgents()))) {
                for (OwnedDomain d : hv.listOwned()) {
                    if (ours(cloud, d.ownership())) {
                        Map<String, Object> row = row(byAgent, d.ownership());
                        row.put("hypervisor", h.name());
                        row.put("state", d.state());
                    }
                }
            } catch (RuntimeException e) {
                s.err.println("hypervisor " + h.name() + " not listed: " + e.getMessage());
            }
        }
        print(new ArrayList<>(byAgent.values()), List.of("name", "template", "golden", "hypervisor", "state", "disk", "writtenBytes",
                "diskUsedBytes", "age"));
        return ExitCode.OK;
    }

    private ExitCode exec(String name, List<String> extra, List<String> command, int timeoutSeconds) {
        if (command.isEmpty() || !extra.isEmpty()) {
            throw new CliException(ExitCode.USAGE, "put the command after --, e.g. agents exec NAME -- /bin/uname -a");
        }
        if (timeoutSeconds < 1) {
            throw new CliException(ExitCode.USAGE, "--timeout must be at least 1 second");
        }
        try (RbdCloudEngine engine = RbdCloudEngine.start(s.settings(), EngineOptions.defaults())) {
            AdoptionReport adopted = adopt(engine);
            if (!known(engine, name)) {
                throw new CliException(ExitCode.NOT_FOUND, notFound(adopted, name));
            }
            ExecResult r = engine.exec(name, Duration.ofSeconds(timeoutSeconds), command.toArray(String[]::new)).join();
            s.out.write(r.stdout(), 0, r.stdout().length);
            s.out.flush();
            s.err.write(r.stderr(), 0, r.stderr().length);
            if (r.truncated()) {
                s.err.println("rbd-cloud: output truncated (qemu-guest-agent's limit)");
            }
            s.err.flush();
            return ExitCode.ofCommand(r.exitCode(), r.signal());
        }
    }

    private ExitCode down(List<String> names, boolean force) {
        if (names.isEmpty()) {
            throw new CliException(ExitCode.USAGE, "name the agents to delete: agents down NAME...");
        }
        s.requireNoRunningController(force, "agents down");
        List<Map<String, Object>> rows = new ArrayList<>();
        boolean missing = false;
        boolean failed = false;
        try (RbdCloudEngine engine = RbdCloudEngine.start(s.settings(), EngineOptions.defaults())) {
            AdoptionReport adopted = adopt(engine);
            Map<String, CompletableFuture<TerminationReport>> deleting = new LinkedHashMap<>();
            for (String name : new LinkedHashSet<>(names)) {
                if (known(engine, name)) {
                    deleting.put(name, engine.terminateAndWait(name));
                } else {
                    s.err.println("rbd-cloud: " + notFound(adopted, name));
                    missing = true;
                }
            }
            for (var d : deleting.entrySet()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("name", d.getKey());
                try {
                    TerminationReport r = d.getValue().join();
                    row.put("domainRemoved", r.domainRemoved());
                    row.put("disk", r.disk().name());
                    engine.recentFigures().stream().filter(f -> f.agent().equals(d.getKey())).findFirst()
                            .ifPresent(f -> FigureColumns.put(row, f));
                    row.put("freedBytes", r.freedBytes());
                    row.put("millis", r.took().toMillis());
                } catch (CompletionException e) {
                    failed = true;
                    row.put("error", e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
                }
                rows.add(row);
            }
            awaitUndos(engine);
        }
        print(rows, List.of("name", "domainRemoved", "disk", "writtenBytes", "freedBytes", "buildMillis", "millis", "error"));
        return failed ? ExitCode.FAILED : missing ? ExitCode.NOT_FOUND : ExitCode.OK;
    }

    /** Takes over this cloud's running agents, so the engine can reach them; what could not be read goes to stderr. */
    private AdoptionReport adopt(RbdCloudEngine engine) {
        AdoptionReport r = engine.adopt(Instant.now()).join();
        r.failures().forEach(f -> s.err.println("rbd-cloud: warning: " + f));
        return r;
    }

    private static boolean known(RbdCloudEngine engine, String name) {
        return engine.agents().stream().anyMatch(x -> x.name().equals(name));
    }

    private String notFound(AdoptionReport adopted, String name) {
        return adopted.skipped().stream().filter(l -> l.startsWith(name + " ")).findFirst()
                .map(l -> "agent " + l + " (gc removes it)")
                .orElse("no running agent named " + name + " in cloud " + s.settings().name() + " (see agents ls)");
    }

    private static boolean ours(CloudSettings cloud, Ownership o) {
        return o.ownerId().equals(cloud.ownerId()) && o.cloud().equals(cloud.name());
    }

    private static Map<String, Object> row(Map<String, Map<String, Object>> byAgent, Ownership o) {
        return byAgent.computeIfAbsent(o.agent(), n -> {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("name", n);
            r.put("template", o.template());
            r.put("golden", o.golden());
            r.put("createdAt", o.createdAt().toString());
            r.put("age", FigureColumns.age(Duration.between(o.createdAt(), Instant.now())));
            return r;
        });
    }

    private void print(List<Map<String, Object>> rows, List<String> columns) {
        Rows.print(s, rows, columns);
    }
}
