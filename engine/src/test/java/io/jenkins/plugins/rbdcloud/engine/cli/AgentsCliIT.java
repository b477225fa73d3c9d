package io.jenkins.plugins.rbdcloud.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.Ownership;
import io.jenkins.plugins.rbdcloud.engine.agents.ControllerHeartbeat;
import io.jenkins.plugins.rbdcloud.engine.agents.EngineOptions;
import io.jenkins.plugins.rbdcloud.engine.agents.RbdCloudEngine;
import io.jenkins.plugins.rbdcloud.engine.ceph.CephCluster;
import io.jenkins.plugins.rbdcloud.engine.ceph.CephConfig;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
import io.jenkins.plugins.rbdcloud.engine.config.CloudSettings;
import io.jenkins.plugins.rbdcloud.engine.config.CloudSettingsLoader;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnvironmentExtension;
import io.jenkins.plugins.rbdcloud.engine.util.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code agents up → ls → exec → down} on the embedded default cloud, each a separate CLI run (as a
 * user types them): exec and down reach the running agent by adopting it. The golden image
 * {@code rbd-cloud-test} is shared with other tests: imported when missing, never removed. One guest.
 */
@ExtendWith(DevEnvironmentExtension.class)
class AgentsCliIT {

    private static final String GOLDEN = "rbd-cloud-test";

