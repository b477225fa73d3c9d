package io.jenkins.plugins.rbdcloud;

import static io.jenkins.plugins.rbdcloud.ChannelAgentIT.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import hudson.model.Label;
import hudson.tasks.Shell;
import io.jenkins.plugins.rbdcloud.engine.agents.RbdCloudEngine;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnvironmentExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.LogRecorder;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * An admin saves the cloud with changed settings while a build runs on one of its channel agents
 * (idle retention): a new engine starts for the new settings and adopts the agent, the build goes on
 * to SUCCESS, and the agent stays connected and takes the next build, with no new agent started
 * for it. The provisioning reviews are printed at FINE in the test's output.
 */
@WithJenkins
@ExtendWith(DevEnvironmentExtension.class)
class SettingsChangeIT {

    @Test
    void savingChangedSettingsWhileABuildRunsKeepsTheBuildGoing(JenkinsRule j, DevEnv env, @TempDir Path dir) throws Exception {
        try (DevCloud dev = DevCloud.withAgentImage(j, env, dir);
             LogRecorder reviews = new LogRecorder().record(RbdCloud.class, Level.FINE).record(NoDelayProvisionerStrategy.class, Level.FINE)) {
            AgentTemplate tiny = dev.template("tiny", "tiny", "channel");
            tiny.setIdleMinutes(10); // kept for more builds: it must stay connected through the change
            RbdCloud cloud = dev.cloud(j, "e2e-resave", tiny);
            FreeStyleProject p = j.createFreeStyleProject("spans-a-save");
            p.setAssignedLabel(Label.get("tiny"));
            p.getBuildersList().add(new Shell("echo step-running\nsleep 20\necho step-done"));
            FreeStyleBuild b = p.scheduleBuild2(0).waitForStart();
            j.waitForMessage("step-running", b);
            RbdCloudEngine before = Engines.get().current(cloud.name);

            cloud.setMaxAgents(3);
            j.jenkins.save();
            await(Duration.ofMinutes(1), () -> Engines.get().current(cloud.name) != before,
                    "a new engine for the changed settings");
            j.assertBuildStatusSuccess(j.waitForCompletion(b));
            j.assertLogContains("step-done", b);

            // The agent stays online under the new engine and takes the next build.
            String agent = b.getBuiltOnStr();
            assertTrue(j.jenkins.getComputer(agent).isOnline(), "the idle agent is still online");
            await(Duration.ofSeconds(30), () -> j.jenkins.getComputer(agent).isIdle(), "the first build's executor free");
            FreeStyleBuild next = j.buildAndAssertSuccess(p);
            assertEquals(agent, next.getBuiltOnStr(), "the next build ran on the same agent");
            assertEquals(List.of(agent), Engines.get().current(cloud.name).agents().stream().map(a -> a.name()).toList(),
                    "the new engine knows the agent, and no other was started for the next build");
            assertEquals(1, Engines.get().current(cloud.name).usage().total(), "agents reserved or running");
        }
    }
}
