package io.jenkins.plugins.rbdcloud.engine.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.config.Secret;
import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import io.jenkins.plugins.rbdcloud.engine.libvirt.ExecResult;
import io.jenkins.plugins.rbdcloud.engine.libvirt.RawDomains;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnvironmentExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Secret launch values (the template's env, the caller's secret values, an inbound agent's secret)
 * reach the guest only through qemu-guest-agent, in a root-only file: never in the domain XML,
 * nor in libvirt's per-domain log, which holds QEMU's command line with every SMBIOS string.
 */
@ExtendWith(DevEnvironmentExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LaunchSecretsIT {

    private EngineFixture fx;

    @BeforeAll
    void setUp(DevEnv env) {
        fx = new EngineFixture(env, "secrets");
    }

    @AfterAll
    void tearDown() {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void secretsAreInARootOnlyGuestFileAndNeitherInTheQemuLogNorInTheDomainXml() throws Exception {
        String templateSecret = "tmpl-" + UUID.randomUUID();
        String agentSecret = "agent-" + UUID.randomUUID();
        String inbound = "jnlp-" + UUID.randomUUID();
        String url = "https://ci.example/" + UUID.randomUUID() + "/";
        TemplateSettings t = fx.template("sec").env("DEPLOY_TOKEN", Secret.of(templateSecret)).build();
        try (RbdCloudEngine engine = RbdCloudEngine.start(fx.settings(List.of(t), b -> b), EngineOptions.builder()
                .launchValues(agent -> new LaunchValues(Map.of("JENKINS_URL", url),
                        Map.of("JENKINS_SECRET", Secret.of(agentSecret)))).build())) {
            long t0 = System.nanoTime();
            Agent a = engine.provision("sec").ready().orTimeout(70, TimeUnit.SECONDS).join();
            System.out.printf("ready with secrets delivered in %d ms: %s%n", (System.nanoTime() - t0) / 1_000_000, a.phases());

            ExecResult env = engine.exec(a.name(), Duration.ofSeconds(20), "/bin/sh", "-c",
                    "stat -c '%a %U' /run/rbd-cloud /run/rbd-cloud/env; cat /run/rbd-cloud/env").get(30, TimeUnit.SECONDS);
            assertEquals(0, env.exitCode(), env.stderrText());
            String out = env.stdoutText();
            assertTrue(out.contains("700 root\n600 root\n"), out);
            assertTrue(out.contains("DEPLOY_TOKEN=" + templateSecret + "\n"), "template env in the file");
            assertTrue(out.contains("JENKINS_SECRET=" + agentSecret + "\n"), "secret launch value in the file");

            engine.writeGuestFile(a.name(), "/run/rbd-cloud/agent-secret", inbound.getBytes(StandardCharsets.UTF_8))
                    .get(30, TimeUnit.SECONDS);
            ExecResult inb = engine.exec(a.name(), Duration.ofSeconds(20), "/bin/sh", "-c",
                    "stat -c '%a' /run/rbd-cloud/agent-secret; cat /run/rbd-cloud/agent-secret").get(30, TimeUnit.SECONDS);
            assertEquals("600\n" + inbound, inb.stdoutText());

            String xml = RawDomains.liveXml(fx.hypervisor, a.name());
            Path log = fx.env.devDir().resolve("libvirt/log/qemu/" + a.name() + ".log");
            String qemuLog = Files.readString(log);
            assertTrue(qemuLog.contains(url), "public values still go to SMBIOS (and so to this log): " + log);
            assertTrue(xml.contains("RBD_CLOUD_AGENT_NAME=" + a.name()), "the agent's name still goes to SMBIOS");
            for (String secret : List.of(templateSecret, agentSecret, inbound)) {
                assertFalse(qemuLog.contains(secret), "a secret in " + log);
                assertFalse(xml.contains(secret), "a secret in the domain XML");
            }
            engine.terminate(a.name()).get(90, TimeUnit.SECONDS);
            assertThrows(ExecutionException.class, () -> engine.writeGuestFile(a.name(), "/run/x/y", new byte[1])
                    .get(10, TimeUnit.SECONDS), "no such agent any more");
        }
        assertEquals(List.of(), fx.domains());
        assertEquals(List.of(), fx.disks("sec"));
    }

    @Test
    void aSecretThatCannotBeDeliveredFailsTheLaunchAtDeliverSecretsAndUndoesIt() throws Exception {
        TemplateSettings t = fx.template("bad").build();
        try (RbdCloudEngine engine = RbdCloudEngine.start(fx.settings(List.of(t), b -> b), EngineOptions.builder()
                .launchValues(agent -> LaunchValues.ofSecret(Map.of("MULTI", Secret.of("line1\nline2")))).build())) {
            Launch l = engine.provision("bad");
            ExecutionException e = assertThrows(ExecutionException.class, () -> l.ready().get(70, TimeUnit.SECONDS));
            ProvisioningException p = assertInstanceOf(ProvisioningException.class, e.getCause());
            System.out.println(p.getMessage());
            assertEquals("deliver-secrets", p.step());
            assertFalse(p.getMessage().contains("line1"), "the value is not shown");
            EngineFixture.eventually(Duration.ofSeconds(30), () -> fx.domains().isEmpty() && fx.disks("bad").isEmpty()
                    && engine.usage().total() == 0);
            assertEquals(List.of(), fx.domains());
            assertEquals(List.of(), fx.disks("bad"));
            assertEquals(0, engine.usage().total());
        }
    }
}
