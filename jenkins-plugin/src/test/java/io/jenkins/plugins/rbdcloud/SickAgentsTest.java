package io.jenkins.plugins.rbdcloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import hudson.model.Result;
import io.jenkins.plugins.rbdcloud.engine.agents.Agent;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.SleepBuilder;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * The engine says an agent fell sick while a build runs on it: the build ends FAILURE with the
 * reason in its log, and the node goes. The agent is a real {@link RbdAgent} node, connected by a
 * local agent process instead of a guest; the engine's callback is made directly.
 */
@WithJenkins
class SickAgentsTest {

    private static final String WHY = "the guest's watchdog fired (action poweroff): the guest stopped responding";

    /** A node block whose first attempt prints {@code step-running} and sleeps in a durable sh step, retried when its agent goes. */
    static final String RETRIED_PIPELINE = """
            def attempt = 0
            retry(count: 2, conditions: [agent()]) {
              attempt++
              node('tiny') {
                if (attempt == 1) {
                  sh 'echo step-running; sleep 600'
                } else {
                  sh "echo attempt ${attempt} ran on ${env.NODE_NAME}"
                }
              }
            }
            """;

    @Test
    void aBuildOnAnAgentThatFellSickFailsWithTheReasonInItsLog(JenkinsRule j) throws Exception {
        RbdAgent agent = localAgent(j, new AgentTemplate("tiny", "debian-12", "tiny"), "tiny-abc123");

        FreeStyleProject p = j.createFreeStyleProject("long");
        p.setAssignedNode(agent);
        p.getBuildersList().add(new SleepBuilder(TimeUnit.MINUTES.toMillis(10)));
        FreeStyleBuild b = p.scheduleBuild2(0).waitForStart();
        j.waitForMessage("Sleeping", b);

        long t0 = System.nanoTime();
        new SickAgents("ci").sick(agent.getNodeName(), WHY);
        assertEquals(0, (System.nanoTime() - t0) / 1_000_000_000, "returns at once (engine thread)");

        j.assertBuildStatus(Result.FAILURE, j.waitForCompletion(b));
        j.assertLogContains("rbd-cloud ended agent tiny-abc123: " + WHY, b);
        // Printed once: by the interruption here, and then not again at the build's end.
        assertEquals(1, JenkinsRule.getLog(b).split("rbd-cloud ended agent tiny-abc123", -1).length - 1, JenkinsRule.getLog(b));
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (j.jenkins.getNode(agent.getNodeName()) != null && System.nanoTime() < end) {
            Thread.sleep(100);
        }
        assertNull(j.jenkins.getNode(agent.getNodeName()), "the node of a guest that is gone is removed");
    }

    @Test
    void aPipelineNodeBlockOnAnAgentThatFellSickIsRetriedOnAFreshAgent(JenkinsRule j) throws Exception {
        AgentTemplate t = new AgentTemplate("tiny", "debian-12", "tiny");
        RbdAgent first = localAgent(j, t, "tiny-abc123");
        WorkflowJob p = j.createProject(WorkflowJob.class, "retried");
        p.setDefinition(new CpsFlowDefinition(RETRIED_PIPELINE, true));
        WorkflowRun b = p.scheduleBuild2(0).waitForStart();
        j.waitForMessage("step-running", b);

        new SickAgents("ci").sick(first.getNodeName(), WHY);
        localAgent(j, t, "tiny-def456"); // what the cloud would provision for the retry

        j.assertBuildStatus(Result.SUCCESS, j.waitForCompletion(b));
        j.assertLogContains("rbd-cloud ended agent tiny-abc123: " + WHY, b);
        j.assertLogContains("Retrying", b);
        j.assertLogContains("attempt 2 ran on tiny-def456", b);
    }

    @Test
    void aPipelineNodeBlockOnAnAgentThatFellSickEndsTheBuildWithTheReason(JenkinsRule j) throws Exception {
        AgentTemplate t = new AgentTemplate("tiny", "debian-12", "tiny");
        RbdAgent agent = localAgent(j, t, "tiny-abc123");
        WorkflowJob p = j.createProject(WorkflowJob.class, "not-retried");
        p.setDefinition(new CpsFlowDefinition("node('tiny') { sh 'echo step-running; sleep 600' }", true));
        WorkflowRun b = p.scheduleBuild2(0).waitForStart();
        j.waitForMessage("step-running", b);

        new SickAgents("ci").sick(agent.getNodeName(), WHY);

        // Pipeline's result for a build whose agent was removed; the reason is printed at the end.
        j.assertBuildStatus(Result.ABORTED, j.waitForCompletion(b));
        j.assertLogContains("Agent tiny-abc123 was deleted", b);
        j.assertLogContains("ERROR: rbd-cloud ended agent tiny-abc123: " + WHY, b);
    }

    private static RbdAgent localAgent(JenkinsRule j, AgentTemplate t, String name) throws Exception {
        Agent guest = new Agent(name, "tiny", 1, "hv1", "debian-12@v1", Instant.now(), Map.of());
        RbdAgent agent = RbdAgent.of("ci", t, guest);
        agent.setLauncher(j.createComputerLauncher(null)); // a local agent.jar stands in for the guest
        j.jenkins.addNode(agent);
        j.waitOnline(agent);
        return agent;
    }

    @Test
    void anotherCloudsAgentOrAnUnknownNameIsLeftAlone(JenkinsRule j) throws Exception {
        AgentTemplate t = new AgentTemplate("tiny", "debian-12", "tiny");
        Agent guest = new Agent("tiny-def456", "tiny", 1, "hv1", "debian-12@v1", Instant.now(), Map.of());
        RbdAgent agent = RbdAgent.of("other", t, guest);
        j.jenkins.addNode(agent);

        new SickAgents("ci").sick(agent.getNodeName(), WHY);
        new SickAgents("ci").sick("no-such-agent", WHY);
        Thread.sleep(500);
        assertEquals(agent, j.jenkins.getNode(agent.getNodeName()));
    }
}
