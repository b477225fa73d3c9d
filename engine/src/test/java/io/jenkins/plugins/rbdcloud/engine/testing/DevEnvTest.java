package io.jenkins.plugins.rbdcloud.engine.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DevEnvTest {

    @Test
    void parsesPlainQuotedAndEscapedValues() {
        Map<String, String> m = DevEnv.parse("""
                # comment
                RBD_CLOUD_DEV_DIR=/var/tmp/rbd-cloud-dev
                export RBD_CLOUD_LIBVIRT_URI='qemu:///system?socket=/x/libvirt-sock'
                RBD_CLOUD_GUEST_CMDLINE=root=LABEL=rbdroot\\ console=ttyS0
                not a line
                """);
        assertEquals("/var/tmp/rbd-cloud-dev", m.get("RBD_CLOUD_DEV_DIR"));
        assertEquals("qemu:///system?socket=/x/libvirt-sock", m.get("RBD_CLOUD_LIBVIRT_URI"));
        assertEquals("root=LABEL=rbdroot console=ttyS0", m.get("RBD_CLOUD_GUEST_CMDLINE"));
        assertEquals(3, m.size());
    }

    @Test
    void missingKeyIsNamed() {
        DevEnv env = new DevEnv(Path.of("/"), Map.of("A", "1"));
        IllegalStateException e = assertThrows(IllegalStateException.class, env::libvirtUri);
        assertTrue(e.getMessage().contains("RBD_CLOUD_LIBVIRT_URI"), e.getMessage());
    }

    @Test
    void uniqueNamesAreFreshAndRbdSafe() {
        DevEnv env = new DevEnv(Path.of("/"), Map.of());
        String a = env.uniqueName("Boot");
        assertTrue(a.matches("it-boot-[a-z0-9]{6}"), a);
        assertFalse(a.equals(env.uniqueName("Boot")));
    }
}
