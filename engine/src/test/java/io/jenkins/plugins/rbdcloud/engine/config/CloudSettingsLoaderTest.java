package io.jenkins.plugins.rbdcloud.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loads the example of docs/config.md (with the dev directory moved to a temp dir) and variations of it. */
class CloudSettingsLoaderTest {

    @TempDir
    Path dir;
    private String example;

    @BeforeEach
    void writeDevFiles() throws IOException {
        Path ceph = Files.createDirectories(dir.resolve("ceph"));
        Files.writeString(ceph.resolve("ceph.conf"), "[global]\nmon host = 127.0.0.1:6789\n");
        writeKey(ceph.resolve("client.rbd-cloud.key"), Fixtures.KEY + "\n");
        writeKey(ceph.resolve("client.rbd-cloud-hv.key"), Fixtures.HV_KEY + "\n");
        example = DocsExample.properties().replace("/var/tmp/rbd-cloud-dev", dir.toString());
    }

    private static void writeKey(Path file, String content) throws IOException {
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }

    private Path config(String text) throws IOException {
        return Files.writeString(dir.resolve("cloud.properties"), text);
    }

    private List<String> problems(String text) throws IOException {
        Path file = config(text);
        return assertThrows(ConfigFileException.class, () -> CloudSettingsLoader.load(file)).problems();
    }

