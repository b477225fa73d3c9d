package io.jenkins.plugins.rbdcloud.engine.cli;

import io.jenkins.plugins.rbdcloud.engine.Ownership;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdNotFoundException;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
import io.jenkins.plugins.rbdcloud.engine.config.CloudSettings;
import io.jenkins.plugins.rbdcloud.engine.config.HypervisorSettings;
import io.jenkins.plugins.rbdcloud.engine.libvirt.CephSecrets;
import io.jenkins.plugins.rbdcloud.engine.libvirt.Domains;
import io.jenkins.plugins.rbdcloud.engine.libvirt.Hypervisor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Counts what this cloud owns on the backends right now: domains whose metadata names our owner
 * and cloud, agent disks whose image metadata does, and our Ceph secrets on the hypervisors.
 * Printed by the demo and gc; after everything is deleted it must be zero.
 */
final class LeakCheck {

    private final CliSession s;

    LeakCheck(CliSession s) {
        this.s = s;
    }

    /** Names of the objects found, prefixed with their kind. */
    List<String> find() {
        CloudSettings cloud = s.settings();
        List<String> found = new ArrayList<>();
        RbdPool agents = s.ceph().pool(cloud.ceph().agentsPool());
        for (String image : agents.list()) {
            try {
                Map<String, String> meta = agents.metaList(image);
                if (cloud.ownerId().equals(meta.get(Ownership.META_PREFIX + "owner"))
                        && cloud.name().equals(meta.get(Ownership.META_PREFIX + "cloud"))) {
                    found.add("disk " + agents.name() + "/" + image);
                }
            } catch (RbdNotFoundException gone) {
                // removed while we listed
            }
        }
        for (HypervisorSettings h : cloud.hypervisors()) {
            try (Hypervisor hv = Hypervisor.of(h.uri(), new Hypervisor.Capacity(h.vcpus(), h.memoryMib(), h.maxAgents()))) {
                Domains.listOwned(hv).stream()
                        .filter(d -> d.ownership().ownerId().equals(cloud.ownerId()) && d.ownership().cloud().equals(cloud.name()))
                        .forEach(d -> found.add("domain " + h.name() + "/" + d.name()));
                new CephSecrets(hv, cloud.name()).list().forEach(u -> found.add("secret " + h.name() + "/" + u));
            }
        }
        return found;
    }

    long count() {
        List<String> found = find();
        found.forEach(f -> s.err.println("leaked: " + f));
        return found.size();
    }
}
