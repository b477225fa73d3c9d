package io.jenkins.plugins.rbdcloud.engine.config;

import io.jenkins.plugins.rbdcloud.engine.Ownership;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One rbd-cloud: where the disks live, where the guests run, which agents it offers and how many.
 *
 * @param name           cloud name, written into every object's ownership tags
 * @param ownerId        identity of this controller; reconciliation only ever deletes objects tagged with it
 * @param ceph           Ceph access
 * @param hypervisors    libvirt hosts (unique names)
 * @param templates      agent templates (unique names), in the order they are preferred
 * @param maxAgents      global cap on agents, counting those still being created
 * @param reconcileGrace objects of ours unknown to the controller are deleted only once older than this
 */
public record CloudSettings(String name, String ownerId, CephSettings ceph, List<HypervisorSettings> hypervisors,
                            List<TemplateSettings> templates, int maxAgents, Duration reconcileGrace) {

    public static final Duration DEFAULT_RECONCILE_GRACE = Duration.ofMinutes(10);

    private static final Check CHECK = new Check("cloud", "cloud.");

    public CloudSettings {
        CHECK.name("name", name);
        try {
            Ownership.checkTag("ownerId", ownerId);
        } catch (IllegalArgumentException e) {
            throw new SettingException("cloud.ownerId", "cloud: " + e.getMessage());
        }
        CHECK.present("ceph", ceph);
        hypervisors = List.copyOf(CHECK.present("hypervisors", hypervisors));
        templates = List.copyOf(CHECK.present("templates", templates));
        if (hypervisors.isEmpty()) {
            throw new SettingException("hypervisor", "cloud: at least one hypervisor is required: add hypervisor.<name>.uri");
        }
        if (templates.isEmpty()) {
            throw new SettingException("template", "cloud: at least one template is required: add template.<name>.image");
        }
        CHECK.unique("hypervisors", hypervisors.stream().map(HypervisorSettings::name).toList());
        CHECK.unique("templates", templates.stream().map(TemplateSettings::name).toList());
        CHECK.range("maxAgents", maxAgents, 1, 10_000);
        CHECK.range("reconcileGrace", reconcileGrace, Duration.ofMinutes(1), Duration.ofDays(7));
        for (TemplateSettings t : templates) {
            checkPlacement(t, hypervisors);
        }
        checkGraceCoversStart(reconcileGrace, templates);
        int warm = templates.stream().mapToInt(TemplateSettings::warmPool).sum();
        if (warm > maxAgents) {
            throw CHECK.fail("maxAgents", "must be at least the warm pools together (" + warm + "), got " + maxAgents
                    + "; raise it or shrink warmPool");
        }
    }

    /** Every template must fit on at least one hypervisor it may use, or it could never get an agent. */
    private static void checkPlacement(TemplateSettings t, List<HypervisorSettings> hypervisors) {
        Check check = Check.named("template", t.name());
        List<HypervisorSettings> allowed = hypervisors.stream().filter(t::allows).toList();
        if (allowed.isEmpty()) {
            throw check.fail("hypervisorGroup", "names group '" + t.hypervisorGroup().orElseThrow()
                    + "' but no hypervisor has it: set hypervisor.<name>.group or remove the affinity");
        }
        boolean fits = allowed.stream().anyMatch(h -> h.vcpus() >= t.vcpus() && h.memoryMib() >= t.memoryMib());
        if (!fits) {
            throw check.fail("memoryMib", "and vcpus (" + t.memoryMib() + " MiB, " + t.vcpus()
                    + " vCPUs) fit on no hypervisor it may use: shrink the template or raise a hypervisor's capacity");
        }
    }

    /** Agents still booting are not yet known to Jenkins; the grace period must outlast their start. */
    private static void checkGraceCoversStart(Duration grace, List<TemplateSettings> templates) {
        TemplateSettings slowest = templates.stream()
                .max(Comparator.comparing(TemplateSettings::startTimeout)).orElseThrow();
        if (grace.compareTo(slowest.startTimeout()) < 0) {
            throw CHECK.fail("reconcileGrace", "must be at least the longest startTimeout ("
                    + Durations.format(slowest.startTimeout()) + " in template '" + slowest.name()
                    + "') so agents still starting are never deleted, got " + Durations.format(grace));
        }
    }

    public Optional<TemplateSettings> template(String templateName) {
        return templates.stream().filter(t -> t.name().equals(templateName)).findFirst();
    }

    public Optional<HypervisorSettings> hypervisor(String hypervisorName) {
        return hypervisors.stream().filter(h -> h.name().equals(hypervisorName)).findFirst();
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Builds {@link CloudSettings}; validation happens in {@link #build()}. */
    public static final class Builder {
        private final String name;
        private String ownerId;
        private CephSettings ceph;
        private List<HypervisorSettings> hypervisors = List.of();
        private List<TemplateSettings> templates = List.of();
        private int maxAgents = 10;
        private Duration reconcileGrace = DEFAULT_RECONCILE_GRACE;

        private Builder(String name) {
            this.name = name;
        }

        public Builder ownerId(String v) { ownerId = v; return this; }
        public Builder ceph(CephSettings v) { ceph = v; return this; }
        public Builder hypervisors(List<HypervisorSettings> v) { hypervisors = Objects.requireNonNull(v); return this; }
        public Builder templates(List<TemplateSettings> v) { templates = Objects.requireNonNull(v); return this; }
        public Builder maxAgents(int v) { maxAgents = v; return this; }
        public Builder reconcileGrace(Duration v) { reconcileGrace = v; return this; }

        public CloudSettings build() {
            return new CloudSettings(name, ownerId, ceph, hypervisors, templates, maxAgents, reconcileGrace);
        }
    }
}
