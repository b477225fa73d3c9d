package io.jenkins.plugins.rbdcloud.engine.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DomainNamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "agent-x1", "it-boot-abc123", "Debian_12.v3", "0"})
    void acceptsDomainNames(String name) {
        assertEquals(name, DomainNames.domainName(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "a b", "a/b", "a@b", "a:b", "-a", "_a", ".a", "a'b", "a\"b", "a<b", "a>b", "a&b",
            "a]]>", "a\u0000", "a\t", "\u202Ea", "ä"})
    void rejectsDomainNames(String name) {
        assertThrows(IllegalArgumentException.class, () -> DomainNames.domainName(name));
    }

    @Test
    void rejectsNullAndOverlong() {
        assertThrows(IllegalArgumentException.class, () -> DomainNames.domainName(null));
        assertEquals(64, DomainNames.domainName("a".repeat(64)).length());
        assertThrows(IllegalArgumentException.class, () -> DomainNames.domainName("a".repeat(65)));
        assertThrows(IllegalArgumentException.class, () -> DomainNames.hostPath("p", "/" + "a".repeat(DomainNames.MAX_PATH)));
    }

    @Test
    void messagesShowControlCharactersVisibly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DomainNames.domainName("evil\nINFO forged log line\u0000" + "x".repeat(200)));
        assertTrue(e.getMessage().contains("evil\\u000aINFO forged"), e.getMessage());
        assertTrue(e.getMessage().contains("..."), e.getMessage());
        assertTrue(e.getMessage().length() < 300, e.getMessage());
    }

    @Test
    void monitorsAndPaths() {
        DomainNames.monitorHost("127.0.0.1");
        DomainNames.monitorHost("mon-a.ceph.example");
        DomainNames.monitorHost("fd00::1");
        DomainNames.monitorHost("::1");
        for (String bad : new String[] {"", "a b", "h/x", "[::1]", "a..b", "-a.example", "a;rm -rf"}) {
            assertThrows(IllegalArgumentException.class, () -> DomainNames.monitorHost(bad), bad);
        }
        DomainNames.hostPath("p", "/var/tmp/rbd-cloud-dev/guest/vmlinux");
        for (String bad : new String[] {"x", "./x", "/a/../b", "/a/./b", "/a/..", "/a\u0000"}) {
            assertThrows(IllegalArgumentException.class, () -> DomainNames.hostPath("p", bad), bad);
        }
        DomainNames.channelName(DomainSpec.AGENT_CHANNEL);
        DomainNames.cephUser("rbd-cloud-hv");
        assertThrows(IllegalArgumentException.class, () -> DomainNames.cephUser("client.admin"));
    }
}
