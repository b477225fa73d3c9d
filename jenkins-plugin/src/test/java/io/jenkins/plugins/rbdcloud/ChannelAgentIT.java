package io.jenkins.plugins.rbdcloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.Gauge;
import hudson.ExtensionList;
import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import hudson.model.Label;
import hudson.model.Node;
import hudson.model.Result;
import hudson.tasks.Shell;
import hudson.util.Secret;
import io.jenkins.plugins.rbdcloud.engine.agents.CloudStatus;
import io.jenkins.plugins.rbdcloud.engine.agents.RbdCloudEngine;
import io.jenkins.plugins.rbdcloud.engine.agents.ReconcileReport;
import io.jenkins.plugins.rbdcloud.engine.metrics.Metric;
import io.jenkins.plugins.rbdcloud.engine.metrics.Sample;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnvironmentExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import jenkins.metrics.api.Metrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.LogRecorder;
import org.jvnet.hudson.test.TestExtension;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * End to end with the virtio-serial channel launcher: a freestyle job for label {@code tiny} runs
 * on a QEMU guest booted from an RBD clone, the disk of the successful build is promoted to the
 * next golden version, the next build's agent sees what the first one left, and nothing is left
 * behind.
 */
@WithJenkins
@ExtendWith(DevEnvironmentExtension.class)
class ChannelAgentIT {

    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(6);

