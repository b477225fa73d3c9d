package io.jenkins.plugins.rbdcloud.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HypervisorSettingsTest {

    private static String error(HypervisorSettings.Builder b) {
        return assertThrows(SettingException.class, b::build).getMessage();
    }

    @ParameterizedTest
    @ValueSource(strings = {"qemu:///system", "qemu:///session", "qemu+ssh://root@hv1.example.org/system",
        "qemu+tls://hv1/system", "qemu+unix:///system?socket=/var/run/libvirt/libvirt-sock",
        "qemu:///system?socket=/var/tmp/rbd-cloud-dev/libvirt/run/libvirt-sock", "test:///default"})
    void acceptsLibvirtUris(String uri) {
        assertEquals(uri, Fixtures.hypervisor("hv1").uri(uri).build().uri());
    }

    @Test
    void rejectsOtherUris() {
        assertEquals("hypervisor 'hv1': uri must start with qemu://, qemu+unix://, qemu+ssh://, qemu+libssh://, "
                + "qemu+libssh2://, qemu+tls:// or test://, got 'xen:///system'", error(Fixtures.hypervisor("hv1").uri("xen:///system")));
        assertEquals("hypervisor 'hv1': uri must end in /system or /session (the QEMU driver instance), got 'qemu:///'",
                error(Fixtures.hypervisor("hv1").uri("qemu:///")));
        assertEquals("hypervisor 'hv1': uri needs a host for qemu+ssh, e.g. qemu+ssh://hv1.example.org/system, "
                + "got 'qemu+ssh:///system'", error(Fixtures.hypervisor("hv1").uri("qemu+ssh:///system")));
        assertEquals("hypervisor 'hv1': uri uses qemu+tcp, which is neither encrypted nor authenticated; use "
                + "qemu+tls:// or qemu+ssh://, got 'qemu+tcp://hv1/system'", error(Fixtures.hypervisor("hv1").uri("qemu+tcp://hv1/system")));
        assertEquals("hypervisor 'hv1': uri is not a valid URI (Illegal character in path)",
                error(Fixtures.hypervisor("hv1").uri("qemu:///sys tem")));
        assertEquals("hypervisor 'hv1': uri is required", error(Fixtures.hypervisor("hv1").uri(null)));
    }

    @Test
    void passwordInUriIsRefusedWithoutEchoingIt() {
        String m = error(Fixtures.hypervisor("hv1").uri("qemu+ssh://root:hunter2@hv1/system"));
        assertFalse(m.contains("hunter2"), m);
        assertEquals("hypervisor 'hv1': uri must not contain a password; use SSH keys (qemu+ssh) or TLS certificates (qemu+tls)", m);
    }

    @Test
    void capacityIsChecked() {
        assertEquals("hypervisor 'hv1': vcpus must be between 1 and 4096, got 0", error(Fixtures.hypervisor("hv1").vcpus(0)));
        assertEquals("hypervisor 'hv1': memoryMib must be between 256 and 16777216, got 100",
                error(Fixtures.hypervisor("hv1").memoryMib(100)));
        assertEquals("hypervisor 'hv1': maxAgents must be between 1 and 1000, got -1",
                error(Fixtures.hypervisor("hv1").maxAgents(-1)));
    }

    @Test
    void namesAreLowercaseDnsLike() {
        assertEquals("hypervisor: name must be 1-40 characters of lowercase letters, digits and '-', starting with a "
                + "letter and not ending with '-', got 'HV.1'", error(Fixtures.hypervisor("HV.1")));
        assertEquals("hypervisor 'hv1': group must be 1-40 characters of lowercase letters, digits and '-', starting "
                + "with a letter and not ending with '-', got 'rack 1'", error(Fixtures.hypervisor("hv1").group("rack 1")));
    }
}
