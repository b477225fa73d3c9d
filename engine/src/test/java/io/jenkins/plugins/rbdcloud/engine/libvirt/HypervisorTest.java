package io.jenkins.plugins.rbdcloud.engine.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HypervisorTest {

    static String caps(String... domainTypes) {
        StringBuilder d = new StringBuilder();
        for (String t : domainTypes) {
            d.append("<domain type='").append(t).append("'/>");
        }
        return """
                <capabilities><host><uuid>x</uuid></host>
                  <guest><os_type>hvm</os_type><arch name='i686'><domain type='kvm'/></arch></guest>
                  <guest><os_type>hvm</os_type><arch name='x86_64'><wordsize>64</wordsize>%s</arch></guest>
                </capabilities>""".formatted(d);
    }

    @Test
    void prefersKvmOnlyWhenOfferedForX86_64() {
        assertEquals(VirtType.KVM, Hypervisor.preferredVirtType(caps("qemu", "kvm")));
        assertEquals(VirtType.QEMU, Hypervisor.preferredVirtType(caps("qemu")));
        assertEquals(VirtType.QEMU, Hypervisor.preferredVirtType("<capabilities/>"));
    }

    @Test
    void validatesUriAndCapacity() {
        Hypervisor.Capacity cap = new Hypervisor.Capacity(4, 8192, 3);
        for (String bad : new String[] {null, "", "  ", "no-scheme", "qemu:///system\n", "qemu:///x\u0000"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new Hypervisor(bad, cap, Duration.ofSeconds(1), Duration.ofSeconds(1), Clock.systemUTC()));
            assertFalse(e.getMessage().chars().anyMatch(Character::isISOControl), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new Hypervisor.Capacity(0, 1024, 1));
        assertThrows(IllegalArgumentException.class, () -> new Hypervisor.Capacity(1, 1, 1));
    }

    @Test
    void notConnectedUntilFirstUse() {
        try (Hypervisor hv = Hypervisor.of("qemu+ssh://hv1.example/system", new Hypervisor.Capacity(4, 8192, 3))) {
            assertFalse(hv.status().available());
            assertTrue(hv.toString().contains("qemu+ssh://hv1.example/system"));
        }
    }
}