    @Test
    void freestyleBuildsRunOnChannelAgentsAndPromoteTheirDisk(JenkinsRule j, DevEnv env, @TempDir Path dir) throws Exception {
        // The provisioning reviews in the output: when a build waited before its agent's launch began, they say why.
        try (DevCloud dev = DevCloud.withAgentImage(j, env, dir);
             LogRecorder reviews = new LogRecorder().record(RbdCloud.class, Level.FINE).record(NoDelayProvisionerStrategy.class, Level.FINE)
                     .record(hudson.slaves.NodeProvisioner.class, Level.FINE);
             LogRecorder remoting = new LogRecorder().record("hudson.remoting", Level.INFO).quiet().capture(1000)) {
            AgentTemplate tiny = dev.template("tiny", "tiny", "channel");
            DevCloud.promoting(tiny, "warm-cache use-cache");
            // A launch value: the guest gets it after its agent.jar started (at boot, before the agent is ready).
            tiny.setEnv(List.of(new EnvVar("RBD_CLOUD_PROXY", Secret.fromString("http://proxy.example:3128"))));
            RbdCloud cloud = dev.cloud(j, "e2e", tiny);

            FreeStyleProject warm = j.createFreeStyleProject("warm-cache");
            warm.setAssignedLabel(Label.get("tiny"));
            warm.getBuildersList().add(new Shell("uname -a\nmkdir -p \"$HOME/cache\"\necho \"warmed by $BUILD_TAG\" > \"$HOME/cache/marker\"\necho \"proxy=$RBD_CLOUD_PROXY\"\n"
                    + "test -r /opt/jenkins/rbd-cloud-channel-agent.aot && echo aot-cache-present\ncat /var/log/rbd-cloud-agent.log\n"
                    // Jenkins takes an agent offline when its temporary directory has under 1 GiB free: /tmp is on the disk.
                    + "awk '$2 == \"/tmp\" { print \"tmp-mounted-as\", $3 }' /proc/mounts\n"
                    + "[ \"$(df -k /tmp | awk 'NR == 2 { print $4 }')\" -ge 1048576 ] && echo tmp-has-1GiB-free"));
            long scheduled = System.currentTimeMillis();
            FreeStyleBuild first = warm.scheduleBuild2(0).get(BUILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            j.assertBuildStatus(Result.SUCCESS, first);
            j.assertLogContains("rbd-cloud-test", first); // the guest's uname -a
            // Next to it, the agent's own provisioning phases (reserve, clone, start, ready): the rest of the
            // gap is Jenkins adding the node and the remoting handshake over the channel.
            String firstAgent = first.getBuiltOnStr();
            System.out.printf("bench queue_to_start millis=%d launcher=channel jar_cache=prefilled agent_phases=%s timeline: %s%n",
                    first.getStartTimeInMillis() - scheduled, Engines.get().current(cloud.name).timings().summaries(),
                    LaunchTimeline.since(scheduled, firstAgent));
            assertTrue(firstAgent.startsWith("tiny-"), firstAgent);
            j.assertLogContains("proxy=http://proxy.example:3128", first); // the template's env reaches the build
            j.assertLogNotContains("tmp-mounted-as tmpfs", first);
            j.assertLogContains("tmp-has-1GiB-free", first);
            // The image's AOT cache for the channel entry is there and the agent's JVM mapped it (a mismatch logs "[aot]" errors).
            j.assertLogContains("aot-cache-present", first);
            j.assertLogNotContains("[aot]", first);
            // Jenkins adds the agent the moment it is ready (a review asked for then), not at NodeProvisioner's next 10 s tick.
            CloudStatus.LaunchEvent launched = DevCloud.launchOf(Engines.get().current(cloud.name), firstAgent);
            long addedAfterReady = LaunchTimeline.at(firstAgent, "node_added") - launched.at().toEpochMilli();
            assertTrue(addedAfterReady < 5000, "the ready agent was added " + addedAfterReady + " ms later");
            // The launch log says where the handshake's time went, call by call.
            assertTrue(LaunchTimeline.handshake(firstAgent).matches("Handshake took .*channel up after .*SlaveVersion .*"),
                    LaunchTimeline.handshake(firstAgent));
            // The image's own channel entry (rbd-cloud-channel-agent.jar): no stdout evacuation, no JNA in the agent.
            assertFalse(LaunchTimeline.launchLog(firstAgent).contains("Evacuated stdout"), LaunchTimeline.launchLog(firstAgent));

            // Snapshot-on-success: the successful build's disk becomes version 2.
            await(Duration.ofMinutes(2), () -> dev.currentVersion() == 2, "the agent's disk promoted to v2");
            await(Duration.ofMinutes(1), () -> j.jenkins.getNode(firstAgent) == null, "the one-shot node removed");

            FreeStyleProject use = j.createFreeStyleProject("use-cache");
            use.setAssignedLabel(Label.get("tiny"));
            use.getBuildersList().add(new Shell("cat \"$HOME/cache/marker\""));
            long scheduledSecond = System.currentTimeMillis();
            FreeStyleBuild second = use.scheduleBuild2(0).get(BUILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            // The promoted disk carries the jar cache the first agent filled.
            // Both agents' phases (max = the slower one): where the wait before this agent was ready went.
            System.out.printf("bench queue_to_start millis=%d launcher=channel jar_cache=promoted agent_phases=%s timeline: %s%n",
                    second.getStartTimeInMillis() - scheduledSecond, Engines.get().current(cloud.name).timings().summaries(),
                    LaunchTimeline.since(scheduledSecond, second.getBuiltOnStr()));
            j.assertBuildStatus(Result.SUCCESS, second);
            j.assertLogContains("warmed by jenkins-warm-cache-1", second);
            String secondAgent = second.getBuiltOnStr();
            await(Duration.ofMinutes(1), () -> j.jenkins.getNode(secondAgent) == null, "the second node removed");
            await(Duration.ofMinutes(2), () -> dev.currentVersion() == 3, "the second build's disk promoted to v3");

            // Nothing leaks: the engine finds no domain or disk that Jenkins does not know.
            RbdCloudEngine engine = Engines.get().current(cloud.name);
            await(Duration.ofMinutes(1), () -> engine.agents().isEmpty(), "the engine's agents ended");
            await(Duration.ofMinutes(1), () -> engine.held().join().isEmpty(), "no disk held any more");
            // A promoted disk goes once its version no longer reads it (after the background flatten).
            await(Duration.ofMinutes(3), () -> dev.versions().stream().allMatch(v -> v.pinnedDisk().isEmpty()),
                    "the promoted versions flattened");
            // What ReconcileWork does every minute: image upkeep removes the disks the flattens freed.
            engine.maintainImages(Instant.now()).get(60, TimeUnit.SECONDS);
            ReconcileReport r = engine.reconcile(Set.of(), Instant.now().plus(Duration.ofHours(1))).get(60, TimeUnit.SECONDS);
            assertEquals(0, r.removedDomains().size(), "leaked domains " + r.removedDomains());
            assertEquals(0, r.removedDisks().size(), "leaked disks " + r.removedDisks());
            for (Node n : j.jenkins.getNodes()) {
                assertNull(n instanceof RbdAgent ? n : null, "an rbd-cloud node is left: " + n);
            }
            // Two normal one-shot ends: the channel was closed before the guest went, so remoting logged no cut channel.
            assertTrue(remoting.getMessages().stream().noneMatch(m -> m.startsWith("I/O error in channel")),
                    remoting.getMessages()::toString);

            // The Metrics plugin (an optional dependency) has the engine's figures as gauges.
            MetricsPluginBridge bridge = ExtensionList.lookupSingleton(MetricsPluginBridge.class);
            bridge.refresh();
            @SuppressWarnings("rawtypes")
            Map<String, Gauge> gauges = Metrics.metricRegistry().getGauges();
            assertEquals(2.0, gauges.get("rbd-cloud.e2e.rbdcloud_promotions_total.template.tiny.outcome.accepted").getValue(),
                    gauges.keySet()::toString);
            for (Sample s : engine.metrics().get(60, TimeUnit.SECONDS)) {
                if (s.metric().type() != Metric.Type.GAUGE) { // counters and summaries stay as they were: nothing runs
                    assertEquals(s.value(), gauges.get(MetricsPluginBridge.name("e2e", s)).getValue(), s::toString);
                }
            }
            j.jenkins.clouds.remove(cloud);
            bridge.refresh();
            assertTrue(Metrics.metricRegistry().getNames().stream().noneMatch(n -> n.startsWith("rbd-cloud.e2e.")),
                    "the removed cloud's gauges are gone");
            j.jenkins.clouds.add(cloud); // back, for DevCloud's cleanup through its engine
        }
    }

    @TestExtension
    public static class TimelineNodes extends LaunchTimeline.Nodes {}

    @TestExtension
    public static class TimelineComputers extends LaunchTimeline.Computers {}

    @TestExtension
    public static class TimelineRuns extends LaunchTimeline.Runs {}

    static void await(Duration timeout, BooleanSupplier condition, String what) throws InterruptedException {
        await(timeout, condition, () -> what);
    }

    /** As above, with {@code what} read when the wait times out (the state it waited on, say). */
    static void await(Duration timeout, BooleanSupplier condition, Supplier<String> what) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what.get());
            }
            Thread.sleep(250);
        }
    }
}
