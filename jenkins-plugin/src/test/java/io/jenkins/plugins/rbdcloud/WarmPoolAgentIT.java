package io.jenkins.plugins.rbdcloud;

import static io.jenkins.plugins.rbdcloud.ChannelAgentIT.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.Computer;
import hudson.model.FreeStyleBuild;
import hudson.model.Node;
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
 * A template with a warm pool keeps that many agents booted, connected and idle in Jenkins: a
 * build scheduled for its label starts on the waiting agent at once (no boot, no handshake), the
 * used one-shot agent is replaced, and nothing is left behind when the pool is turned off.
 */
@WithJenkins
@ExtendWith(DevEnvironmentExtension.class)
class WarmPoolAgentIT {

    @Test
    void aBuildStartsOnTheWarmAgentAtOnceAndTheAgentIsReplaced(JenkinsRule j, DevEnv env, @TempDir Path dir) throws Exception {
        try (DevCloud dev = DevCloud.withAgentImage(j, env, dir)) {
            AgentTemplate tiny = dev.template("tiny", "tiny", "channel");
            tiny.setWarmPool(1);
            RbdCloud cloud = dev.cloud(j, "e2e-warm", tiny);

            // The pool fills on its own: one agent online and idle before any build asks.
            await(Duration.ofMinutes(5), () -> warmAgent(j) != null, "a warm agent online");
            String warm = warmAgent(j);
            await(Duration.ofMinutes(1), () -> "1 of 1".equals(cloud.warmAgents("tiny")), "the cloud page's warm count");

            DevCloud.Run run = DevCloud.unameOn(j, "tiny", "on-warm", Duration.ofMinutes(3));
            FreeStyleBuild b = run.build();
            assertEquals(warm, b.getBuiltOnStr(), "the build ran on the agent that was waiting");
            System.out.printf("bench queue_to_start millis=%d launcher=channel warm_pool=1 (agent connected before the build)%n",
                    run.queueToStartMillis());

            // The used one-shot agent ends and a fresh one takes its place.
            await(Duration.ofMinutes(1), () -> j.jenkins.getNode(warm) == null, "the used agent removed");
            await(Duration.ofMinutes(5), () -> warmAgent(j) != null, "a fresh warm agent online");
            assertNotEquals(warm, warmAgent(j));

            // Pool off: the waiting agent is deleted like any other, and nothing leaks.
            tiny.setWarmPool(0);
            String last = warmAgent(j);
            ((RbdAgent) j.jenkins.getNode(last)).terminate();
            RbdCloudEngine engine = Engines.get().current(cloud.name);
            await(Duration.ofMinutes(1), () -> engine.agents().isEmpty(), "the engine's agents ended");
            ReconcileReport r = engine.reconcile(Set.of(), Instant.now().plus(Duration.ofHours(1))).get(60, TimeUnit.SECONDS);
            assertEquals(0, r.removedDomains().size(), "leaked domains " + r.removedDomains());
            assertEquals(0, r.removedDisks().size(), "leaked disks " + r.removedDisks());
            Thread.sleep(12_000); // a refill round (every 10 s) with the pool off starts nothing
            for (Node n : j.jenkins.getNodes()) {
                assertNull(n instanceof RbdAgent ? n : null, "an rbd-cloud node is left: " + n);
            }
            assertTrue(engine.agents().isEmpty(), "the engine started an agent after the pool was turned off");
        }
    }

    /** The name of an rbd-cloud agent that is online and idle, or null. */
    private static String warmAgent(JenkinsRule j) {
        for (Node n : j.jenkins.getNodes()) {
            Computer c = n.toComputer();
            if (n instanceof RbdAgent && c != null && c.isOnline() && c.isIdle() && c.isAcceptingTasks()) {
                return n.getNodeName();
            }
        }
        return null;
    }
}
