package io.jenkins.plugins.rbdcloud.engine.cli;

import io.jenkins.plugins.rbdcloud.engine.Ownership;
import io.jenkins.plugins.rbdcloud.engine.agents.Agent;
import io.jenkins.plugins.rbdcloud.engine.agents.EngineOptions;
import io.jenkins.plugins.rbdcloud.engine.agents.Launch;
import io.jenkins.plugins.rbdcloud.engine.agents.RbdCloudEngine;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdNotFoundException;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
import io.jenkins.plugins.rbdcloud.engine.config.CloudSettings;
import io.jenkins.plugins.rbdcloud.engine.config.HypervisorSettings;
import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import io.jenkins.plugins.rbdcloud.engine.libvirt.Domains;
import io.jenkins.plugins.rbdcloud.engine.libvirt.Hypervisor;
import io.jenkins.plugins.rbdcloud.engine.util.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** {@code rbd-cloud agents up|ls}: agents outside Jenkins, for admins and scripts. */
final class AgentsCommand {

    static final String USAGE = """
            agents up [--template T] [--count N]
                                           provision N agents (default 1) and leave them running
            agents ls                      this cloud's agents on the backends: domain, disk, golden version""";

    private final CliSession s;

    AgentsCommand(CliSession s) {
        this.s = s;
    }

    ExitCode run(Args a) {
        String verb = a.next("agents sub-command (up, ls)");
        a.rejectUnknown(Set.of("json"), Set.of("template", "count", "config"));
        return switch (verb) {
            case "up" -> up(a.option("template", null), a.intOption("count", 1));
            case "ls" -> ls();
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
        }
        print(rows, List.of("name", "hypervisor", "golden", "cloneMillis", "startMillis", "readyMillis", "error"));
        return failed == 0 && rows.size() == count ? ExitCode.OK : ExitCode.FAILED;
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
                    row.put("diskUsedBytes", agents.usedBytes(image));
                }
            } catch (RbdNotFoundException gone) {
                // deleted while we listed
            }
        }
        for (HypervisorSettings h : cloud.hypervisors()) {
            try (Hypervisor hv = Hypervisor.of(h.uri(), new Hypervisor.Capacity(h.vcpus(), h.memoryMib(), h.maxAgents()))) {
                for (Domains.OwnedDomain d : Domains.listOwned(hv)) {
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
        print(new ArrayList<>(byAgent.values()), List.of("name", "template", "golden", "hypervisor", "state", "disk", "diskUsedBytes", "createdAt"));
        return ExitCode.OK;
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
            return r;
        });
    }

    private void print(List<Map<String, Object>> rows, List<String> columns) {
        if (s.json) {
            s.out.println(Json.write(rows));
            return;
        }
        Table t = new Table(columns.stream().map(c -> c.replaceAll("([A-Z])", " $1").toUpperCase(java.util.Locale.ROOT)).toArray(String[]::new));
        for (Map<String, Object> r : rows) {
            t.row(columns.stream().map(c -> c.equals("diskUsedBytes") && r.get(c) instanceof Long l ? ProgressBar.human(l) : r.get(c)).toArray());
        }
        t.print(s.out);
    }
}
