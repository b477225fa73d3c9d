package io.jenkins.plugins.rbdcloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import hudson.model.Label;
import hudson.model.Result;
import hudson.tasks.Shell;
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
 * End to end with the inbound launcher over WebSocket: the guest, on QEMU user networking, dials
 * the Jenkins under test (on the hypervisor's loopback, 10.0.2.2 from the guest) with the secret
 * the plugin wrote through qemu-guest-agent, and runs a freestyle build.
 */
@WithJenkins
@ExtendWith(DevEnvironmentExtension.class)
class InboundAgentIT {

    @Test
    void freestyleBuildRunsOnAnInboundWebSocketAgent(JenkinsRule j, DevEnv env, @TempDir Path dir) throws Exception {
        try (DevCloud dev = DevCloud.withAgentImage(j, env, dir)) {
            AgentTemplate t = dev.template("dial", "dial", "inbound");
            t.setLauncher("inbound");
            t.setNetwork("user");
            RbdCloud cloud = dev.cloud(j, "e2e-inbound", t);
            cloud.setJenkinsUrl(j.getURL().toString().replace("localhost", "10.0.2.2"));

            FreeStyleProject p = j.createFreeStyleProject("dial-in");
            p.setAssignedLabel(Label.get("dial"));
            p.getBuildersList().add(new Shell("uname -a\nid -un"));
            FreeStyleBuild b = p.scheduleBuild2(0).get(6, TimeUnit.MINUTES);
            j.assertBuildStatus(Result.SUCCESS, b);
            j.assertLogContains("rbd-cloud-test", b);
            j.assertLogContains("jenkins", b); // the build ran as the agent's user, not root
            String agent = b.getBuiltOnStr();
            assertTrue(agent.startsWith("dial-"), agent);
            ChannelAgentIT.await(Duration.ofMinutes(1), () -> j.jenkins.getNode(agent) == null, "the one-shot node removed");

            var engine = Engines.get().current(cloud.name);
            ChannelAgentIT.await(Duration.ofMinutes(1), () -> engine.agents().isEmpty(), "the engine's agents ended");
            ReconcileReport r = engine.reconcile(Set.of(), Instant.now().plus(Duration.ofHours(3))).get(60, TimeUnit.SECONDS);
            assertEquals(0, r.removedDomains().size(), "leaked domains " + r.removedDomains());
            assertEquals(0, r.removedDisks().size(), "leaked disks " + r.removedDisks());
        }
    }
}
