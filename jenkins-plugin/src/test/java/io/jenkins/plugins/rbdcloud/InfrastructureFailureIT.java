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
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * An rbd-cloud guest hangs while a build runs on it: it stops feeding its watchdog, the watchdog
 * powers it off, the engine ends the agent, and the build ends FAILURE with the reason in its log
 * instead of waiting on a dead agent; the guest and its disk are gone. A freestyle build, then a
 * Pipeline whose {@code node} block runs a durable {@code sh} step.
 */
@WithJenkins
@ExtendWith(DevEnvironmentExtension.class)
class InfrastructureFailureIT {

    @Test
    void buildsOnAGuestWhoseWatchdogFiresEndWithTheReasonInTheirLog(JenkinsRule j, DevEnv env, @TempDir Path dir) throws Exception {
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

            // Under Pipeline the node block's agent dies under a durable sh step, inside
            // retry(conditions: [agent()]): the block runs again, on a fresh agent.
            WorkflowJob pipeline = j.createProject(WorkflowJob.class, "hangs-in-pipeline");
            pipeline.setDefinition(new CpsFlowDefinition(SickAgentsTest.RETRIED_PIPELINE, true));
            WorkflowRun run = pipeline.scheduleBuild2(0).waitForStart();
            j.waitForMessage("step-running", run);
            String first = j.jenkins.getNodes().stream().filter(n -> n instanceof RbdAgent).findFirst().orElseThrow().getNodeName();
            engine.exec(first, Duration.ofSeconds(20), "/bin/touch", "/run/stop-watchdog").get(30, TimeUnit.SECONDS);
            long pipelineHung = System.nanoTime();
            await(Duration.ofMinutes(4), () -> !run.isBuilding(), "the Pipeline build to end (its first sh step sleeps 600 s)");
            System.out.printf("sick agent: Pipeline build ended %.1f s after the guest stopped feeding its watchdog%n",
                    (System.nanoTime() - pipelineHung) / 1e9);
            j.assertBuildStatus(Result.SUCCESS, run);
            j.assertLogContains("rbd-cloud ended agent " + first + ": the guest's watchdog fired", run);
            j.assertLogContains("attempt 2 ran on tiny-", run);
            j.assertLogNotContains("attempt 2 ran on " + first, run);
            await(Duration.ofMinutes(1), () -> j.jenkins.getNodes().stream().noneMatch(n -> n instanceof RbdAgent),
                    "both Pipeline agents' nodes removed");
            await(Duration.ofMinutes(1), () -> engine.agents().isEmpty(), "the engine's agents ended");
            // A powered-off guest's RBD watch lingers ~30 s: its disk goes once that has timed out.
            await(Duration.ofMinutes(2), () -> engine.pendingUndos().isEmpty(), () -> "the sick agents' disks removed: "
                    + engine.pendingUndos());
            ReconcileReport r = engine.reconcile(Set.of(), Instant.now().plus(Duration.ofHours(1))).get(60, TimeUnit.SECONDS);
            assertEquals(0, r.removedDomains().size(), "leaked domains " + r.removedDomains());
            assertEquals(0, r.removedDisks().size(), "leaked disks " + r.removedDisks());
        }
    }
}