    /** The 1-based line of the example holding {@code key=}. */
    private int lineOf(String key) {
        List<String> lines = example.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(key + "=")) {
                return i + 1;
            }
        }
        throw new AssertionError(key);
    }

    private String replaced(String key, String value) {
        return example.replaceFirst("(?m)^" + key.replace(".", "\\.") + "=.*$", key + "=" + value);
    }

    @Test
    void docsExampleLoads() throws IOException {
        CloudSettings s = CloudSettingsLoader.load(config(example));
        assertEquals("dev", s.name());
        assertEquals("rbd-cloud", s.ceph().user());
        assertEquals(Fixtures.KEY, s.ceph().key().reveal());
        assertEquals(Fixtures.HV_KEY, s.ceph().hypervisorKey().reveal());
        assertEquals("qemu:///system?socket=" + dir + "/libvirt/run/libvirt-sock", s.hypervisors().get(0).uri());
        assertEquals(DomainType.QEMU, s.hypervisors().get(0).domainType());
        TemplateSettings tiny = s.template("tiny").orElseThrow();
        assertEquals(Set.of("linux", "tiny"), tiny.labels());
        assertEquals(256, tiny.memoryMib());
        assertEquals(Duration.ofMinutes(1), tiny.startTimeout());
        assertEquals(Path.of(dir + "/guest/vmlinux"), tiny.directBoot().orElseThrow().kernel());
        assertEquals("/home/jenkins", tiny.env().get("AGENT_WORKDIR").reveal());
        assertFalse(s.toString().contains(Fixtures.KEY), s.toString());
    }

    @Test
    void roundTripThroughProperties() throws IOException {
        Path secret = dir.resolve("token");
        writeKey(secret, "t0ken\n");
        CloudSettings s = CloudSettingsLoader.load(config(example + "template.tiny.envFile.TOKEN=token\n"
                + "template.tiny.network=bridge:br0\ntemplate.tiny.mtu=1400\nhypervisor.local.group=rack1\n"
                + "template.tiny.promoteFrom.jobs=ci/app/* release-**\ntemplate.tiny.promoteFrom.branches=main\n"
                + "template.tiny.promoteFrom.changeRequests=true\ntemplate.tiny.promoteMaxWrittenMib=512\n"));
        assertEquals(new PromoteFrom(List.of("ci/app/*", "release-**"), List.of("main"), true, false),
                s.template("tiny").orElseThrow().promoteFrom());
        assertEquals(512L << 20, s.template("tiny").orElseThrow().promoteMaxWrittenBytes());
        Properties written = CloudSettingsWriter.toProperties(s);
        assertEquals(secret.toString(), written.getProperty("template.tiny.envFile.TOKEN"));
        assertFalse(written.toString().contains(Fixtures.KEY), "the key itself is never written");
        assertEquals(s, CloudSettingsLoader.load(written, Path.of("/")));
    }

    @Test
    void promoteFromIsNobodyByDefaultAndBadRulesAreNamed() throws IOException {
        TemplateSettings tiny = CloudSettingsLoader.load(config(example)).template("tiny").orElseThrow();
        assertEquals(PromoteFrom.NOBODY, tiny.promoteFrom());
        assertEquals(2048L << 20, tiny.promoteMaxWrittenBytes());
        List<String> p = problems(example + "template.tiny.promoteFrom.branches=main\ntemplate.tiny.promoteFrom.jobs=a\n"
                + "template.tiny.promoteFrom.forks=yes\n");
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).endsWith("template.tiny.promoteFrom.forks: must be true or false, got yes"), p.get(0));
        List<String> zero = problems(example + "template.tiny.promoteMaxWrittenMib=0\n");
        assertTrue(zero.get(0).endsWith("template 'tiny': promoteMaxWrittenMib must be between 1 and 1048576 (MiB), got 0"),
                zero.toString());
        List<String> orphan = problems(example + "template.tiny.promoteFrom.forks=true\n");
        assertTrue(orphan.get(0).endsWith("template.tiny.promoteFrom.forks: needs template.tiny.promoteFrom.jobs (the jobs that may "
                + "promote)"), orphan.toString());
    }

    @Test
    void onFailureIsDeleteByDefaultRoundTripsAndHostileValuesAreRefused() throws IOException {
        TemplateSettings tiny = CloudSettingsLoader.load(config(example)).template("tiny").orElseThrow();
        assertEquals(OnFailure.DELETE, tiny.onFailure());
        CloudSettings s = CloudSettingsLoader.load(config(example + "template.tiny.onFailure=keep:30m\n"
                + "template.tiny.failureRetention=2d\ntemplate.tiny.failureSnapshots=3\n"));
        assertEquals(new OnFailure(FailurePolicy.keep(Duration.ofMinutes(30)), Duration.ofDays(2), 3),
                s.template("tiny").orElseThrow().onFailure());
        assertEquals(s, CloudSettingsLoader.load(CloudSettingsWriter.toProperties(s), Path.of("/")));

        for (String[] bad : new String[][] {
                {"onFailure=snapshots", "template.tiny.onFailure must be 'delete', 'snapshot' or 'keep:<duration>' such as "
                        + "'keep:30m', got 'snapshots'"},
                {"onFailure=keep:", "got 'keep:'"},
                {"onFailure=keep:-5m", "got 'keep:-5m'"},
                {"onFailure=keep:99999999999d", "got 'keep:99999999999d'"},
                {"onFailure=keep:30s", "template.tiny.onFailure: keep time must be between 1m and 1d, got 30s"},
                {"onFailure=keep:2d", "keep time must be between 1m and 1d, got 2d"},
                {"onFailure=snapshot\u0000;rm -rf /", "got 'snapshot\\u0000;rm -rf /'"},
                {"failureRetention=0s", "failureRetention"},
                {"failureRetention=31d", "failureRetention"},
                {"failureSnapshots=0", "failureSnapshots"},
                {"failureSnapshots=101", "failureSnapshots"},
                {"failureSnapshots=lots", "failureSnapshots"}}) {
            List<String> p = problems(example + "template.tiny." + bad[0] + "\n");
            assertEquals(1, p.size(), bad[0] + ": " + p);
            assertTrue(p.get(0).contains(bad[1]), bad[0] + ": " + p.get(0));
        }
        assertTrue(problems(example + "template.tiny.onFailure=" + "x".repeat(5000) + "\n").get(0).contains("..."),
                "a long value is cut short in the message");
    }

    @Test
    void inlineKeysCannotBeWritten() {
        CloudSettings s = Fixtures.cloud().build();
        assertEquals("ceph.keyFile: the key was given inline; write it to a file (mode 600) and build the settings "
                + "from that file", assertThrows(IllegalArgumentException.class, () -> CloudSettingsWriter.toProperties(s))
                .getMessage());
    }

    @Test
    void validationErrorsNameFileLineAndFix() throws IOException {
        List<String> p = problems(replaced("template.tiny.memoryMib", "12"));
        assertEquals(List.of(dir.resolve("cloud.properties") + ":" + lineOf("template.tiny.memoryMib")
                + ": template 'tiny': memoryMib must be between 256 and 1048576, got 12"), p);
    }

    @Test
    void aPinThatIsNoVersionIsAConfigError() throws IOException {
        for (String pin : List.of("latest", "v0")) {
            List<String> p = problems(example + "template.tiny.imageVersion=" + pin + "\n");
            assertEquals(1, p.size(), p.toString());
            assertTrue(p.get(0).endsWith("template 'tiny': imageVersion must be a golden version number such as 3 or v3 "
                    + "(leave it out to follow the current version), got '" + pin + "'"), p.get(0));
        }
    }

    @Test
    void anEnvValueTheGuestCannotBeGivenIsAConfigError() throws IOException {
        List<String> p = problems(example + "template.tiny.env.BIG=" + "x".repeat(3000) + "\n");
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).endsWith("template 'tiny': env.BIG must be at most 2048 printable characters on one line "
                + "(value not shown)"), p.get(0));
        assertFalse(p.get(0).contains("xxx"), p.get(0));
    }

    @Test
    void everyProblemIsReportedOnce() throws IOException {
        List<String> p = problems(replaced("hypervisor.local.vcpus", "two").replace("watchdog=poweroff", "watchdog=rst"));
        assertEquals(2, p.size(), p.toString());
        assertTrue(p.get(0).endsWith(":" + lineOf("hypervisor.local.vcpus") + ": hypervisor.local.vcpus: must be a whole "
                + "number, got 'two'"), p.get(0));
        assertTrue(p.get(1).endsWith(":" + lineOf("template.tiny.watchdog") + ": template.tiny.watchdog must be one of "
                + "reset, poweroff, none, got 'rst'"), p.get(1));
    }

    @Test
    void unknownKeysAreRejectedWithTheNearestValidKey() throws IOException {
        List<String> p = problems(example + "template.tiny.memoryMB=512\ncloud.nmae=x\ntemplates.tiny.image=y\n");
        assertEquals(3, p.size(), p.toString());
        assertTrue(p.get(0).endsWith("cloud.nmae: unknown key; did you mean cloud.name?"), p.get(0));
        assertTrue(p.get(1).endsWith("template.tiny.memoryMB: unknown key; did you mean template.tiny.memoryMib?"), p.get(1));
        assertTrue(p.get(2).endsWith("templates.tiny.image: unknown key; sections are ceph., cloud., hypervisor., template."),
                p.get(2));
    }

    @Test
    void duplicateKeysAreRejected() throws IOException {
        List<String> p = problems(example + "cloud.maxAgents=5\n");
        int last = example.lines().toList().size() + 1;
        assertEquals(List.of(dir.resolve("cloud.properties") + ":" + last + ": cloud.maxAgents is already set on line "
                + lineOf("cloud.maxAgents") + "; keep one of them"), p);
    }

    @Test
    void keyFilesMustBePrivateBareKeys() throws IOException {
        Path key = dir.resolve("ceph/client.rbd-cloud.key");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        List<String> p = problems(example);
        assertTrue(p.get(0).endsWith(": ceph.keyFile: file " + key + " is readable by every user; run chmod 600 " + key), p.get(0));

        writeKey(key, "[client.rbd-cloud]\n\tkey = " + Fixtures.KEY + "\n");
        p = problems(example);
        assertTrue(p.get(0).contains("is a keyring; store only the key"), p.get(0));
        assertFalse(p.get(0).contains(Fixtures.KEY), p.get(0));

        writeKey(key, "garbage-key");
        p = problems(example);
        assertTrue(p.get(0).endsWith(":" + lineOf("ceph.keyFile") + ": ceph: key is not a base64 cephx key (read from "
                + key + "): store the output of 'ceph auth print-key client.<id>' (the bare key, no keyring section)"), p.get(0));
        assertFalse(p.get(0).contains("garbage-key"), p.get(0));

        Files.delete(key);
        p = problems(example);
        assertTrue(p.get(0).endsWith("ceph.keyFile: file " + key + " does not exist or is not a regular file"), p.get(0));
    }

    @Test
    void relativePathsAreRelativeToTheConfigFile() throws IOException {
        CloudSettings s = CloudSettingsLoader.load(config(replaced("ceph.keyFile", "ceph/client.rbd-cloud.key")
                .replace("ceph.conf=" + dir + "/", "ceph.conf=")));
        assertEquals(dir.resolve("ceph/client.rbd-cloud.key"), s.ceph().key().file().orElseThrow());
        assertEquals(dir.resolve("ceph/ceph.conf"), s.ceph().conf().orElseThrow());
    }

    @Test
    void badSectionNamesPointAtTheSection() throws IOException {
        String text = example + "template.Big.image=x\n";
        int line = text.lines().toList().size();
        assertEquals(List.of(dir.resolve("cloud.properties") + ":" + line + ": template: name must be 1-40 characters of "
                + "lowercase letters, digits and '-', starting with a letter and not ending with '-', got 'Big'"), problems(text));
    }

    @Test
    void crossChecksPointAtTheTemplate() throws IOException {
        List<String> p = problems(replaced("template.tiny.startTimeout", "20m"));
        assertEquals(List.of(dir.resolve("cloud.properties") + ":" + lineOf("cloud.reconcileGrace") + ": cloud: "
                + "reconcileGrace must be at least the longest startTimeout (20m in template 'tiny') so agents still "
                + "starting are never deleted, got 10m"), p);
        p = problems(replaced("template.tiny.vcpus", "4").replaceAll("(?m)^template\\.tiny\\.memoryMib=.*$", ""));
        assertTrue(p.get(0).contains(":" + lineOf("template.tiny.labels") + ": template 'tiny': memoryMib and vcpus "
                + "(1024 MiB, 4 vCPUs) fit on no hypervisor"), p.get(0));
    }

    @Test
    void partialSettingsNameTheMissingKey() throws IOException {
        List<String> p = problems(example.replaceAll("(?m)^template\\.tiny\\.kernel=.*$", "") + "template.tiny.env.X=1\n"
                + "template.tiny.envFile.X=token\nhypervisor.other.vcpus=2\n");
        assertTrue(p.stream().anyMatch(m -> m.endsWith("template.tiny.initrd: needs template.tiny.kernel (direct kernel boot)")), p.toString());
        assertTrue(p.stream().anyMatch(m -> m.endsWith("template.tiny.envFile.X: and template.tiny.env.X are both set; keep one")), p.toString());
        assertTrue(p.stream().anyMatch(m -> m.endsWith("hypervisor 'other': uri is required")), p.toString());
        assertEquals(List.of(dir.resolve("cloud.properties") + ":" + lineOf("cloud.ownerId") + ": cloud: name is required"),
                problems(example.replaceAll("(?m)^cloud\\.name=.*$", "")));
    }
}
