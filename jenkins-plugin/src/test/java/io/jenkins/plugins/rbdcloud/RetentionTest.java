package io.jenkins.plugins.rbdcloud;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.slaves.OfflineCause;
import io.jenkins.plugins.rbdcloud.engine.agents.Agent;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

@WithJenkins
class RetentionTest {

    /**
     * A launch that keeps failing must not leave an offline node holding the template's capacity
     * until some idle backstop: it is tried again, then the agent is ended so a fresh one can come.
     */
    @Test
    void anAgentWhoseLaunchKeepsFailingIsRetriedThenEnded(JenkinsRule j) throws Exception {
        AgentTemplate t = new AgentTemplate("tiny", "debian-12", "tiny");
        Agent guest = new Agent("tiny-abc123", "tiny", 1, "hv1", "debian-12@v1", Instant.now(), Map.of());
        RbdAgent agent = RbdAgent.of("no-such-cloud", t, guest); // no engine: every launch fails
        j.jenkins.addNode(agent);
        RbdComputer c = (RbdComputer) agent.toComputer();
        RbdRetentionStrategy strategy = assertInstanceOf(RbdRetentionStrategy.class, agent.getRetentionStrategy());

        for (int attempt = 1; attempt < RbdRetentionStrategy.MAX_FAILED_LAUNCHES; attempt++) {
            awaitLaunchEnd(c);
            assertInstanceOf(OfflineCause.LaunchFailed.class, c.getOfflineCause());
            strategy.check(c); // connects again
            assertNotNull(j.jenkins.getNode(agent.getNodeName()), "still there after " + attempt + " failed launches");
        }
        awaitLaunchEnd(c);
        strategy.check(c);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (j.jenkins.getNode(agent.getNodeName()) != null && System.nanoTime() < end) {
            Thread.sleep(100);
        }
        assertTrue(j.jenkins.getNode(agent.getNodeName()) == null, "ended after " + RbdRetentionStrategy.MAX_FAILED_LAUNCHES
                + " failed launches");
    }

    private static void awaitLaunchEnd(RbdComputer c) throws Exception {
        try {
            c.connect(false).get(60, TimeUnit.SECONDS);
        } catch (ExecutionException expected) {
            // the launch failed, as it must without an engine
        }
        while (c.isConnecting()) {
            Thread.sleep(50);
        }
    }
}