    private static CliRun cli(String... argv) {
        return CliRun.of(argv);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> rows(CliRun r) {
        return (List<Map<String, Object>>) Json.parse(r.out().trim());
    }

    private static List<Object> names(List<Map<String, Object>> rows) {
        return new ArrayList<>(rows.stream().map(m -> m.get("name")).toList());
    }

    /**
     * A controller running the cloud of a config file (its engine ticks) and an agent disk of its,
     * unknown to the CLI and older than the grace: gc and agents down refuse, naming the owner and
     * the heartbeat's age; --force goes ahead; once the controller's engine is closed gc needs no
     * --force. No guest.
     */
    @Test
    void gcAndAgentsDownLeaveARunningControllersAgentsAlone(DevEnv env, @TempDir Path dir) throws Exception {
        String owner = env.uniqueName("hb-owner");
        String cloud = env.uniqueName("hb");
        Path config = CliRun.devConfig(env, GOLDEN, dir, Map.of("cloud.name", cloud, "cloud.ownerId", owner));
        CloudSettings settings = CloudSettingsLoader.load(config);
        String unique = env.uniqueName("x");
        String disk = "tiny-" + unique.substring(unique.length() - 6);
        try (CephCluster ceph = CephCluster.connect(CephConfig.ofConfFile(env.cephConf(), env.cephUser(), env.cephKey()),
                Duration.ofSeconds(20))) {
            RbdPool agents = ceph.pool(env.agentsPool());
            agents.create(disk, 1L << 20);
            try {
                Map<String, String> tags = new LinkedHashMap<>();
                new Ownership(owner, cloud, "tiny", disk, GOLDEN + "@v1", Instant.now().minus(Duration.ofHours(1))).toMap()
                        .forEach((k, v) -> tags.put(Ownership.META_PREFIX + k, v));
                agents.metaSetAll(disk, tags);
                try (RbdCloudEngine controller = RbdCloudEngine.start(settings, EngineOptions.defaults())) {
                    controller.tick(Instant.now());
                    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                    while (ControllerHeartbeat.read(agents, owner, cloud).isEmpty() && System.nanoTime() < end) {
                        Thread.sleep(100);
                    }
                    CliRun gc = cli("gc", "--config", config.toString());
                    assertEquals(ExitCode.FAILED, gc.code(), gc::toString);
                    assertTrue(gc.err().contains("controller " + owner + " is running cloud " + cloud + " (heartbeat "), gc::toString);
                    assertTrue(agents.exists(disk), "the controller's disk stays");

                    CliRun down = cli("agents", "down", disk, "--config", config.toString());
                    assertEquals(ExitCode.FAILED, down.code(), down::toString);
                    assertTrue(down.err().contains("agents down would touch the agents it is using"), down::toString);

                    CliRun forced = cli("--json", "gc", "--force", "--config", config.toString());
                    assertEquals(List.of(env.agentsPool() + "/" + disk), Json.parseObject(forced.out().trim()).get("removedDisks"),
                            forced::toString);
                    assertFalse(agents.exists(disk), forced::toString);
                }
                // Not refused any more (image maintenance may still report other tests' goldens in the shared pool).
                CliRun after = cli("gc", "--config", config.toString());
                assertFalse(after.err().contains("is running cloud"), "a closed controller's heartbeat is gone: " + after);
                assertTrue(after.out().startsWith("scanned "), after::toString);
            } finally {
                if (agents.exists(disk)) {
                    agents.remove(disk);
                }
            }
        }
    }

    @Test
    void anAgentStartedByOneRunIsUsedAndDeletedByTheNext(DevEnv env) {
        CliRun images = cli("--json", "images", "list");
        assertEquals(ExitCode.OK, images.code(), images::toString);
        if (!names(rows(images)).contains(GOLDEN)) {
            CliRun imported = cli("images", "import", GOLDEN, env.guestImage().toString());
            assertEquals(ExitCode.OK, imported.code(), imported::toString);
        }

        CliRun up = cli("--json", "agents", "up", "--count", "1");
        assertEquals(ExitCode.OK, up.code(), up::toString);
        String name = (String) rows(up).get(0).get("name");
        try {
            CliRun ls = cli("--json", "agents", "ls");
            assertEquals(ExitCode.OK, ls.code(), ls::toString);
            Map<String, Object> row = rows(ls).stream().filter(m -> name.equals(m.get("name"))).findFirst().orElseThrow();
            assertEquals("running", row.get("state"), ls::toString);
            assertTrue(row.get("age") instanceof String age && age.endsWith("s"), ls::toString);
            long writtenAtStart = ((Number) row.get("writtenBytes")).longValue();

            CliRun dd = cli("agents", "exec", name, "--", "/bin/sh", "-c", "dd if=/dev/urandom of=/cache.bin bs=1M count=4 2>/dev/null && sync");
            assertEquals(ExitCode.OK, dd.code(), dd::toString);
            CliRun ls2 = cli("--json", "agents", "ls");
            Map<String, Object> row2 = rows(ls2).stream().filter(m -> name.equals(m.get("name"))).findFirst().orElseThrow();
            assertTrue(((Number) row2.get("writtenBytes")).longValue() >= writtenAtStart + (4L << 20),
                    "ls shows the 4 MiB written so far: " + writtenAtStart + " -> " + ls2);

            CliRun metrics = cli("metrics");
            assertEquals(ExitCode.OK, metrics.code(), metrics::toString);
            assertTrue(metrics.out().contains("# TYPE rbdcloud_capacity_in_use gauge\n"), metrics::toString);
            assertTrue(metrics.out().contains("rbdcloud_golden_current_version{image=\"" + GOLDEN + "\"} "), metrics::toString);
            assertTrue(metrics.out().lines().anyMatch(l -> l.startsWith("rbdcloud_capacity_in_use{hypervisor=") && !l.endsWith(" 0")),
                    "the running agent is in use: " + metrics);

            CliRun hi = cli("agents", "exec", name, "--", "/bin/echo", "hi");
            assertEquals(ExitCode.OK, hi.code(), hi::toString);
            assertEquals("hi\n", hi.out());

            CliRun three = cli("agents", "exec", name, "--", "/bin/sh", "-c", "echo oops >&2; exit 3");
            assertEquals(3, three.code().code(), three::toString);
            assertEquals("oops\n", three.err());

            CliRun nobody = cli("agents", "exec", "tiny-zzzzzz", "--", "/bin/true");
            assertEquals(ExitCode.NOT_FOUND, nobody.code(), nobody::toString);
            assertTrue(nobody.err().contains("no running agent named tiny-zzzzzz"), nobody::toString);
        } finally {
            CliRun down = cli("--json", "agents", "down", name);
            assertEquals(ExitCode.OK, down.code(), down::toString);
            Map<String, Object> report = rows(down).get(0);
            assertEquals(name, report.get("name"));
            assertEquals(true, report.get("domainRemoved"), down::toString);
            assertEquals("REMOVED", report.get("disk"), down::toString);
            assertTrue(((Number) report.get("writtenBytes")).longValue() >= 4L << 20, down::toString);
            assertFalse(report.containsKey("buildMillis"), "an adopted agent's build time is unknown, not its time since adoption: "
                    + down);
            assertTrue(((Number) report.get("freedBytes")).longValue() >= ((Number) report.get("writtenBytes")).longValue(),
                    down::toString);
            System.out.println("agents down: " + down.out().trim());
        }
        CliRun after = cli("--json", "agents", "ls");
        assertEquals(ExitCode.OK, after.code(), after::toString);
        assertFalse(names(rows(after)).contains(name), after::toString);
        CliRun table = cli("agents", "ls");
        assertFalse(table.out().contains(name), table::toString);
    }
}
