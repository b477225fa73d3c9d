package io.jenkins.plugins.rbdcloud;

import static io.jenkins.plugins.rbdcloud.ChannelAgentIT.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import hudson.model.Label;
import hudson.model.Result;
import hudson.tasks.Shell;
import io.jenkins.plugins.rbdcloud.engine.agents.RbdCloudEngine;
import io.jenkins.plugins.rbdcloud.engine.agents.ReconcileReport;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnvironmentExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * An rbd-cloud guest hangs while a build runs on it: it stops feeding its watchdog, the watchdog
 * powers it off, the engine ends the agent, and the build ends FAILURE with the reason in its log
 * instead of waiting on a dead agent; the guest and its disk are gone.
 */
@WithJenkins
@ExtendWith(DevEnvironmentExtension.class)
class InfrastructureFailureIT {

    @Test
    void aBuildOnAGuestWhoseWatchdogFiresEndsWithTheReasonInItsLog(JenkinsRule j, DevEnv env, @TempDir Path dir) throws Exception {
        try (DevCloud dev = DevCloud.withAgentImage(j, env, dir)) {
            RbdCloud cloud = dev.cloud(j, "e2e-sick", dev.template("tiny", "tiny", "channel")); // watchdog: poweroff
            FreeStyleProject p = j.createFreeStyleProject("hangs");
            p.setAssignedLabel(Label.get("tiny"));
            p.getBuildersList().add(new Shell("echo step-running\nsleep 600"));
            FreeStyleBuild b = p.scheduleBuild2(0).waitForStart();
            j.waitForMessage("step-running", b);
            String agent = b.getBuiltOnStr();
            RbdCloudEngine engine = Engines.get().current(cloud.name);

            // The guest hangs: as root, through the guest agent, its watchdog feeder is told to stop.
            engine.exec(agent, Duration.ofSeconds(20), "/bin/touch", "/run/stop-watchdog").get(30, TimeUnit.SECONDS);
            long hung = System.nanoTime();
            await(Duration.ofMinutes(3), () -> !b.isBuilding(), "the build to end (its step sleeps 600 s)");
            System.out.printf("sick agent: build ended %.1f s after the guest stopped feeding its watchdog%n",
                    (System.nanoTime() - hung) / 1e9);
            j.assertBuildStatus(Result.FAILURE, b);
            j.assertLogContains("rbd-cloud ended agent " + agent + ": the guest's watchdog fired", b);

            await(Duration.ofMinutes(1), () -> j.jenkins.getNode(agent) == null, "the sick agent's node removed");
            await(Duration.ofMinutes(1), () -> engine.agents().isEmpty(), "the engine's agents ended");
            ReconcileReport r = engine.reconcile(Set.of(), Instant.now().plus(Duration.ofHours(1))).get(60, TimeUnit.SECONDS);
            assertEquals(0, r.removedDomains().size(), "leaked domains " + r.removedDomains());
            assertEquals(0, r.removedDisks().size(), "leaked disks " + r.removedDisks());
        }
    }
}
