package io.jenkins.plugins.rbdcloud.engine.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.libvirt.CephSecrets;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnvironmentExtension;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An engine process killed (kill -9, a controller crash) cannot remove the libvirt Ceph secret it
 * defined: found by the soak (dev/soak), one secret per killed controller stayed until libvirtd
 * restarted. Reconciliation removes it, and keeps the secret of an engine process that still runs.
 * No guest.
 */
@ExtendWith(DevEnvironmentExtension.class)
class AbandonedSecretIT {

    @Test
    void theSecretOfAKilledEngineProcessIsRemovedByReconciliationALiveOnesIsKept(DevEnv env) throws Exception {
        try (EngineFixture fx = new EngineFixture(env, "asec")) {
            Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("java.class.path"), SecretHolder.class.getName(), env.libvirtUri(), fx.cloud, fx.owner, env.hvUser())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            CephSecrets live = new CephSecrets(fx.hypervisor, fx.cloud, fx.owner);
            try {
                try (OutputStream in = other.getOutputStream()) {
                    in.write((env.hvKey() + "\n").getBytes(StandardCharsets.US_ASCII));
                }
                BufferedReader out = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8));
                String line = CompletableFuture.supplyAsync(() -> {
                    try {
                        return out.readLine();
                    } catch (java.io.IOException e) {
                        return e.toString();
                    }
                }).get(60, TimeUnit.SECONDS);
                assertTrue(line != null && line.startsWith("defined "), "the other engine process defined its secret: " + line);
                String abandoned = line.substring("defined ".length());
                live.ensure(env.hvUser(), env.hvKey());
                other.destroyForcibly(); // SIGKILL: it cannot remove its secret
                assertTrue(other.waitFor(30, TimeUnit.SECONDS));
                assertEquals(Set.of(abandoned, live.usage(env.hvUser())), Set.copyOf(fx.secrets()), "both secrets are defined");

                try (RbdCloudEngine engine = RbdCloudEngine.start(fx.settings(List.of(fx.template("asc").build()), b -> b),
                        EngineOptions.defaults())) {
                    ReconcileReport r = engine.reconcile(Set.of(), Instant.now()).get(60, TimeUnit.SECONDS);
                    System.out.println("reconcile: " + r);
                    assertEquals(List.of(live.usage(env.hvUser())), fx.secrets(),
                            "the killed process's secret is removed, the running one's is kept");
                    assertEquals(List.of("hv1/" + abandoned), r.removedSecrets(), "the report names it");
                    assertEquals(List.of(), r.failures());
                }
            } finally {
                other.destroyForcibly();
                live.remove(env.hvUser());
                undefineLeftovers(env, fx.cloud);
            }
            assertEquals(List.of(), fx.secrets());
        }
    }

    /** When the test fails, the killed process's secret is still there: undefine it, it is this test's. */
    private static void undefineLeftovers(DevEnv env, String cloud) throws Exception {
        Process list = new ProcessBuilder("virsh", "-q", "-c", env.libvirtUri(), "secret-list").start();
        String out = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        list.waitFor(30, TimeUnit.SECONDS);
        for (String line : out.lines().filter(l -> l.contains("rbd-cloud/" + cloud + "/")).toList()) {
            String uuid = line.strip().split("\\s+")[0];
            new ProcessBuilder("virsh", "-q", "-c", env.libvirtUri(), "secret-undefine", uuid).start().waitFor(30, TimeUnit.SECONDS);
            System.out.println("undefined left-over secret " + line.strip());
        }
    }
}
