package io.jenkins.plugins.rbdcloud.engine.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.Ownership;
import io.jenkins.plugins.rbdcloud.engine.libvirt.internal.SafeXml;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathExpressionException;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

class DomainXmlTest {

    static final UUID SECRET = UUID.fromString("0b0c5f7e-9d1a-4c39-9f55-2a0c8bd0a111");
    static final Ownership OWNER = new Ownership("jenkins-1", "cloud-a", "debian", "agent-x1", "debian@v3",
            Instant.parse("2026-01-02T03:04:05Z"));
    /** What a user may put in a cmdline or a launch value: every XML metacharacter. */
    static final String HOSTILE = "a'b\"c<d>e&f]]>g<!--h--><![CDATA[i]]>&amp;&#0;</domain>\u2603";

    static DomainSpec.Builder minimal() {
        return DomainSpec.builder("agent-x1")
                .uuid(UUID.fromString("11111111-2222-3333-4444-555555555555"))
                .virtType(VirtType.QEMU)
                .bootDisk(RbdDisk.of("agents", "agent-x1", List.of(new CephMonitor("127.0.0.1", 6789)), "rbd-cloud-hv", SECRET))
                .ownership(OWNER);
    }

    @Test
    void rendersTheAgentDomain() throws Exception {
        DomainSpec spec = minimal().vcpus(2).memoryMiB(768).machine("q35")
                .extraDisk(new RbdDisk("agents", "cache-1", List.of(new CephMonitor("mon1.example", 6789),
                        new CephMonitor("fd00::1", 6789)), "rbd-cloud-hv", SECRET, CacheMode.NONE, true))
                .serialLog("/var/tmp/rbd-cloud-dev/logs/agent-x1.log")
                .watchdog(WatchdogAction.POWEROFF)
                .nic(Nic.bridge("br0").withMtu(1450))
                .kernelBoot(new KernelBoot("/boot/vmlinux", "/boot/initrd.img", "root=LABEL=root console=ttyS0"))
                .launchEnvironment(LaunchEnvironment.of(Map.of("JENKINS_URL", "https://ci.example/")))
                .build();
        Document doc = SafeXml.parse(DomainXml.render(spec));
        assertEquals("qemu", x(doc, "/domain/@type"));
        assertEquals("agent-x1", x(doc, "/domain/name"));
        assertEquals("11111111-2222-3333-4444-555555555555", x(doc, "/domain/uuid"));
        assertEquals("768", x(doc, "/domain/memory[@unit='MiB']"));
        assertEquals("2", x(doc, "/domain/vcpu"));
        assertEquals("maximum", x(doc, "/domain/cpu/@mode"));
        assertEquals("q35", x(doc, "/domain/os/type/@machine"));
        assertEquals("/boot/vmlinux", x(doc, "/domain/os/kernel"));
        assertEquals("/boot/initrd.img", x(doc, "/domain/os/initrd"));
        assertEquals("root=LABEL=root console=ttyS0", x(doc, "/domain/os/cmdline"));
        assertEquals("sysinfo", x(doc, "/domain/os/smbios/@mode"));
        assertEquals("JENKINS_URL=https://ci.example/", x(doc, "/domain/sysinfo[@type='smbios']/oemStrings/entry"));
        // boot disk: RBD over virtio-scsi with discard and auth through the secret
        String d = "/domain/devices/disk[target/@dev='sda']";
        assertEquals("network", x(doc, d + "/@type"));
        assertEquals("unmap", x(doc, d + "/driver/@discard"));
        assertEquals("writeback", x(doc, d + "/driver/@cache"));
        assertEquals("rbd", x(doc, d + "/source/@protocol"));
        assertEquals("agents/agent-x1", x(doc, d + "/source/@name"));
        assertEquals("127.0.0.1", x(doc, d + "/source/host/@name"));
        assertEquals("6789", x(doc, d + "/source/host/@port"));
        assertEquals("scsi", x(doc, d + "/target/@bus"));
        assertEquals("rbd-cloud-hv", x(doc, d + "/auth/@username"));
        assertEquals(SECRET.toString(), x(doc, d + "/auth/secret[@type='ceph']/@uuid"));
        assertEquals("virtio-scsi", x(doc, "/domain/devices/controller[@type='scsi']/@model"));
        String e = "/domain/devices/disk[target/@dev='sdb']";
        assertEquals("none", x(doc, e + "/driver/@cache"));
        assertEquals(1, count(doc, e + "/readonly"));
        assertEquals(2, count(doc, e + "/source/host"));
        assertEquals("fd00::1", x(doc, e + "/source/host[2]/@name"));
        // console, channels, watchdog, nic
        assertEquals("/var/tmp/rbd-cloud-dev/logs/agent-x1.log", x(doc, "/domain/devices/serial/log/@file"));
        assertEquals(1, count(doc, "/domain/devices/channel/target[@name='org.qemu.guest_agent.0']"));
        assertEquals(1, count(doc, "/domain/devices/channel/target[@type='virtio'][@name='io.jenkins.rbd-cloud.agent.0']"));
        assertEquals("i6300esb", x(doc, "/domain/devices/watchdog/@model"));
        assertEquals("poweroff", x(doc, "/domain/devices/watchdog/@action"));
        assertEquals("br0", x(doc, "/domain/devices/interface[@type='bridge']/source/@bridge"));
        assertEquals("virtio", x(doc, "/domain/devices/interface/model/@type"));
        assertEquals("1450", x(doc, "/domain/devices/interface/mtu/@size"));
        // no per-device boot order with direct kernel boot
        assertEquals(0, count(doc, "//boot"));
    }

