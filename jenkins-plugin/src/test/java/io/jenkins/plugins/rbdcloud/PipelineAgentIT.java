package io.jenkins.plugins.rbdcloud;


import hudson.model.Result;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnvironmentExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jvnet.hudson.test.junit.jupiter.JenkinsSessionExtension;

/**
 * Pipeline on an rbd-cloud channel agent: {@code node('tiny')} runs {@code sh} steps in the guest;
 * the controller restarts while a step runs, the agent is adopted and reconnected, the build
 * resumes and succeeds with no manual step; its disk is promoted at the build's end (decided by
 * the build's result, not by {@code currentBuild.result}).
 */
@ExtendWith(DevEnvironmentExtension.class)
class PipelineAgentIT {

    @RegisterExtension
    private final JenkinsSessionExtension sessions = new JenkinsSessionExtension();

    private static DevCloud dev;

    @Test
    void pipelineResumesAfterAControllerRestartAndPromotesAtTheEnd(DevEnv env) throws Throwable {
        Path dir = Files.createTempDirectory("rbd-cloud-pipeline-it");
        try {
            sessions.then(j -> {
                dev = DevCloud.withAgentImage(j, env, dir);
                AgentTemplate tiny = dev.template("tiny", "tiny", "channel");
                tiny.setSnapshotOnSuccess(true);
                dev.cloud(j, "e2e-pipeline", tiny);
                WorkflowJob p = j.createProject(WorkflowJob.class, "restart-me");
                p.setDefinition(new CpsFlowDefinition("""
                        node('tiny') {
                          sh 'uname -a'
                          sh 'echo before-restart; sleep 60'
                          sh 'mkdir -p "$HOME/cache" && echo "warmed by pipeline $BUILD_TAG" > "$HOME/cache/marker"'
                        }
                        """, true));
                WorkflowRun b = p.scheduleBuild2(0).waitForStart();
                ChannelAgentIT.await(Duration.ofMinutes(6), () -> logOf(b).contains("before-restart"), "the sleep step running");
            });
            sessions.then(j -> {
                WorkflowRun b = j.jenkins.getItemByFullName("restart-me", WorkflowJob.class).getBuildByNumber(1);
                j.waitForCompletion(b);
                j.assertBuildStatus(Result.SUCCESS, b);
                j.assertLogContains("rbd-cloud-test", b);
                ChannelAgentIT.await(Duration.ofMinutes(2), () -> dev.currentVersion() == 2, "the Pipeline's disk promoted to v2");

                WorkflowJob use = j.createProject(WorkflowJob.class, "use-cache");
                use.setDefinition(new CpsFlowDefinition("node('tiny') { sh 'cat \"$HOME/cache/marker\"' }", true));
                WorkflowRun second = j.buildAndAssertSuccess(use);
                j.assertLogContains("warmed by pipeline jenkins-restart-me-1", second);
            });
        } finally {
            if (dev != null) {
                dev.close();
            }
        }
    }

    private static String logOf(WorkflowRun b) {
        try {
            return b.getLog();
        } catch (Exception e) {
            return "";
        }
    }
}
