package io.jenkins.plugins.rbdcloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.FreeStyleProject;
import hudson.model.Label;
import hudson.model.Queue;
import hudson.slaves.NodeProvisioner;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.LogRecorder;
import org.jvnet.hudson.test.TestExtension;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * A label whose builds got fewer agents than they wanted is looked at again within seconds, not at
 * Jenkins' next 10 s tick, and a burst of short plans asks for one review, not one each. An
 * engine that started reviews the labels builds wait for, and only those.
 */
@WithJenkins
class ReviewsTest {

    @Test
    void aShortPlanIsReviewedAgainSoonAndOnce(JenkinsRule j) throws Exception {
        Label label = Label.get("rbd-reviews-test");
        CountingReviews counted = j.jenkins.getExtensionList(NodeProvisioner.Strategy.class).get(CountingReviews.class);
        // A build waits for the label (Jenkins consults provisioning strategies only then); no agent has it.
        FreeStyleProject p = j.createFreeStyleProject("waits");
        p.setAssignedLabel(label);
        p.scheduleBuild2(0);
        awaitBuildable();
        assertEquals(1, Queue.getInstance().getBuildableItems().size(), "the build waits for an agent");
        Thread.sleep(1500); // past NodeProvisioner's own one-per-second limit
        int before = counted.of(label);

        long asked = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            Reviews.retrySoon(label);
        }
        long end = asked + 20_000_000_000L;
        while (counted.of(label) == before && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        double after = (System.nanoTime() - asked) / 1e9;
        assertEquals(before + 1, counted.of(label), "one review after five short plans");
        // Not at once (that would review in a loop while capacity is full), and well before the 10 s tick.
        assertTrue(after >= Reviews.RETRY.toMillis() / 1000.0 * 0.9 && after < 6, "reviewed after " + after + " s");

        Thread.sleep(Reviews.RETRY.toMillis() + 1500);
        assertEquals(before + 1, counted.of(label), "no further review without a new short plan");
        Reviews.retrySoon(label);
        end = System.nanoTime() + 20_000_000_000L;
        while (counted.of(label) == before + 1 && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertEquals(before + 2, counted.of(label), "a later short plan is retried too");
        Queue.getInstance().clear();
    }

    @Test
    void anEngineThatStartedReviewsOnlyTheLabelsBuildsWaitFor(JenkinsRule j) throws Exception {
        // Two labels an rbd-cloud serves (its engine cannot start here: no Ceph), a build waiting for one.
        RbdCloud cloud = new RbdCloud("rbd-reviews");
        cloud.setTemplates(List.of(new AgentTemplate("busy", "golden", "rbd-waited-for"),
                new AgentTemplate("idle", "golden", "rbd-nothing-waits")));
        j.jenkins.clouds.add(cloud);
        Label idle = Label.get("rbd-nothing-waits"); // known to Jenkins, as a job's label is
        FreeStyleProject waiting = j.createFreeStyleProject("waits");
        waiting.setAssignedLabel(Label.get("rbd-waited-for"));
        waiting.scheduleBuild2(0);
        awaitBuildable();
        assertTrue(j.jenkins.getLabels().contains(idle), "the cloud serves the idle label");
        try (LogRecorder reviews = new LogRecorder().record(NodeProvisioner.class, Level.FINE).capture(100)) {
            Reviews.suggestNow(); // what an engine does once it has started
            long until = System.nanoTime() + 10_000_000_000L;
            while (reviews.getMessages().stream().noneMatch(m -> m.startsWith("running suggested review for rbd-waited-for"))
                    && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            Thread.sleep(500);
            List<String> seen = reviews.getMessages();
            assertTrue(seen.stream().anyMatch(m -> m.startsWith("running suggested review for rbd-waited-for")), seen::toString);
            // A review the idle label did not need would make the next build for it wait out Jenkins' one-a-second limit.
            assertTrue(seen.stream().noneMatch(m -> m.contains("rbd-nothing-waits")), seen::toString);
        } finally {
            Queue.getInstance().clear();
        }
    }

    private static void awaitBuildable() throws InterruptedException {
        ChannelAgentIT.await(Duration.ofSeconds(20), () -> !Queue.getInstance().getBuildableItems().isEmpty(),
                "the scheduled build to wait in the queue");
    }

    /** Counts Jenkins' provisioning reviews per label (every review consults every strategy). */
    @TestExtension("aShortPlanIsReviewedAgainSoonAndOnce")
    public static final class CountingReviews extends NodeProvisioner.Strategy {
        private final Map<Label, AtomicInteger> reviews = new ConcurrentHashMap<>();

        int of(Label label) {
            AtomicInteger n = reviews.get(label);
            return n == null ? 0 : n.get();
        }

        @Override
        public NodeProvisioner.StrategyDecision apply(NodeProvisioner.StrategyState state) {
            if (state.getLabel() != null) {
                reviews.computeIfAbsent(state.getLabel(), l -> new AtomicInteger()).incrementAndGet();
            }
            return NodeProvisioner.StrategyDecision.CONSULT_REMAINING_STRATEGIES;
        }
    }
}
