package io.jenkins.plugins.rbdcloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.FreeStyleBuild;
import hudson.model.Result;
import io.jenkins.plugins.rbdcloud.engine.agents.CloudStatus;
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
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.JenkinsSessionExtension;

/**
 * The controller restarts while a Pipeline's {@code sh} step runs on an rbd-cloud channel agent:
 * the engine adopts the running guest, the node reconnects over the channel by itself, and the
 * build resumes and succeeds with no manual step; then nothing is left behind. After one more
 * restart, the first build gets its agent without waiting for Jenkins' first provisioning tick.
 */
@ExtendWith(DevEnvironmentExtension.class)
class ControllerRestartIT {

    static {
        // How long a resumed node block waits for its agent: 5 min in production, 15 s in a JenkinsRule
        // test; reconnecting a guest's agent.jar under TCG takes longer than 15 s.
        System.setProperty("org.jenkinsci.plugins.workflow.support.pickles.ExecutorPickle.timeoutForNodeMillis",
                Long.toString(TimeUnit.MINUTES.toMillis(5)));
    }

    @RegisterExtension
    private final JenkinsSessionExtension sessions = new JenkinsSessionExtension();

    @Test
    void aPipelineStepRunningAcrossAControllerRestartResumesAndSucceeds(DevEnv env, @TempDir Path dir) throws Throwable {
        DevCloud[] dev = new DevCloud[1];
        try {
            sessions.then(j -> {
                // agent.jar's own entry on the channel (an image built without rbd-cloud-channel-agent.jar).
                dev[0] = DevCloud.withAgentImage(j, env, dir, true);
                dev[0].cloud(j, "e2e-restart", dev[0].template("tiny", "tiny", "channel"));
                WorkflowJob p = j.createProject(WorkflowJob.class, "across-restart");
                p.setDefinition(new CpsFlowDefinition("""
                        node('tiny') {
                          sh 'echo before-restart; sleep 45; echo after-restart on $(hostname)'
                        }
                        """, true));
                WorkflowRun b = p.scheduleBuild2(0).waitForStart();
                ChannelAgentIT.await(Duration.ofMinutes(6), () -> log(b).contains("before-restart"),
                        "the sh step running on the agent");
                System.out.println("restarting the controller with the sh step running on " + agentOf(b) + "; nodes "
                        + j.jenkins.getNodes() + ", saved: " + java.util.Arrays.toString(new java.io.File(j.jenkins.getRootDir(), "nodes").list()));
            });
            sessions.then(j -> {
                System.out.println("after the restart: nodes " + j.jenkins.getNodes() + ", saved: "
                        + java.util.Arrays.toString(new java.io.File(j.jenkins.getRootDir(), "nodes").list()));
                WorkflowJob p = j.jenkins.getItemByFullName("across-restart", WorkflowJob.class);
                WorkflowRun b = p.getBuildByNumber(1);
                assertNotNull(b);
                j.waitForCompletion(b);
                System.out.println(log(b));
                j.assertBuildStatus(Result.SUCCESS, b);
                j.assertLogContains("after-restart on", b);
                RbdCloudEngine engine = Engines.get().current("e2e-restart");
                ChannelAgentIT.await(Duration.ofMinutes(2), () -> engine.agents().isEmpty(), "the engine's agents ended");
                ReconcileReport r = engine.reconcile(Set.of(), Instant.now().plus(Duration.ofHours(1))).get(60, TimeUnit.SECONDS);
                assertEquals(0, r.removedDomains().size(), "leaked domains " + r.removedDomains());
                assertEquals(0, r.removedDisks().size(), "leaked disks " + r.removedDisks());
            });
            sessions.then(j -> {
                // The first build after a controller start: its agent's launch begins as soon as the engine
                // (started with Jenkins) is up, not at NodeProvisioner's first tick, 100 s after the start.
                DevCloud.Run run = DevCloud.unameOn(j, "tiny", "after-start", Duration.ofMinutes(6));
                FreeStyleBuild b = run.build();
                long scheduled = run.scheduledMillis();
                RbdCloudEngine engine = Engines.get().current("e2e-restart");
                CloudStatus.LaunchEvent launch = DevCloud.launchOf(engine, b.getBuiltOnStr());
                long launchBegan = launch.at().toEpochMilli() - launch.total().toMillis() - scheduled;
                long ready = launch.at().toEpochMilli() - scheduled;
                long queueToStart = run.queueToStartMillis();
                System.out.printf("bench first_build_after_start queue_to_start millis=%d launch_began=+%d agent_ready=+%d"
                        + " gap=%d launcher=channel entry=stock-agent.jar%n", queueToStart, launchBegan, ready, queueToStart - ready);
                assertTrue(launchBegan < 30_000, "the launch began " + launchBegan + " ms after the build was scheduled");
                ChannelAgentIT.await(Duration.ofMinutes(2), () -> engine.agents().isEmpty(), "the engine's agents ended");
                ReconcileReport r = engine.reconcile(Set.of(), Instant.now().plus(Duration.ofHours(1))).get(60, TimeUnit.SECONDS);
                assertEquals(0, r.removedDomains().size(), "leaked domains " + r.removedDomains());
                assertEquals(0, r.removedDisks().size(), "leaked disks " + r.removedDisks());
                dev[0].close();
                dev[0] = null;
            });
        } finally {
            if (dev[0] != null) {
                dev[0].close();
            }
        }
    }

    private static String log(WorkflowRun b) {
        try {
            return JenkinsRule.getLog(b);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static String agentOf(WorkflowRun b) {
        return log(b).lines().filter(l -> l.startsWith("Running on ")).findFirst().orElse("?");
    }
}
