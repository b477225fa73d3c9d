package io.jenkins.plugins.rbdcloud;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cloudbees.plugins.credentials.Credentials;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.domains.DomainRequirement;
import hudson.FilePath;
import hudson.model.ItemGroup;
import hudson.model.Queue;
import hudson.model.TaskListener;
import hudson.slaves.ComputerListener;
import hudson.slaves.JNLPLauncher;
import hudson.slaves.RetentionStrategy;
import io.jenkins.plugins.rbdcloud.engine.agents.Agent;
import io.jenkins.plugins.rbdcloud.engine.agents.PhaseTimings;
import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import jenkins.util.Timer;
import org.htmlunit.html.HtmlPage;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.TestExtension;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * An rbd-cloud agent in Jenkins: its page (RbdComputer/main.jelly) answers from what the node knows
 * and from an engine that already runs, never starting one; its handshake guard ends once Jenkins
 * brings it online; ending it does nothing slow on the caller's thread (which may hold the Queue
 * lock), such as starting an engine and looking up its credentials.
 */
@WithJenkins
class RbdAgentTest {

    @Test
    void theAgentPageShowsTheGuestAndStartsNoEngine(JenkinsRule j) throws Exception {
        AgentTemplate tiny = new AgentTemplate("tiny", "golden", "tiny");
        RbdCloud cloud = new RbdCloud("rbd-page");
        cloud.setTemplates(List.of(tiny));
        j.jenkins.clouds.add(cloud); // saving tries to start its engine, which cannot start here (no Ceph settings)
        Engines engines = Engines.get();
        long until = System.nanoTime() + 10_000_000_000L;
        // The configuration is saved more than once: wait until no start attempt is under way.
        long quietSince = System.nanoTime();
        while (System.nanoTime() - quietSince < 1_000_000_000L && System.nanoTime() < until) {
            if (engines.lastError(cloud.name) == null || engines.starting(cloud.name)) {
                quietSince = System.nanoTime();
            }
            Thread.sleep(50);
        }
        assertNotNull(engines.lastError(cloud.name), "the save's start attempt ended");
        engines.retainOnly(Set.of()); // forget that attempt: from here on, any new one shows

        Agent guest = offlineAgent(j, cloud.name, tiny);
        assertNull(engines.lastError(cloud.name), "adding the node started the engine");

        HtmlPage page = j.createWebClient().goTo("computer/" + guest.name() + "/");
        String text = page.asNormalizedText();
        assertTrue(text.contains("rbd-cloud guest") && text.contains("golden@v3") && text.contains("hv-one"), text);
        assertTrue(text.contains("4380"), "the provisioning phases: " + text);
        assertTrue(text.contains("unknown"), "bytes written without a running engine: " + text);
        assertNull(engines.lastError(cloud.name), "opening the agent page started the engine");
        assertFalse(engines.starting(cloud.name), "opening the agent page started the engine");
    }

    @Test
    void theHandshakeGuardEndsWhenJenkinsBringsTheAgentOnline(JenkinsRule j) throws Exception {
        AgentTemplate tiny = new AgentTemplate("tiny", "golden", "tiny");
        Agent guest = offlineAgent(j, "rbd-guard", tiny);
        RbdComputer computer = (RbdComputer) j.jenkins.getComputer(guest.name());
        ScheduledFuture<?> guard = Timer.get().schedule(() -> { }, 1, TimeUnit.HOURS);
        computer.guardHandshake(guard);
        // What Jenkins does once the handshake is done, before the onOnline listeners (which may take their
        // time): this plugin's registered listeners hear preOnline (core's need a real channel).
        for (ComputerListener l : ComputerListener.all()) {
            if (l.getClass().getPackageName().equals(RbdComputer.class.getPackageName())) {
                l.preOnline(computer, null, new FilePath(new File(".")), TaskListener.NULL);
            }
        }
        assertTrue(guard.isCancelled(), "the guard would still close the channel while onOnline listeners run");
    }

    @Test
    void terminatingLooksUpNoCredentialsOnTheCallersThread(JenkinsRule j) throws Exception {
        AgentTemplate tiny = new AgentTemplate("tiny", "golden", "tiny");
        CephSection ceph = new CephSection();
        ceph.setMonitors("127.0.0.1:9"); // nothing answers: the engine never starts, but only after looking up its keys
        ceph.setUser("controller");
        ceph.setCredentialsId("ceph-key");
        ceph.setHypervisorUser("hypervisor");
        ceph.setHypervisorCredentialsId("ceph-hv-key");
        ceph.setImagesPool("images");
        ceph.setAgentsPool("agents");
        RbdCloud cloud = new RbdCloud("rbd-ending");
        cloud.setCeph(ceph);
        cloud.setTemplates(List.of(tiny));
        j.jenkins.clouds.add(cloud);
        Agent guest = offlineAgent(j, cloud.name, tiny);
        Lookups lookups = j.jenkins.getExtensionList(CredentialsProvider.class).get(Lookups.class);
        Engines.get().retainOnly(Set.of()); // no engine, running or failed: the ending has to start one
        lookups.threads.clear();

        RbdAgent node = (RbdAgent) j.jenkins.getNode(guest.name());
        long began = System.nanoTime();
        Queue.withLock(() -> {
            try {
                node.terminate(); // as Jenkins may, under the Queue lock
            } catch (InterruptedException | IOException e) {
                throw new AssertionError(e);
            }
        });
        double took = (System.nanoTime() - began) / 1e9;
        ChannelAgentIT.await(Duration.ofSeconds(20), () -> !lookups.threads.isEmpty(), "the ending to try the cloud's engine");
        assertFalse(lookups.threads.contains(Thread.currentThread()), "credentials looked up under the Queue lock");
        assertTrue(took < RbdAgent.ENGINE_WAIT.toSeconds(), "terminate waited for the engine: " + took + " s");
    }

    /** Records the threads that look up credentials; has none. */
    @TestExtension("terminatingLooksUpNoCredentialsOnTheCallersThread")
    public static final class Lookups extends CredentialsProvider {
        final Set<Thread> threads = ConcurrentHashMap.newKeySet();

        @Override
        public <C extends Credentials> List<C> getCredentialsInItemGroup(Class<C> type, ItemGroup itemGroup,
                org.springframework.security.core.Authentication authentication, List<DomainRequirement> requirements) {
            threads.add(Thread.currentThread());
            return List.of();
        }
    }

    /** An rbd-cloud node for {@code guest} that never connects: nothing in these tests asks an engine for it. */
    private static Agent offlineAgent(JenkinsRule j, String cloudName, AgentTemplate template) throws Exception {
        Agent guest = new Agent("tiny-pg4e1x", template.getName(), 1, "hv-one", "golden@v3", Instant.now(),
                Map.of(PhaseTimings.Phase.CLONE, Duration.ofMillis(71), PhaseTimings.Phase.READY, Duration.ofMillis(4380)));
        RbdAgent node = RbdAgent.of(cloudName, template, guest);
        node.setLauncher(new JNLPLauncher());
        node.setRetentionStrategy(new RetentionStrategy.Always());
        j.jenkins.addNode(node);
        return guest;
    }
}
