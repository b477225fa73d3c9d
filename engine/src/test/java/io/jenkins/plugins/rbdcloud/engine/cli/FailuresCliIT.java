package io.jenkins.plugins.rbdcloud.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.agents.EngineOptions;
import io.jenkins.plugins.rbdcloud.engine.agents.RbdCloudEngine;
import io.jenkins.plugins.rbdcloud.engine.config.CloudSettings;
import io.jenkins.plugins.rbdcloud.engine.config.CloudSettingsLoader;
import io.jenkins.plugins.rbdcloud.engine.images.Provenance;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnvironmentExtension;
import io.jenkins.plugins.rbdcloud.engine.util.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code agents failures → debug → exec → down}, each a separate CLI run, on a cloud of its own
 * whose template keeps failure snapshots; the failed build is made through the engine. The golden
 * image {@code rbd-cloud-test} is shared: imported when missing, never removed. One guest at a time.
 */
@ExtendWith(DevEnvironmentExtension.class)
class FailuresCliIT {

    private static final String GOLDEN = "rbd-cloud-test";

    private static CliRun cli(String... argv) {
        return CliRun.of(argv);
    }

    @Test
    void aFailureSnapshotIsListedBootedForDebuggingAndTheDebugAgentGoesWithAgentsDown(DevEnv env, @TempDir Path dir)
            throws Exception {
        CliRun images = cli("--json", "images", "list");
        assertEquals(ExitCode.OK, images.code(), images::toString);
        if (!images.out().contains("\"" + GOLDEN + "\"")) {
            CliRun imported = cli("images", "import", GOLDEN, env.guestImage().toString());
            assertEquals(ExitCode.OK, imported.code(), imported::toString);
        }
        Path config = CliRun.devConfig(env, GOLDEN, dir, Map.of("cloud.name", env.uniqueName("fcli"),
                "cloud.ownerId", env.uniqueName("fcli-owner"), "template.tiny.onFailure", "snapshot"));
        String c = config.toString();
        CloudSettings settings = CloudSettingsLoader.load(config);
        String failed = null;
        String debug = null;
        try (RbdCloudEngine engine = RbdCloudEngine.start(settings, EngineOptions.defaults())) {
            failed = engine.provision("tiny").ready().get(90, TimeUnit.SECONDS).name();
            engine.exec(failed, Duration.ofSeconds(30), "/bin/sh", "-c", "echo broken > /build-output.txt").get(40, TimeUnit.SECONDS);
            engine.complete(failed, false, Provenance.of("ci/app", 7)).get(120, TimeUnit.SECONDS);
        }
        try {
            CliRun list = cli("--json", "agents", "failures", "--config", c);
            assertEquals(ExitCode.OK, list.code(), list::toString);
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> rows = (List<Map<String, Object>>) Json.parse(list.out().trim());
            assertEquals(1, rows.size(), list::toString);
            assertEquals(failed, rows.get(0).get("agent"));
            assertEquals("ci/app#7", rows.get(0).get("build"));
            assertEquals("build failed", rows.get(0).get("reason"));
            assertEquals("in 23h59m", rows.get(0).get("expires"), list::toString);
            CliRun table = cli("agents", "failures", "--config", c);
            assertTrue(table.out().contains(env.agentsPool() + "/" + failed + "@rbd-cloud.failure"), table::toString);

            CliRun nothing = cli("agents", "debug", "ci/app#8", "--config", c);
            assertEquals(ExitCode.NOT_FOUND, nothing.code(), nothing::toString);
            assertTrue(nothing.err().contains("no failure snapshot of agent, snapshot or build 'ci/app#8'"), nothing::toString);
            CliRun tooLong = cli("agents", "debug", "ci/app#7", "--for", "30d", "--config", c);
            assertEquals(ExitCode.USAGE, tooLong.code(), tooLong::toString);

            CliRun up = cli("agents", "debug", "ci/app#7", "--for", "30m", "--config", c);
            assertEquals(ExitCode.OK, up.code(), up::toString);
            System.out.println(up.out());
            debug = up.out().split(" ", 4)[2];
            assertTrue(up.out().contains("agents exec " + debug + " -- "), up::toString);
            assertTrue(up.out().contains("virsh -c " + env.libvirtUri() + " console " + debug), up::toString);

            CliRun cat = cli("agents", "exec", debug, "--config", c, "--", "/bin/cat", "/build-output.txt");
            assertEquals(ExitCode.OK, cat.code(), cat::toString);
            assertEquals("broken\n", cat.out(), "the guest agent answers; the failed build's file is there");

            CliRun down = cli("--json", "agents", "down", debug, "--config", c);
            assertEquals(ExitCode.OK, down.code(), down::toString);
            assertTrue(down.out().contains("\"REMOVED\""), down::toString);
            debug = null;
            CliRun still = cli("--json", "agents", "failures", "--config", c);
            assertTrue(still.out().contains(failed), "the failure snapshot stays until it expires: " + still);
        } finally {
            try (RbdCloudEngine engine = RbdCloudEngine.start(settings, EngineOptions.defaults())) {
                if (debug != null) {
                    engine.adopt(Instant.now()).get(60, TimeUnit.SECONDS);
                    engine.terminate(debug).get(90, TimeUnit.SECONDS);
                }
                var r = engine.reconcile(Set.of(), Instant.now().plus(Duration.ofDays(2))).get(90, TimeUnit.SECONDS);
                assertEquals(List.of(env.agentsPool() + "/" + failed), r.removedDisks(), r.toString());
            }
        }
    }
}
