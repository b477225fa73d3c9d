package io.jenkins.plugins.rbdcloud.engine.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jenkins.plugins.rbdcloud.engine.libvirt.internal.SafeXml;
import java.time.Clock;
import java.time.Duration;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class CephSecretsTest {

    private final Hypervisor unreachable = new Hypervisor("qemu+ssh://nowhere.invalid/system",
            new Hypervisor.Capacity(1, 1024, 1), Duration.ofSeconds(1), Duration.ofSeconds(1), Clock.systemUTC());

    @Test
    void secretIsEphemeralPrivateAndFoundByUsage() throws Exception {
        CephSecrets s = new CephSecrets(unreachable, "cloud-a");
        assertEquals("rbd-cloud/cloud-a/client.rbd-cloud-hv", s.usage("rbd-cloud-hv"));
        Document d = SafeXml.parse(CephSecrets.secretXml(s.usage("rbd-cloud-hv"), "rbd-cloud-hv"));
        var x = XPathFactory.newInstance().newXPath();
        assertEquals("yes", x.evaluate("/secret/@ephemeral", d));
        assertEquals("yes", x.evaluate("/secret/@private", d));
        assertEquals("ceph", x.evaluate("/secret/usage/@type", d));
        assertEquals("rbd-cloud/cloud-a/client.rbd-cloud-hv", x.evaluate("/secret/usage/name", d));
    }

    @Test
    void badKeysAndNamesAreRejectedWithoutShowingTheKey() {
        CephSecrets s = new CephSecrets(unreachable, "cloud-a");
        String notBase64 = "AQBc-secret-key!!";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.ensure("rbd-cloud-hv", notBase64));
        assertFalse(e.getMessage().contains(notBase64), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> s.ensure("rbd-cloud-hv", "c2hvcnQ="));
        assertThrows(IllegalArgumentException.class, () -> s.usage("client.admin"));
        assertThrows(IllegalArgumentException.class, () -> new CephSecrets(unreachable, "a/b"));
        assertFalse(s.toString().contains("key"));
    }
}