    @Test
    void kvmUsesHostCpuAndDiskBootWithoutKernel() throws Exception {
        Document doc = SafeXml.parse(DomainXml.render(minimal().virtType(VirtType.KVM).nic(Nic.network("default")).build()));
        assertEquals("kvm", x(doc, "/domain/@type"));
        assertEquals("host-passthrough", x(doc, "/domain/cpu/@mode"));
        assertEquals("1", x(doc, "/domain/devices/disk/boot/@order"));
        assertEquals(0, count(doc, "/domain/os/kernel"));
        assertEquals(0, count(doc, "/domain/sysinfo"));
        assertEquals("default", x(doc, "/domain/devices/interface[@type='network']/source/@network"));
        assertEquals(0, count(doc, "/domain/devices/interface/mtu"));
        assertEquals("reset", x(doc, "/domain/devices/watchdog/@action"));
    }

    @Test
    void userNetworkingHasNoSource() throws Exception {
        Document doc = SafeXml.parse(DomainXml.render(minimal().nic(Nic.user()).build()));
        assertEquals(1, count(doc, "/domain/devices/interface[@type='user']"));
        assertEquals(0, count(doc, "/domain/devices/interface/source"));
        assertEquals("virtio", x(doc, "/domain/devices/interface/model/@type"));
    }

    @Test
    void autoTypeMustBeResolvedFirst() {
        DomainSpec spec = minimal().virtType(VirtType.AUTO).build();
        assertThrows(IllegalArgumentException.class, () -> DomainXml.render(spec));
        assertTrue(DomainXml.render(spec.withVirtType(VirtType.KVM)).contains("type=\"kvm\""));
    }

