package io.jenkins.plugins.rbdcloud.engine.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        String usage = s.usage("rbd-cloud-hv");
        Document d = SafeXml.parse(CephSecrets.secretXml(usage, "rbd-cloud-hv"));
        var x = XPathFactory.newInstance().newXPath();
        assertEquals("yes", x.evaluate("/secret/@ephemeral", d));
        assertEquals("yes", x.evaluate("/secret/@private", d));
        assertEquals("ceph", x.evaluate("/secret/usage/@type", d));
        assertEquals(usage, x.evaluate("/secret/usage/name", d));
    }

    @Test
    void eachEngineHasItsOwnUsageNameNamingOwnerProcessAndHost() {
        String pid = String.valueOf(ProcessHandle.current().pid());
        String controller = new CephSecrets(unreachable, "cloud-a", "jenkins@ci:1").usage("rbd-cloud-hv");
        String cli = new CephSecrets(unreachable, "cloud-a", "jenkins@ci:1").usage("rbd-cloud-hv");
        assertTrue(controller.matches("rbd-cloud/cloud-a/jenkins@ci:1\\." + pid + "-[0-9a-f]{8}-[0-9a-f]{12}/client\\.rbd-cloud-hv"), controller);
        assertNotEquals(controller, cli, "a CLI run and the controller never share a secret");
        assertThrows(IllegalArgumentException.class, () -> new CephSecrets(unreachable, "cloud-a", "bad/owner"));
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
