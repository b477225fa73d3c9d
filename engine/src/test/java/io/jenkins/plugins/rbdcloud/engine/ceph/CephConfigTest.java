package io.jenkins.plugins.rbdcloud.engine.ceph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class CephConfigTest {

    private static final String KEY = "AQBuN0Fn5pQ0HRAAnB2l7Q3a5Jc3yA7t0hZy4w==";

    @Test
    void keyNeverInToString() {
        CephConfig c = CephConfig.ofConfFile(Path.of("/etc/ceph/ceph.conf"), "rbd-cloud", KEY);
        assertFalse(c.toString().contains(KEY), c.toString());
        assertTrue(c.toString().contains("key=<hidden>"), c.toString());
    }

    @Test
    void badKeyIsNotEchoed() {
        String almost = KEY.replace('=', ' ');
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CephConfig.ofMonHost("127.0.0.1:6789", "rbd-cloud", almost));
        assertFalse(e.getMessage().contains(almost.substring(0, 10)), e.getMessage());
        assertTrue(e.getMessage().contains("client.rbd-cloud"), e.getMessage());
    }

    @Test
    void dropsClientPrefix() {
        CephConfig c = CephConfig.ofMonHost("[v2:127.0.0.1:3300,v1:127.0.0.1:6789]", "client.rbd-cloud-hv", KEY);
        assertEquals("rbd-cloud-hv", c.user());
        assertEquals("client.rbd-cloud-hv", c.entity());
    }

    @Test
    void needsConfOrMonitors() {
        assertThrows(IllegalArgumentException.class, () -> new CephConfig(null, null, "u", KEY));
    }

    @Test
    void rejectsInjectionInMonHostAndUser() {
        assertThrows(IllegalArgumentException.class, () -> CephConfig.ofMonHost("127.0.0.1\nkey = x", "u", KEY));
        assertThrows(IllegalArgumentException.class, () -> CephConfig.ofMonHost("127.0.0.1", "u ser", KEY));
        assertThrows(IllegalArgumentException.class, () -> CephConfig.ofMonHost("127.0.0.1", "", KEY));
    }
}