    @Test
    void hostileValuesStayTextAndRoundTrip() throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SECRET", HOSTILE);
        env.put("_EMPTY", "");
        DomainSpec spec = minimal()
                .kernelBoot(new KernelBoot("/k/a'b\"c<d>&e]]>", null, HOSTILE))
                .serialLog("/logs/x<y>&z'q\".log")
                .launchEnvironment(LaunchEnvironment.of(env))
                .build();
        String xml = DomainXml.render(spec);
        Document doc = SafeXml.parse(xml); // well-formed
        assertEquals(HOSTILE, x(doc, "/domain/os/cmdline"));
        assertEquals("/k/a'b\"c<d>&e]]>", x(doc, "/domain/os/kernel"));
        assertEquals("/logs/x<y>&z'q\".log", x(doc, "/domain/devices/serial/log/@file"));
        assertEquals("SECRET=" + HOSTILE, x(doc, "/domain/sysinfo/oemStrings/entry[1]"));
        assertEquals("_EMPTY=", x(doc, "/domain/sysinfo/oemStrings/entry[2]"));
        // exactly the elements we made: nothing injected
        assertEquals(1, count(doc, "/domain"));
        assertEquals(0, count(doc, "//comment()"));
        assertEquals(1, count(doc, "/domain/os/cmdline"));
        assertEquals(2, count(doc, "/domain/sysinfo/oemStrings/entry"));
        assertFalse(xml.contains("<d>"));
    }

    @Test
    void redactedFormAndToStringHideLaunchValues() {
        String secret = "s3cr3t-" + UUID.randomUUID();
        DomainSpec spec = minimal().launchEnvironment(LaunchEnvironment.of(Map.of("AGENT_SECRET", secret, "URL", "x"))).build();
        assertTrue(DomainXml.render(spec).contains(secret));
        String redacted = DomainXml.renderRedacted(spec);
        assertFalse(redacted.contains(secret));
        assertTrue(redacted.contains("AGENT_SECRET=" + DomainXml.REDACTED.replace("<", "&lt;").replace(">", "&gt;")), redacted);
        assertFalse(spec.toString().contains(secret), spec.toString());
        assertFalse(spec.launchEnvironment().toString().contains(secret));
        assertTrue(spec.toString().contains("AGENT_SECRET"));
        // a rejected secret value is not echoed either
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LaunchEnvironment.of(Map.of("K", secret + "\u0000")));
        assertFalse(e.getMessage().contains(secret), e.getMessage());
    }

    @Test
    void ownershipRoundTripsFromDomainXmlAndBareElement() {
        String xml = DomainXml.render(minimal().build());
        assertEquals(OWNER, DomainXml.readOwnership(xml).orElseThrow());
        assertEquals(OWNER, DomainXml.readOwnership(DomainXml.ownershipElement(OWNER)).orElseThrow());
        // virDomainGetMetadata hands the element back without its namespace
        String stripped = DomainXml.ownershipElement(OWNER).replace("rbdcloud:", "").replaceAll(" xmlns:[a-z]+=\"[^\"]*\"", "");
        assertFalse(stripped.contains("xmlns"), stripped);
        assertEquals(OWNER, DomainXml.readOwnership(stripped).orElseThrow());
        // ... but a plain <ownership> inside someone else's domain XML is not ours
        assertTrue(DomainXml.readOwnership("<domain><metadata>" + stripped + "</metadata></domain>").isEmpty());
        // libvirt may rename the prefix: the namespace is what counts
        String renamed = xml.replace("rbdcloud:", "x:").replace("xmlns:rbdcloud", "xmlns:x");
        assertEquals(OWNER, DomainXml.readOwnership(renamed).orElseThrow());
    }

    @Test
    void foreignOrBrokenMetadataIsNotOurs() {
        assertTrue(DomainXml.readOwnership("<domain type='kvm'><name>x</name></domain>").isEmpty());
        assertTrue(DomainXml.readOwnership("<domain><metadata><o:ownership xmlns:o='urn:other'><o:owner>a</o:owner>"
                + "</o:ownership></metadata></domain>").isEmpty());
        String missingTag = DomainXml.render(minimal().build()).replaceAll("<rbdcloud:golden>[^<]*</rbdcloud:golden>", "");
        assertTrue(DomainXml.readOwnership(missingTag).isEmpty());
        String badTag = DomainXml.render(minimal().build()).replace(">agent-x1</rbdcloud:agent>", ">../x</rbdcloud:agent>");
        assertTrue(DomainXml.readOwnership(badTag).isEmpty());
    }

    @Test
    void parserRefusesDoctypeAndEntities() {
        String xxe = "<?xml version='1.0'?><!DOCTYPE d [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><domain>&e;</domain>";
        assertThrows(IllegalArgumentException.class, () -> DomainXml.readOwnership(xxe));
        assertThrows(IllegalArgumentException.class, () -> DomainXml.readOwnership("<domain><unclosed></domain>"));
    }

    @Test
    void hostileNamesAreRejectedBeforeXml() {
        List<Runnable> bad = new ArrayList<>();
        for (String name : List.of("", "a b", "a'b", "a\"b", "a<b", "a&b", "a]]>b", "a\u0000b", "a\nb", "../x", "a/b",
                "-x", ".x", "x".repeat(97), "é")) {
            bad.add(() -> minimal().name(name).build());
            bad.add(() -> RbdDisk.of("agents", name, List.of(new CephMonitor("127.0.0.1", 6789)), "u", SECRET));
            bad.add(() -> RbdDisk.of(name, "img", List.of(new CephMonitor("127.0.0.1", 6789)), "u", SECRET));
            bad.add(() -> Nic.bridge(name));
            bad.add(() -> minimal().machine(name).build());
        }
        bad.add(() -> new CephMonitor("a b", 6789));
        bad.add(() -> new CephMonitor("h", 0));
        bad.add(() -> new CephMonitor("h'><x", 1));
        bad.add(() -> RbdDisk.of("p", "i", List.of(), "u", SECRET));
        bad.add(() -> RbdDisk.of("p", "i", List.of(new CephMonitor("h", 1)), "client.admin", SECRET));
        bad.add(() -> new KernelBoot("vmlinux", null, ""));
        bad.add(() -> new KernelBoot("/boot/../etc/shadow", null, ""));
        bad.add(() -> new KernelBoot("/boot/vmlinux\u0000", null, ""));
        bad.add(() -> new KernelBoot("/boot/vmlinux", null, "console=ttyS0\u0007"));
        bad.add(() -> new KernelBoot("/boot/vmlinux", null, "x".repeat(DomainNames.MAX_CMDLINE + 1)));
        bad.add(() -> minimal().serialLog("relative.log").build());
        bad.add(() -> minimal().vcpus(0).build());
        bad.add(() -> minimal().memoryMiB(1).build());
        bad.add(() -> LaunchEnvironment.of(Map.of("1X", "v")));
        bad.add(() -> LaunchEnvironment.of(Map.of("A=B", "v")));
        bad.add(() -> LaunchEnvironment.of(Map.of("K", "x".repeat(DomainNames.MAX_OEM_VALUE + 1))));
        bad.add(() -> LaunchEnvironment.of(Map.of("K", "line\nbreak")));
        bad.add(() -> LaunchEnvironment.of(Map.of("K", "lone \uD800")));
        bad.add(() -> new Nic(Nic.Kind.NETWORK, "default", 10, null));
        bad.add(() -> new Nic(Nic.Kind.NETWORK, "default", 0, "52:54:00:AB:CD:EF'"));
        for (int i = 0; i < bad.size(); i++) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad.get(i)::run, "case " + i);
            assertFalse(e.getMessage().chars().anyMatch(Character::isISOControl), e.getMessage());
        }
    }

    private static final XPath XPATH = XPathFactory.newInstance().newXPath();

    static String x(Document doc, String path) throws XPathExpressionException {
        assertEquals(1, count(doc, path), path);
        return XPATH.evaluate(path, doc);
    }

    static int count(Document doc, String path) throws XPathExpressionException {
        return ((NodeList) XPATH.evaluate(path, doc, XPathConstants.NODESET)).getLength();
    }
}
