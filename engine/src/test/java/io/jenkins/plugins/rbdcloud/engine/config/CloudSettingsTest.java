package io.jenkins.plugins.rbdcloud.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CloudSettingsTest {

    private static String error(CloudSettings.Builder b) {
        return assertThrows(SettingException.class, b::build).getMessage();
    }

    @Test
    void validCloudFindsItsParts() {
        CloudSettings c = Fixtures.cloud().build();
        assertEquals("debian-12", c.template("debian").orElseThrow().image());
        assertEquals("qemu:///system", c.hypervisor("hv1").orElseThrow().uri());
        assertEquals(CloudSettings.DEFAULT_RECONCILE_GRACE, c.reconcileGrace());
    }

    @Test
    void namesAreUnique() {
        assertEquals("cloud: templates must have unique names, 'debian' appears twice", error(Fixtures.cloud()
                .templates(List.of(Fixtures.template("debian").build(), Fixtures.template("debian").build()))));
        assertEquals("cloud: hypervisors must have unique names, 'hv1' appears twice", error(Fixtures.cloud()
                .hypervisors(List.of(Fixtures.hypervisor("hv1").build(), Fixtures.hypervisor("hv1").build()))));
    }

    @Test
    void ownerIdMustBeATag() {
        assertEquals("cloud: ownerId must be 1-128 characters of letters, digits and . _ @ : + - starting with a letter "
                + "or digit, got 'jenkins one'", error(Fixtures.cloud().ownerId("jenkins one")));
    }

    @Test
    void capsAndGrace() {
        assertEquals("cloud: maxAgents must be between 1 and 10000, got 0", error(Fixtures.cloud().maxAgents(0)));
        assertEquals("cloud: reconcileGrace must be at least the longest startTimeout (5m in template 'debian') so "
                + "agents still starting are never deleted, got 2m", error(Fixtures.cloud().reconcileGrace(Duration.ofMinutes(2))));
        assertEquals("cloud: maxAgents must be at least the warm pools together (3), got 2", error(Fixtures.cloud()
                .maxAgents(2).templates(List.of(Fixtures.template("debian").warmPool(3).build()))).split(";")[0]);
    }

    @Test
    void templatesMustFitSomewhere() {
        assertEquals("template 'big': memoryMib and vcpus (65536 MiB, 1 vCPUs) fit on no hypervisor it may use: shrink "
                + "the template or raise a hypervisor's capacity", error(Fixtures.cloud()
                .templates(List.of(Fixtures.template("big").memoryMib(65536).build()))));
        assertEquals("template 'gpu': hypervisorGroup names group 'gpu' but no hypervisor has it: set "
                + "hypervisor.<name>.group or remove the affinity", error(Fixtures.cloud()
                .templates(List.of(Fixtures.template("gpu").hypervisorGroup("gpu").build()))));
    }

    @Test
    void needsHypervisorsAndTemplates() {
        assertEquals("cloud: at least one hypervisor is required: add hypervisor.<name>.uri",
                error(Fixtures.cloud().hypervisors(List.of())));
        assertEquals("cloud: at least one template is required: add template.<name>.image",
                error(Fixtures.cloud().templates(List.of())));
    }
}
