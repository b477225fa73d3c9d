package io.jenkins.plugins.rbdcloud.engine.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.config.DirectBoot;
import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import io.jenkins.plugins.rbdcloud.engine.libvirt.ExecResult;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnvironmentExtension;
import io.jenkins.plugins.rbdcloud.engine.testing.SocketProxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Provisioning and deletion on the real dev Ceph cluster and libvirtd: two agents in parallel,
 * guest-exec, terminate without leftovers; a guest that never gets ready and a hypervisor that
 * cannot be reached fail naming the step, with everything undone. At most two guests at a time.
 */
@ExtendWith(DevEnvironmentExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentLifecycleIT {

    private EngineFixture fx;

    @BeforeAll
    void setUp(DevEnv env) {
        fx = new EngineFixture(env, "life");
    }

    @AfterAll
    void tearDown() {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void twoAgentsInParallelReachReadyRunCommandsAndLeaveNothingBehind() throws Exception {
        TemplateSettings t = fx.template("lin").build();
        try (RbdCloudEngine engine = RbdCloudEngine.start(fx.settings(List.of(t), b -> b), EngineOptions.builder()
                .launchValues(agent -> LaunchValues.ofSecret(java.util.Map.of("JENKINS_SECRET",
                        io.jenkins.plugins.rbdcloud.engine.config.Secret.of("s3cr3t-" + agent)))).build())) {
            long t0 = System.nanoTime();
            List<Launch> launches = engine.plan(x -> true, 2);
            assertEquals(2, launches.size());
            assertEquals(2, engine.usage().total(), "capacity reserved before anything exists");
            assertTrue(engine.plan(x -> true, 1).isEmpty(), "maxAgents 2 reached, counting agents in flight");
            List<Agent> agents = launches.stream().map(l -> l.ready().orTimeout(70, TimeUnit.SECONDS).join()).toList();
            System.out.printf("2 agents ready in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            for (Agent a : agents) {
                System.out.println("  " + a.name() + " on " + a.hypervisor() + " from " + a.golden() + ": " + a.phases());
                assertEquals(fx.golden + "@v1", a.golden());
            }
            System.out.println("  summaries " + engine.timings().summaries());
            assertEquals(2, engine.agents().size());

            Agent a = agents.get(0);
            ExecResult r = engine.exec(a.name(), Duration.ofSeconds(20), "/bin/sh", "-c",
                    "echo hello-$((6*7)); cat /sys/firmware/dmi/entries/11-0/raw | tr '\\0' '\\n' | grep RBD_CLOUD_AGENT_NAME")
                    .get(30, TimeUnit.SECONDS);
            assertEquals(0, r.exitCode(), r.stderrText());
            assertTrue(r.stdoutText().contains("hello-42"), r.stdoutText());
            assertTrue(r.stdoutText().contains("RBD_CLOUD_AGENT_NAME=" + a.name()), r.stdoutText());
            System.out.println("  bytes written " + engine.bytesWritten().get(30, TimeUnit.SECONDS));

            for (Agent x : agents) {
                TerminationReport tr = engine.terminateAndWait(x.name()).get(90, TimeUnit.SECONDS);
                System.out.println("  " + tr);
                assertTrue(tr.domainRemoved());
                assertEquals(TerminationReport.DiskFate.REMOVED, tr.disk());
            }
            assertEquals(List.of(), fx.domains());
            assertEquals(List.of(), fx.disks("lin"));
            assertEquals(0, engine.usage().total());
            assertTrue(engine.agents().isEmpty());
        }
        assertEquals(List.of(), fx.secrets(), "the Ceph secret goes with the engine");
    }

    @Test
    void aLostLibvirtConnectionFailsWaitReadyWithinSecondsNamingTheCauseAndIsUndone(@TempDir Path dir) throws Exception {
        // libvirtd's socket through a proxy that can cut every connection, as a libvirtd restart does
        String uri = fx.env.libvirtUri();
        Path socket = Path.of(uri.substring(uri.indexOf("socket=") + "socket=".length()));
        TemplateSettings t = fx.template("lost").startTimeout(Duration.ofSeconds(60))
                .directBoot(new DirectBoot(fx.env.guestKernel(), Optional.of(fx.env.guestInitrd()),
                        fx.env.guestCmdline() + " init=/nonexistent rdinit=/nonexistent")).build();
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        AgentLifecycleListener startedHere = new AgentLifecycleListener() {
            @Override
            public void domainStarted(String agent, String hypervisor) {
                started.countDown();
            }
        };
        try (SocketProxy proxy = new SocketProxy(dir.resolve("libvirt-sock"), socket);
                RbdCloudEngine engine = RbdCloudEngine.start(fx.settings(List.of(t), b -> b.hypervisors(List.of(
                        fx.hypervisor("hv1", "qemu:///system?socket=" + proxy.path).build()))),
                        EngineOptions.builder().listener(startedHere).build())) {
            Launch l = engine.provision("lost");
            assertTrue(started.await(60, TimeUnit.SECONDS), "the domain started");
            Thread.sleep(1000); // now waiting for a guest agent that never comes
            long t0 = System.nanoTime();
            proxy.dropAll();
            ExecutionException e = assertThrows(ExecutionException.class, () -> l.ready().get(30, TimeUnit.SECONDS));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            ProvisioningException p = assertInstanceOf(ProvisioningException.class, e.getCause());
            System.out.println("failed " + ms + " ms after the cut: " + p.getMessage());
            assertEquals("wait-ready", p.step());
            assertTrue(p.getMessage().contains("connection lost during wait-ready"), p.getMessage());
            assertTrue(ms < 10_000, "within seconds, not at the 60 s start timeout: " + ms);
            // the undo reaches libvirt again through a new connection
            EngineFixture.eventually(Duration.ofSeconds(30), () -> fx.domains().isEmpty() && fx.disks("lost").isEmpty()
                    && engine.usage().total() == 0);
            assertEquals(List.of(), fx.domains());
            assertEquals(List.of(), fx.disks("lost"));
        }
    }

    @Test
    void aGuestThatNeverGetsReadyFailsAtWaitReadyWithinTheStartTimeoutAndIsUndone() throws Exception {
        TemplateSettings t = fx.template("hang").startTimeout(Duration.ofSeconds(15))
                .directBoot(new DirectBoot(fx.env.guestKernel(), Optional.of(fx.env.guestInitrd()),
                        fx.env.guestCmdline() + " init=/nonexistent rdinit=/nonexistent")).build();
        try (RbdCloudEngine engine = RbdCloudEngine.start(fx.settings(List.of(t), b -> b), EngineOptions.defaults())) {
            long t0 = System.nanoTime();
            Launch l = engine.provision("hang");
            ExecutionException e = assertThrows(ExecutionException.class, () -> l.ready().get(20, TimeUnit.SECONDS));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            ProvisioningException p = assertInstanceOf(ProvisioningException.class, e.getCause());
            System.out.println("failed after " + ms + " ms: " + p.getMessage());
            assertEquals("wait-ready", p.step());
            assertTrue(ms < 15_500, "within the start timeout: " + ms);
            EngineFixture.eventually(Duration.ofSeconds(30), () -> fx.domains().isEmpty() && fx.disks("hang").isEmpty()
                    && engine.usage().total() == 0);
            assertEquals(List.of(), fx.domains());
            assertEquals(List.of(), fx.disks("hang"));
            assertEquals(0, engine.usage().total());
        }
    }

    @Test
    void anUnreachableHypervisorFailsAtStartAndTheCloneIsRemoved() throws Exception {
        TemplateSettings t = fx.template("dead").build();
        String deadUri = "qemu:///system?socket=" + fx.env.devDir().resolve("no-such-libvirt-sock");
        try (RbdCloudEngine engine = RbdCloudEngine.start(fx.settings(List.of(t),
                b -> b.hypervisors(List.of(fx.hypervisor("hv1", deadUri).build()))), EngineOptions.defaults())) {
            Launch l = engine.provision("dead");
            CompletionException e = assertThrows(CompletionException.class, () -> l.ready().orTimeout(60, TimeUnit.SECONDS).join());
            ProvisioningException p = assertInstanceOf(ProvisioningException.class, e.getCause());
            System.out.println(p.getMessage());
            assertEquals("start", p.step());
            assertTrue(p.getMessage().contains("no-such-libvirt-sock"), p.getMessage());
            EngineFixture.eventually(Duration.ofSeconds(10), () -> fx.disks("dead").isEmpty());
            assertEquals(List.of(), fx.disks("dead"), "the clone made before the failed start is removed");
            assertEquals(0, engine.usage().total());
            assertFalse(engine.canProvision(x -> true), "a hypervisor that just failed is skipped for a while");
        }
    }
}
