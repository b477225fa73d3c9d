package io.jenkins.plugins.rbdcloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.agents.ReconcileReport;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnvironmentExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
 * Pipeline on an rbd-cloud channel agent: {@code node('tiny')} runs {@code sh} steps (durable-task)
 * in the guest, and the disk is promoted at the build's end because the build succeeded — the
 * {@code node} block ended before the build had a result, and no {@code currentBuild.result} is set.
 */
@WithJenkins
@ExtendWith(DevEnvironmentExtension.class)
class PipelineAgentIT {

    @Test
    void pipelineRunsShStepsAndItsDiskIsPromotedWhenTheBuildSucceeds(JenkinsRule j, DevEnv env, @TempDir Path dir)
            throws Exception {
        try (DevCloud dev = DevCloud.withAgentImage(j, env, dir)) {
            AgentTemplate tiny = dev.template("tiny", "tiny", "channel");
            DevCloud.promoting(tiny, "warm use broken"); // broken may promote: only its FAILURE keeps it out
            AgentTemplate kept = dev.template("kept", "kept", "channel");
            kept.setOnFailure("keep:30m");
            dev.cloud(j, "e2e-pipeline", tiny, kept);

            WorkflowJob warm = j.createProject(WorkflowJob.class, "warm");
            warm.setDefinition(new CpsFlowDefinition("""
                    node('tiny') {
                      sh 'uname -a'
                      sh 'mkdir -p "$HOME/cache" && echo "warmed by pipeline $BUILD_TAG" > "$HOME/cache/marker"'
                    }
                    echo 'after the node block'
                    """, true));
            WorkflowRun first = j.buildAndAssertSuccess(warm);
            j.assertLogContains("rbd-cloud-test", first);
            ChannelAgentIT.await(Duration.ofMinutes(2), () -> dev.currentVersion() == 2, "the Pipeline's disk promoted to v2");

            WorkflowJob use = j.createProject(WorkflowJob.class, "use");
            use.setDefinition(new CpsFlowDefinition("node('tiny') { sh 'cat \"$HOME/cache/marker\"' }", true));
            WorkflowRun second = j.buildAndAssertSuccess(use);
            j.assertLogContains("warmed by pipeline jenkins-warm-1", second);

            var engine = Engines.get().current("e2e-pipeline");
            ChannelAgentIT.await(Duration.ofMinutes(2), () -> dev.currentVersion() == 3, "the second build's disk promoted to v3");

            // A failing build: its agent's disk is held when the node block ends, then dropped when
            // the build ends FAILURE. Nothing it wrote reaches a golden version.
            WorkflowJob broken = j.createProject(WorkflowJob.class, "broken");
            broken.setDefinition(new CpsFlowDefinition(
                    "node('tiny') { sh 'echo poisoned > \"$HOME/cache/marker\" && exit 3' }", true));
            WorkflowRun failed = j.assertBuildStatus(hudson.model.Result.FAILURE, broken.scheduleBuild2(0));
            j.assertLogContains("script returned exit code 3", failed);
            ChannelAgentIT.await(Duration.ofMinutes(2), () -> engine.usage().total() == 0, "the failed build's agent ended");
            ChannelAgentIT.await(Duration.ofMinutes(2), () -> engine.held().join().isEmpty(), "the failed build's disk dropped");
            assertEquals(3, dev.currentVersion(), "a failed build promoted its disk");
            assertTrue(dev.versions().stream().noneMatch(v -> v.version() > 3), "a failed build made a version: " + dev.versions());
            // onFailure=keep: the node block's agent keeps running while its build goes on, and for
            // inspection once it failed; the build's page says where it is and how to reach it.
            WorkflowJob inspect = j.createProject(WorkflowJob.class, "inspect");
            inspect.setDefinition(new CpsFlowDefinition(
                    "node('kept') { sh 'echo evidence of $BUILD_TAG > evidence' }\nerror 'failed after the node block'", true));
            WorkflowRun inspected = j.assertBuildStatus(hudson.model.Result.FAILURE, inspect.scheduleBuild2(0));
            ChannelAgentIT.await(Duration.ofMinutes(2), () -> inspected.getAction(KeptAgentAction.class) != null,
                    "the failed build names its kept agent");
            KeptAgentAction k = inspected.getAction(KeptAgentAction.class);
            assertTrue(k.getUntil().toInstant().isAfter(Instant.now().plus(Duration.ofMinutes(25))), "kept for 30m: " + k.getUntil());
            assertEquals(List.of(k.getAgent()), engine.agents().stream().map(a -> a.name()).toList(), "the agent keeps running");
            var evidence = engine.exec(k.getAgent(), Duration.ofSeconds(30), "/bin/cat",
                    "/var/lib/jenkins-agent/workspace/inspect/evidence").get(60, TimeUnit.SECONDS);
            assertEquals("evidence of jenkins-inspect-1\n", evidence.stdoutText(), "what the build wrote is there to inspect");
            try (JenkinsRule.WebClient wc = j.createWebClient()) {
                String page = wc.getPage(inspected).asNormalizedText();
                assertTrue(page.contains("rbd-cloud agents exec " + k.getAgent()), page);
            }
            engine.terminate(k.getAgent()).get(2, TimeUnit.MINUTES); // the admin is done early

            // Nothing leaks: the second build's agent ends too (after its build completed: held, then
            // promoted at once), and the engine finds nothing Jenkins does not know.
            ChannelAgentIT.await(Duration.ofMinutes(2), () -> j.jenkins.getNodes().stream().noneMatch(n -> n instanceof RbdAgent),
                    "the rbd-cloud nodes removed");
            ChannelAgentIT.await(Duration.ofMinutes(2), () -> engine.usage().total() == 0, "the engine's agents ended");
            ChannelAgentIT.await(Duration.ofMinutes(2), () -> engine.held().join().isEmpty(), "every held disk decided");
            ChannelAgentIT.await(Duration.ofMinutes(3), () -> dev.versions().stream().allMatch(v -> v.pinnedDisk().isEmpty()),
                    "the promoted versions flattened");
            engine.maintainImages(Instant.now()).get(60, TimeUnit.SECONDS); // removes the disks the flattens freed
            ReconcileReport r = engine.reconcile(Set.of(), Instant.now().plus(Duration.ofHours(1))).get(60, TimeUnit.SECONDS);
            assertEquals(0, r.removedDomains().size(), "leaked domains " + r.removedDomains());
            assertEquals(0, r.removedDisks().size(), "leaked disks " + r.removedDisks());
        }
    }
}
