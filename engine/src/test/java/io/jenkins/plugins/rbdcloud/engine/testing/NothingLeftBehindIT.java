package io.jenkins.plugins.rbdcloud.engine.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.jenkins.plugins.rbdcloud.engine.ceph.CephCluster;
import io.jenkins.plugins.rbdcloud.engine.ceph.CephConfig;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * {@link NothingLeftBehind} on the real services: an IT class that leaves an image, a libvirt
 * domain and a libvirt secret fails, naming each; one that removes what it made passes, also
 * while someone else's object appears meanwhile. The classes are run here through the JUnit
 * launcher with extension auto-detection on, as failsafe runs every IT.
 */
@ExtendWith(DevEnvironmentExtension.class)
class NothingLeftBehindIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    /** What the classes below made, by kind, so this test removes it whatever happens. */
    static final Map<String, List<String>> MADE = new ConcurrentHashMap<>();

    @AfterEach
    void removeWhatTheClassesMade(DevEnv env) {
        try (CephCluster c = connect(env)) {
            for (String image : MADE.getOrDefault("image", List.of())) {
                RbdPool agents = c.pool(env.agentsPool());
                if (agents.exists(image)) {
                    agents.remove(image);
                }
            }
        }
        MADE.getOrDefault("domain", List.of()).forEach(d -> virshQuietly(env, "undefine", d));
        MADE.getOrDefault("secret", List.of()).forEach(s -> virshQuietly(env, "secret-undefine", s));
        MADE.clear();
    }

    @Test
    void aClassThatLeavesAnImageADomainAndASecretFailsNamingThem(DevEnv env) {
        TestExecutionResult r = run(LeakingIT.class);
        assertEquals(TestExecutionResult.Status.FAILED, r.getStatus());
        String message = assertInstanceOf(AssertionError.class, r.getThrowable().orElseThrow()).getMessage();
        String image = MADE.get("image").get(0);
        assertTrue(message.startsWith("LeakingIT left behind on the shared dev services"), message);
        assertTrue(message.contains("image " + env.agentsPool() + "/" + image), message);
        assertTrue(message.contains("domain " + MADE.get("domain").get(0)), message);
        assertTrue(message.contains("secret " + MADE.get("secret").get(0)), message);
    }

    @Test
    void aClassThatCleansUpPassesWhileOthersMakeThingsMeanwhile(DevEnv env) {
        TestExecutionResult r = run(TidyIT.class);
        assertEquals(TestExecutionResult.Status.SUCCESSFUL, r.getStatus(), String.valueOf(r.getThrowable()));
        try (CephCluster c = connect(env)) {
            assertTrue(c.pool(env.agentsPool()).exists(MADE.get("image").get(0)), "the other user's image is still there");
        }
    }

    /** Leaves an agent-pool image, a defined (not running) domain and a Ceph secret, all named with uniqueName. */
    @ExtendWith(DevEnvironmentExtension.class)
    static class LeakingIT {
        @Test
        void leaks(DevEnv env) throws IOException {
            String name = env.uniqueName("leak");
            try (CephCluster c = connect(env)) {
                c.pool(env.agentsPool()).create(name, 1 << 20);
                made("image", name);
            }
            Path xml = Files.createTempFile("leak", ".xml");
            try {
                Files.writeString(xml, "<domain type='qemu'><name>" + name + "</name><memory unit='MiB'>64</memory>"
                        + "<os><type arch='x86_64'>hvm</type></os></domain>");
                DevObjects.virsh(env, "define", xml.toString());
                made("domain", name);
                String uuid = UUID.randomUUID().toString();
                Files.writeString(xml, "<secret ephemeral='yes' private='yes'><uuid>" + uuid + "</uuid><usage type='ceph'>"
                        + "<name>rbd-cloud/" + name + "/client.test</name></usage></secret>");
                DevObjects.virsh(env, "secret-define", xml.toString());
                made("secret", uuid);
            } finally {
                Files.deleteIfExists(xml);
            }
        }
    }

    /** Removes its own image; meanwhile "someone else" (a name it did not get from uniqueName) makes one. */
    @ExtendWith(DevEnvironmentExtension.class)
    static class TidyIT {
        @Test
        void cleansUp(DevEnv env) {
            String mine = env.uniqueName("tidy");
            String theirs = "it-other-user-" + UUID.randomUUID().toString().substring(0, 8);
            try (CephCluster c = connect(env)) {
                RbdPool agents = c.pool(env.agentsPool());
                agents.create(mine, 1 << 20);
                agents.create(theirs, 1 << 20);
                made("image", theirs);
                agents.remove(mine);
            }
        }
    }

    private static void made(String kind, String name) {
        MADE.computeIfAbsent(kind, k -> new ArrayList<>()).add(name);
    }

    /** Runs {@code testClass} as failsafe would and returns its class-level result. */
    private static TestExecutionResult run(Class<?> testClass) {
        List<TestExecutionResult> results = new ArrayList<>();
        TestExecutionListener listener = new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (id.getSource().orElse(null) instanceof ClassSource cs && cs.getJavaClass().equals(testClass)) {
                    results.add(result);
                }
            }
        };
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(testClass))
                .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "true").build(), listener);
        assertEquals(1, results.size(), "one result for " + testClass.getSimpleName());
        return results.get(0);
    }

    private static CephCluster connect(DevEnv env) {
        return CephCluster.connect(CephConfig.ofConfFile(env.cephConf(), env.cephUser(), env.cephKey()), TIMEOUT);
    }

    private static void virshQuietly(DevEnv env, String... args) {
        try {
            DevObjects.virsh(env, args);
        } catch (RuntimeException e) {
            System.out.println("cleanup: " + e.getMessage());
        }
    }
}
