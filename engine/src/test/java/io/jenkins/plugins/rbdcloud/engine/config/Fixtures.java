package io.jenkins.plugins.rbdcloud.engine.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** Valid settings to start tests from; each test breaks one thing. */
final class Fixtures {

    static final String KEY = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHA==";
    static final String HV_KEY = "ZWZnaGlqa2xtbm9wcXJzdHV2d3h5ent8fX5/gA==";

    private Fixtures() {
    }

    static CephSettings.Builder ceph() {
        return CephSettings.builder().conf(Path.of("/etc/ceph/ceph.conf")).user("rbd-cloud").key(Secret.of(KEY))
                .hypervisorUser("rbd-cloud-hv").hypervisorKey(Secret.of(HV_KEY));
    }

    static HypervisorSettings.Builder hypervisor(String name) {
        return HypervisorSettings.builder(name).uri("qemu:///system").vcpus(8).memoryMib(16384).maxAgents(4);
    }

    static TemplateSettings.Builder template(String name) {
        return TemplateSettings.builder(name).image("debian-12").labels(Set.of("linux"));
    }

    static CloudSettings.Builder cloud() {
        return CloudSettings.builder("dev").ownerId("jenkins-1").ceph(ceph().build())
                .hypervisors(List.of(hypervisor("hv1").build())).templates(List.of(template("debian").build()));
    }
}
