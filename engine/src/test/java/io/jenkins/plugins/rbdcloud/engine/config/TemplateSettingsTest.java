package io.jenkins.plugins.rbdcloud.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.agents.internal.GuestSecretFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TemplateSettingsTest {

    private static String error(TemplateSettings.Builder b) {
        return assertThrows(SettingException.class, b::build).getMessage();
    }

    private static TemplateSettings.Builder debian() {
        return Fixtures.template("debian");
    }

    @Test
    void defaultsAreSafeForCi() {
        TemplateSettings t = debian().build();
        assertEquals(Retention.oneShot(), t.retention());
        assertEquals(1, t.executors());
        assertEquals(SnapshotPolicy.NEVER, t.snapshot());
        assertEquals(LauncherKind.CHANNEL, t.launcher());
        assertEquals(2, t.maxCloneDepth());
        assertEquals(Duration.ofMinutes(5), t.startTimeout());
        assertEquals(TemplateSettings.UNLIMITED, t.maxAgents());
    }

    @Test
    void sizesNameFieldRangeAndValue() {
        assertEquals("template 'debian': memoryMib must be between 256 and 1048576, got 12", error(debian().memoryMib(12)));
        assertEquals("template 'debian': vcpus must be between 1 and 256, got 0", error(debian().vcpus(0)));
        assertEquals("template 'debian': diskGib must be between 1 and 65536, got 0", error(debian().diskGib(0)));
        assertEquals("template 'debian': executors must be between 1 and 64, got 65",
                error(debian().executors(65).retention(Retention.idle(Duration.ofMinutes(5)))));
        assertEquals("template 'debian': maxAgents must be at least 1, got 0; leave it out for no per-template cap",
                error(debian().maxAgents(0)));
        assertEquals("template 'debian': maxCloneDepth must be between 1 and 16, got 17", error(debian().maxCloneDepth(17)));
        assertEquals("template 'debian': startTimeout must be between 10s and 2h, got 5s",
                error(debian().startTimeout(Duration.ofSeconds(5))));
        assertEquals("template 'debian': warmPoolMaxAge must be between 1m and 7d, got 8d",
                error(debian().warmPoolMaxAge(Duration.ofDays(8))));
    }

    @Test
    void namesAndLabels() {
        assertEquals("template: name must be 1-40 characters of lowercase letters, digits and '-', starting with a "
                + "letter and not ending with '-', got 'Debian_12'", error(Fixtures.template("Debian_12")));
        assertEquals("template 'debian': labels must be Jenkins label names without blanks, quotes or any of "
                + "& | ! ( ) < > = , (one label per word), got 'linux&&amd64'", error(debian().labels(Set.of("linux&&amd64"))));
        assertEquals("template 'debian': image must be 1-64 characters of a-z 0-9 _ - starting with a letter or digit, got 'golden/debian'",
                error(debian().image("golden/debian")));
        assertEquals("template 'debian': image is required", error(debian().image(null)));
        assertEquals("template 'debian': hypervisorGroup must be 1-40 characters of lowercase letters, digits and '-', "
                + "starting with a letter and not ending with '-', got 'Rack1'", error(debian().hypervisorGroup("Rack1")));
    }

    @Test
    void warmPoolIsBoundedByTheTemplateCap() {
        assertEquals("template 'debian': warmPool must not exceed maxAgents (2), got 3", error(debian().maxAgents(2).warmPool(3)));
        assertEquals("template 'debian': warmPool must be between 0 and 100, got -1", error(debian().warmPool(-1)));
    }

    @Test
    void oneShotAgentsHaveOneExecutor() {
        assertEquals("template 'debian': executors must be 1 with retention one-shot, got 2; use retention "
                + "idle:<duration> for agents with several executors", error(debian().executors(2)));
        assertEquals("template 'debian': executors must be 1 with snapshot on-success (the disk of one build is "
                + "promoted), got 2", error(debian().executors(2).retention(Retention.idle(Duration.ofMinutes(10)))
                .snapshot(SnapshotPolicy.ON_SUCCESS)));
    }

    @Test
    void inboundAgentsNeedANetworkInterface() {
        assertEquals("template 'debian': network is required with launcher inbound (the agent dials the controller); "
                + "use 'user' to reach a controller on the hypervisor, or a libvirt network or bridge",
                error(debian().launcher(LauncherKind.INBOUND)));
        assertEquals(Network.Kind.USER, debian().launcher(LauncherKind.INBOUND)
                .network(Network.user(OptionalInt.empty())).build().network().orElseThrow().kind());
    }

    @Test
    void envValuesAreRedactedEverywhere() {
        TemplateSettings t = debian().env("TOKEN", Secret.of("s3cr3t-value")).build();
        assertFalse(t.toString().contains("s3cr3t-value"), t.toString());
        assertEquals("s3cr3t-value", t.env().get("TOKEN").reveal());
        String m = error(debian().env("TOKEN", Secret.of("s3cr3t\0")));
        assertEquals("template 'debian': env.TOKEN must be at most 2048 printable characters on one line (value not shown)", m);
        assertEquals("template 'debian': env.1X is not a variable name: use letters, digits and '_', not starting with a digit",
                error(debian().env("1X", Secret.of("v"))));
    }

    @Test
    void aPinnedVersionIsAVersionNumber() {
        // Launches parse the pin as a number: anything else must fail here, not at every launch.
        for (String bad : new String[] {"latest", "v0", "0", "v01", "-1", "v", "v1.2", "v1@x", "v12345678901"}) {
            assertEquals("template 'debian': imageVersion must be a golden version number such as 3 or v3 (leave it out "
                    + "to follow the current version), got '" + bad + "'", error(debian().imageVersion(bad)), bad);
        }
        assertEquals(Optional.of("v3"), debian().imageVersion("v3").build().imageVersion());
        assertEquals(Optional.of("12"), debian().imageVersion("12").build().imageVersion());
    }

    @Test
    void envValuesTheGuestCannotBeGivenAreRefused() {
        String prefix = "template 'debian': env.TOKEN must be at most 2048 printable characters on one line (value not shown)";
        assertEquals(prefix, error(debian().env("TOKEN", Secret.of("x".repeat(2049)))));
        // A line break would split the KEY=VALUE file the guest reads; the value must not appear.
        String m = error(debian().env("TOKEN", Secret.of("s3cr3t\nINJECTED=1")));
        assertEquals(prefix, m);
        assertEquals(prefix, error(debian().env("TOKEN", Secret.of("tab\there"))));
        TemplateSettings.Builder many = debian();
        for (int i = 0; i < 20; i++) {
            many.env("VAR_" + i, Secret.of("\u00e9".repeat(2048))); // 4 KiB each in UTF-8
        }
        assertEquals("template 'debian': env must hold at most 32768 bytes in all (as NAME=value lines in UTF-8), got 82070",
                error(many));
    }

    @Test
    void everyEnvATemplateAcceptsCanBeDelivered() {
        // Whatever the config accepts, plus what a launch adds (the inbound secret), must fit the guest's file.
        List<TemplateSettings.Builder> candidates = new ArrayList<>();
        for (String v : List.of("x".repeat(2048), "x".repeat(2049), "x".repeat(4096), "a\nb", "a\tb", "\u00e9".repeat(2048))) {
            candidates.add(debian().env("TOKEN", Secret.of(v)));
        }
        TemplateSettings.Builder many = debian();
        for (int i = 0; i < 20; i++) {
            many.env("VAR_" + i, Secret.of("\u00e9".repeat(2048)));
        }
        candidates.add(many);
        for (TemplateSettings.Builder b : candidates) {
            TemplateSettings t;
            try {
                t = b.build();
            } catch (SettingException refused) {
                continue;
            }
            Map<String, String> values = new LinkedHashMap<>();
            t.env().forEach((k, v) -> values.put(k, v.reveal()));
            values.put("JENKINS_SECRET", "f".repeat(64));
            byte[] file = GuestSecretFile.envFile(values);
            assertTrue(file.length <= GuestSecretFile.MAX_BYTES, file.length + " bytes");
        }
    }

    @Test
    void networkAndDirectBoot() {
        assertEquals("bridge name must be letters, digits, '_', '.' and '-' (bridges at most 15 characters), got "
                + "'a-very-long-bridge-name'", assertThrows(IllegalArgumentException.class,
                () -> Network.parse("bridge:a-very-long-bridge-name", OptionalInt.empty())).getMessage());
        assertEquals("mtu must be between 68 and 65535, got 10", assertThrows(IllegalArgumentException.class,
                () -> Network.parse("network:default", OptionalInt.of(10))).getMessage());
        assertEquals("must be 'network:<libvirt network>', 'bridge:<host bridge>' or 'user', got 'br0'",
                assertThrows(IllegalArgumentException.class, () -> Network.parse("br0", OptionalInt.empty())).getMessage());
        assertEquals(Network.Kind.USER, Network.parse("user", OptionalInt.empty()).kind());
        assertEquals("user", Network.parse("user", OptionalInt.of(1400)).word());
        assertThrows(IllegalArgumentException.class, () -> Network.parse("user:x", OptionalInt.empty()));
        assertEquals("kernel must be an absolute, normalized path on the hypervisor, got 'vmlinux'",
                assertThrows(IllegalArgumentException.class,
                        () -> new DirectBoot(Path.of("vmlinux"), Optional.empty(), "")).getMessage());
        assertEquals("initrd must be an absolute, normalized path on the hypervisor, got '/boot/../etc/initrd'",
                assertThrows(IllegalArgumentException.class,
                        () -> new DirectBoot(Path.of("/vmlinux"), Optional.of(Path.of("/boot/../etc/initrd")), "")).getMessage());
        String m = assertThrows(IllegalArgumentException.class,
                () -> new DirectBoot(Path.of("/vmlinux"), Optional.empty(), "console=ttyS0\nroot=/dev/vda")).getMessage();
        assertTrue(m.startsWith("cmdline must be at most 2048 printable ASCII characters on one line, got 'console=ttyS0\\u000a"), m);
    }

    @Test
    void retentionWords() {
        assertEquals(Retention.idle(Duration.ofMinutes(30)), Retention.parse("k", "idle:30m"));
        assertEquals("idle:30m", Retention.parse("k", "idle:30m").word());
        assertEquals(Retention.oneShot(), Retention.parse("k", "one-shot"));
        assertEquals("k must be 'one-shot' or 'idle:<duration>' such as 'idle:30m', got 'forever'",
                assertThrows(SettingException.class, () -> Retention.parse("k", "forever")).getMessage());
        assertEquals("k: idle time must be between 1m and 7d, got 30s",
                assertThrows(SettingException.class, () -> Retention.parse("k", "idle:30s")).getMessage());
    }
}
