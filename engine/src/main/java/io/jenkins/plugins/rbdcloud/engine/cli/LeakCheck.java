package io.jenkins.plugins.rbdcloud.engine.cli;

import io.jenkins.plugins.rbdcloud.engine.Ownership;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdNotFoundException;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
import io.jenkins.plugins.rbdcloud.engine.config.CloudSettings;
import io.jenkins.plugins.rbdcloud.engine.config.HypervisorSettings;
import io.jenkins.plugins.rbdcloud.engine.libvirt.CephSecrets;
import io.jenkins.plugins.rbdcloud.engine.libvirt.Hypervisor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Counts what this cloud owns on the backends right now: domains whose metadata names our owner
 * and cloud, agent disks whose image metadata does (both narrowed by a predicate on the tags), and
 * our Ceph secrets on the hypervisors. After the demo deleted everything it made, it must be zero.
 */
final class LeakCheck {

    private final CliSession s;

    LeakCheck(CliSession s) {
        this.s = s;
    }

    /** Names of the objects found whose tags {@code which} accepts, prefixed with their kind. */
    List<String> find(Predicate<Ownership> which) {
        CloudSettings cloud = s.settings();
        List<String> found = new ArrayList<>();
        RbdPool agents = s.ceph().pool(cloud.ceph().agentsPool());
        for (String image : agents.list()) {
            try {
                // image == agent: a clone carries its golden version's keys too, only the disk itself counts
                Ownership.fromMeta(agents.metaList(image)).filter(o -> image.equals(o.agent()) && ours(cloud, o) && which.test(o))
                        .ifPresent(o -> found.add("disk " + agents.name() + "/" + image));
            } catch (RbdNotFoundException gone) {
                // removed while we listed
            }
        }
        for (HypervisorSettings h : cloud.hypervisors()) {
            try (Hypervisor hv = Hypervisor.of(h.uri(), new Hypervisor.Capacity(h.vcpus(), h.memoryMib(), h.maxAgents()))) {
                hv.listOwned().stream()
                        .filter(d -> ours(cloud, d.ownership()) && which.test(d.ownership()))
                        .forEach(d -> found.add("domain " + h.name() + "/" + d.name()));
                new CephSecrets(hv, cloud.name()).list().forEach(u -> found.add("secret " + h.name() + "/" + u));
            }
        }
        return found;
    }

    /** Agent names behind {@link #find}'s objects (the last path element of each). */
    java.util.Set<String> agentNames(Predicate<Ownership> which) {
        java.util.Set<String> names = new java.util.TreeSet<>();
        for (String f : find(which)) {
            if (!f.startsWith("secret ")) {
                names.add(f.substring(f.lastIndexOf('/') + 1));
            }
        }
        return names;
    }

    private static boolean ours(CloudSettings cloud, Ownership o) {
        return o.ownerId().equals(cloud.ownerId()) && o.cloud().equals(cloud.name());
    }

    long count(Predicate<Ownership> which) {
        List<String> found = find(which);
        found.forEach(f -> s.err.println("leaked: " + f));
        return found.size();
    }
}
