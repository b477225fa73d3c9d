package io.jenkins.plugins.rbdcloud;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.FreeStyleProject;
import hudson.model.Label;
import hudson.model.Queue;
import hudson.model.queue.CauseOfBlockage;
import hudson.slaves.Cloud;
import hudson.slaves.CloudProvisioningListener;
import hudson.slaves.NodeProvisioner;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.LogRecorder;
import org.jvnet.hudson.test.TestExtension;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * rbd-cloud's provisioning strategy keeps the contract of Jenkins' standard one: a
 * {@link CloudProvisioningListener} may refuse (quota, maintenance) and is told what was started.
 */
@WithJenkins
class NoDelayProvisionerStrategyTest {

    @Test
    void aListenerMayRefuseAndIsToldWhatStarted(JenkinsRule j) throws Exception {
        RbdCloud cloud = new RbdCloud("rbd-strategy");
        cloud.setTemplates(List.of(new AgentTemplate("refused", "golden", "rbd-refused"),
                new AgentTemplate("allowed", "golden", "rbd-allowed")));
        j.jenkins.clouds.add(cloud); // its engine cannot start here (no Ceph settings): provision() plans nothing, and logs that
        Listener heard = j.jenkins.getExtensionList(CloudProvisioningListener.class).get(Listener.class);

        try (LogRecorder provisions = new LogRecorder().record(RbdCloud.class, Level.FINE).capture(200)) {
            waitFor(j, "rbd-refused");
            waitFor(j, "rbd-allowed");
            ChannelAgentIT.await(Duration.ofSeconds(20), () -> heard.asked.contains("rbd-refused") && heard.started.contains("rbd-allowed"),
                    () -> "the refused label asked about and the allowed one started: asked " + heard.asked + ", started " + heard.started);
            List<String> seen = provisions.getMessages();
            // The allowed label's build reached the cloud (which had nothing to plan without an engine) ...
            assertTrue(seen.stream().anyMatch(m -> m.endsWith("nothing planned for rbd-allowed")), seen::toString);
            // ... the refused one's never did, and no start was announced for it.
            assertTrue(seen.stream().noneMatch(m -> m.contains("rbd-refused")), seen::toString);
            assertFalse(heard.started.contains("rbd-refused"), heard.started::toString);
        } finally {
            Queue.getInstance().clear();
        }
    }

    @Test
    void aBuildHandedToAnIdleAgentAsksTheCloudForNothing(JenkinsRule j) throws Exception {
        RbdCloud cloud = new RbdCloud("rbd-idle");
        cloud.setTemplates(List.of(new AgentTemplate("idle", "golden", "rbd-idle")));
        j.jenkins.clouds.add(cloud); // no engine here: a provision() call only logs "nothing planned"
        var idle = j.createOnlineSlave(Label.get("rbd-idle")); // an agent of the label, idle between builds
        FreeStyleProject p = j.createFreeStyleProject("on-idle");
        p.setAssignedLabel(Label.get("rbd-idle"));
        try (LogRecorder provisions = new LogRecorder().record(RbdCloud.class, Level.FINE).capture(200)) {
            // The review a queued build asks for runs once the Queue's maintenance has handed the
            // build to the idle executor: pending, it is no demand (counted, one of these builds asked).
            for (int i = 0; i < 12; i++) {
                j.buildAndAssertSuccess(p);
                ChannelAgentIT.await(Duration.ofSeconds(10), () -> idle.toComputer().isIdle(), "the executor free again");
            }
            List<String> seen = provisions.getMessages();
            assertTrue(seen.stream().noneMatch(m -> m.contains("rbd-idle")), "the cloud was asked for agents: " + seen);
        }
    }

    private static void waitFor(JenkinsRule j, String label) throws Exception {
        FreeStyleProject p = j.createFreeStyleProject("for-" + label);
        p.setAssignedLabel(Label.get(label));
        p.scheduleBuild2(0);
    }

    /** Refuses label rbd-refused for rbd-cloud; remembers which labels were asked about and started. */
    @TestExtension("aListenerMayRefuseAndIsToldWhatStarted")
    public static final class Listener extends CloudProvisioningListener {
        final Set<String> asked = ConcurrentHashMap.newKeySet();
        final Set<String> started = ConcurrentHashMap.newKeySet();

        @Override
        public CauseOfBlockage canProvision(Cloud cloud, Cloud.CloudState state, int numExecutors) {
            String label = String.valueOf(state.getLabel());
            if (cloud instanceof RbdCloud) {
                asked.add(label);
            }
            return cloud instanceof RbdCloud && "rbd-refused".equals(label)
                    ? new CauseOfBlockage() {
                        @Override
                        public String getShortDescription() {
                            return "the test's quota";
                        }
                    }
                    : null;
        }

        @Override
        public void onStarted(Cloud cloud, Label label, Collection<NodeProvisioner.PlannedNode> plannedNodes) {
            if (cloud instanceof RbdCloud) {
                started.add(String.valueOf(label));
            }
        }
    }
}
