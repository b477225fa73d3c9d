package io.jenkins.plugins.rbdcloud.engine.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Writes {@link CloudSettings} back in the config-file form {@link CloudSettingsLoader} reads. Secrets
 * read from files are written as their file paths; a cephx key given inline cannot be written,
 * because the config file never holds one.
 */
public final class CloudSettingsWriter {

    private CloudSettingsWriter() {
    }

    public static Properties toProperties(CloudSettings s) {
        Map<String, String> m = new TreeMap<>();
        m.put("cloud.name", s.name());
        m.put("cloud.ownerId", s.ownerId());
        m.put("cloud.maxAgents", Integer.toString(s.maxAgents()));
        m.put("cloud.reconcileGrace", Durations.format(s.reconcileGrace()));
        ceph(m, s.ceph());
        for (HypervisorSettings h : s.hypervisors()) {
            String p = "hypervisor." + h.name() + ".";
            m.put(p + "uri", h.uri());
            m.put(p + "vcpus", Integer.toString(h.vcpus()));
            m.put(p + "memoryMib", Integer.toString(h.memoryMib()));
            m.put(p + "maxAgents", Integer.toString(h.maxAgents()));
            h.group().ifPresent(g -> m.put(p + "group", g));
            m.put(p + "domainType", h.domainType().word());
        }
        for (TemplateSettings t : s.templates()) {
            template(m, t);
        }
        Properties props = new Properties();
        props.putAll(m);
        return props;
    }

    private static void ceph(Map<String, String> m, CephSettings c) {
        c.conf().ifPresent(p -> m.put("ceph.conf", p.toString()));
        if (!c.monitors().isEmpty()) {
            m.put("ceph.monitors", c.monitors().stream().map(HostPort::toString).collect(Collectors.joining(",")));
        }
        m.put("ceph.user", c.user());
        m.put("ceph.keyFile", keyFile("ceph.keyFile", c.key()));
        m.put("ceph.hypervisorUser", c.hypervisorUser());
        m.put("ceph.hypervisorKeyFile", keyFile("ceph.hypervisorKeyFile", c.hypervisorKey()));
        m.put("ceph.imagesPool", c.imagesPool());
        m.put("ceph.agentsPool", c.agentsPool());
    }

    private static String keyFile(String key, Secret secret) {
        return secret.file().map(Path::toString).orElseThrow(() -> new IllegalArgumentException(
                key + ": the key was given inline; write it to a file (mode 600) and build the settings from that file"));
    }

    private static void template(Map<String, String> m, TemplateSettings t) {
        String p = "template." + t.name() + ".";
        m.put(p + "labels", String.join(" ", new TreeSet<>(t.labels())));
        m.put(p + "image", t.image());
        t.imageVersion().ifPresent(v -> m.put(p + "imageVersion", v));
        m.put(p + "vcpus", Integer.toString(t.vcpus()));
        m.put(p + "memoryMib", Integer.toString(t.memoryMib()));
        t.diskGib().ifPresent(g -> m.put(p + "diskGib", Integer.toString(g)));
        m.put(p + "executors", Integer.toString(t.executors()));
        if (t.maxAgents() != TemplateSettings.UNLIMITED) {
            m.put(p + "maxAgents", Integer.toString(t.maxAgents()));
        }
        m.put(p + "retention", t.retention().word());
        m.put(p + "snapshot", t.snapshot().word());
        m.put(p + "consistency", t.consistency().word());
        m.put(p + "watchdog", t.watchdog().word());
        t.network().ifPresent(n -> {
            m.put(p + "network", n.word());
            n.mtu().ifPresent(mtu -> m.put(p + "mtu", Integer.toString(mtu)));
        });
        m.put(p + "launcher", t.launcher().word());
        t.env().forEach((k, v) -> {
            if (v.file().isPresent()) {
                m.put(p + "envFile." + k, v.file().get().toString());
            } else {
                m.put(p + "env." + k, v.reveal());
            }
        });
        m.put(p + "startTimeout", Durations.format(t.startTimeout()));
        m.put(p + "warmPool", Integer.toString(t.warmPool()));
        m.put(p + "warmPoolMaxAge", Durations.format(t.warmPoolMaxAge()));
        m.put(p + "maxCloneDepth", Integer.toString(t.maxCloneDepth()));
        m.put(p + "promoteMaxWrittenMib", Long.toString(t.promoteMaxWrittenBytes() >> 20));
        m.put(p + "onFailure", t.onFailure().policy().word());
        m.put(p + "failureRetention", Durations.format(t.onFailure().retention()));
        m.put(p + "failureSnapshots", Integer.toString(t.onFailure().snapshots()));
        PromoteFrom from = t.promoteFrom();
        if (!from.jobs().isEmpty()) {
            m.put(p + "promoteFrom.jobs", String.join(" ", from.jobs()));
            if (!from.branches().isEmpty()) {
                m.put(p + "promoteFrom.branches", String.join(" ", from.branches()));
            }
            m.put(p + "promoteFrom.changeRequests", Boolean.toString(from.changeRequests()));
            m.put(p + "promoteFrom.forks", Boolean.toString(from.forks()));
        }
        t.directBoot().ifPresent(d -> {
            m.put(p + "kernel", d.kernel().toString());
            d.initrd().ifPresent(i -> m.put(p + "initrd", i.toString()));
            if (!d.cmdline().isEmpty()) {
                m.put(p + "cmdline", d.cmdline());
            }
        });
        t.hypervisorGroup().ifPresent(g -> m.put(p + "hypervisorGroup", g));
    }
}
