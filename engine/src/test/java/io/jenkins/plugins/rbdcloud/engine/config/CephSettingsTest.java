package io.jenkins.plugins.rbdcloud.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class CephSettingsTest {

    private static String error(CephSettings.Builder b) {
        return assertThrows(SettingException.class, b::build).getMessage();
    }

    @Test
    void validSettingsKeepTheirValues() {
        CephSettings c = Fixtures.ceph().monitors(List.of(HostPort.parse("127.0.0.1:6789"))).build();
        assertEquals("images", c.imagesPool());
        assertEquals("agents", c.agentsPool());
        assertEquals(List.of(new HostPort("127.0.0.1", 6789)), c.monitors());
    }

    @Test
    void keysNeverAppearInToString() {
        String s = Fixtures.ceph().build().toString();
        assertFalse(s.contains(Fixtures.KEY), s);
        assertFalse(s.contains(Fixtures.HV_KEY), s);
        assertTrue(s.contains("****"), s);
    }

    @Test
    void needsConfOrMonitors() {
        assertEquals("ceph: monitors or conf is required: give a ceph.conf path or host:port monitor addresses",
                error(Fixtures.ceph().conf(null)));
    }

    @Test
    void monitorsAloneAreEnough() {
        CephSettings c = Fixtures.ceph().conf(null).monitors(List.of(HostPort.parse("[::1]:3300"))).build();
        assertEquals("[::1]:3300", c.monitors().get(0).toString());
    }

    @Test
    void confMustBeAbsolute() {
        assertEquals("ceph: conf must be an absolute path, got 'ceph.conf'", error(Fixtures.ceph().conf(Path.of("ceph.conf"))));
    }

    @Test
    void userWithClientPrefixSaysWhatToWrite() {
        assertEquals("ceph: user is the cephx id without 'client.': write 'rbd-cloud' instead of 'client.rbd-cloud'",
                error(Fixtures.ceph().user("client.rbd-cloud")));
        assertEquals("ceph: hypervisorUser must be a cephx id (letters, digits, '_', '.', '-'), got 'a b'",
                error(Fixtures.ceph().hypervisorUser("a b")));
        assertEquals("ceph: user is required", error(Fixtures.ceph().user(null)));
    }

    @Test
    void badKeyIsReportedWithoutShowingIt() {
        String secretLooking = "not-base64-but-secret!";
        String m = error(Fixtures.ceph().key(Secret.of(secretLooking)));
        assertTrue(m.startsWith("ceph: key is not a base64 cephx key"), m);
        assertFalse(m.contains(secretLooking), m);
        m = error(Fixtures.ceph().hypervisorKey(Secret.fromFile("QUJD", Path.of("/etc/hv.key"))));
        assertTrue(m.startsWith("ceph: hypervisorKey is not a base64 cephx key (read from /etc/hv.key)"), m);
    }

    @Test
    void poolNamesAreChecked() {
        assertEquals("ceph: imagesPool must be a pool name (letters, digits, '_', '.', '-'), got 'images/x'",
                error(Fixtures.ceph().imagesPool("images/x")));
        assertEquals("ceph: agentsPool must be a pool name (letters, digits, '_', '.', '-'), got ''",
                error(Fixtures.ceph().agentsPool("")));
    }

    @Test
    void agentDisksNeverShareThePoolOfTheGoldenImages() {
        assertEquals("ceph: agentsPool must not be the images pool 'rbd': agent disks are removed automatically, golden "
                + "images must live in a pool of their own", error(Fixtures.ceph().imagesPool("rbd").agentsPool("rbd")));
    }

    @Test
    void monitorAddressesNeedPorts() {
        assertEquals("monitor address must be host:port, e.g. 10.0.0.1:6789, got 'mon1'",
                assertThrows(IllegalArgumentException.class, () -> HostPort.parse("mon1")).getMessage());
        assertEquals("IPv6 monitor addresses need brackets, e.g. [::1]:6789, got '::1:6789'",
                assertThrows(IllegalArgumentException.class, () -> HostPort.parse("::1:6789")).getMessage());
        assertEquals("monitor port must be between 1 and 65535, got 70000",
                assertThrows(IllegalArgumentException.class, () -> HostPort.parse("mon1:70000")).getMessage());
        assertEquals("monitor host must be a host name or an IP address, got 'bad_host'",
                assertThrows(IllegalArgumentException.class, () -> HostPort.parse("bad_host:6789")).getMessage());
    }
}
