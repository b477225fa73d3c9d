package io.jenkins.plugins.rbdcloud.engine.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.agents.policy.LaunchBreaker;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdImageHandle;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
import io.jenkins.plugins.rbdcloud.engine.config.DirectBoot;
import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import io.jenkins.plugins.rbdcloud.engine.images.AgentCloneRequest;
import io.jenkins.plugins.rbdcloud.engine.images.Promotion;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnvironmentExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The circuit breaker and automatic rollback on the real dev Ceph cluster and libvirtd: a template
 * whose guests never get ready stops being launched for a while and says why; a freshly promoted
 * golden version that does not boot is rolled back and the next agent boots from the one before.
 * One guest at a time.
 */
@ExtendWith(DevEnvironmentExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LaunchBreakerIT {

    /** The guest that never gets ready fails on this timeout (the shortest a template accepts). */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    /** The first back-off, waited out once: as short as the assertions between trip and end allow. */
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(10);
    /**
     * The unbootable version's guest powers itself off (no root disk found after 10 s) and fails
     * on that well before; the version rolled back to must still boot in time on a busy machine.
     */
    private static final Duration BOOTING_START_TIMEOUT = Duration.ofSeconds(45);

    private EngineFixture fx;

    @BeforeAll
    void setUp(DevEnv env) {
        fx = new EngineFixture(env, "breaker");
    }

    @AfterAll
    void tearDown() {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void threeLaunchesFailingAtWaitReadyBackOffSayWhyAndOneIsTriedAgainAfterwards() throws Exception {
        TemplateSettings t = fx.template("hang").startTimeout(START_TIMEOUT)
                .directBoot(new DirectBoot(fx.env.guestKernel(), Optional.of(fx.env.guestInitrd()),
                        fx.env.guestCmdline() + " init=/nonexistent rdinit=/nonexistent")).build();
        LaunchBreaker.Settings breaker = new LaunchBreaker.Settings(3, FIRST_BACKOFF, Duration.ofMinutes(5));
        try (RbdCloudEngine engine = RbdCloudEngine.start(fx.settings(List.of(t), b -> b),
                EngineOptions.builder().breaker(breaker).build())) {
            for (int i = 1; i <= 3; i++) {
                assertTrue(engine.canProvision(x -> true), "launch " + i + " may go");
                ProvisioningException p = failsToStart(engine.plan(x -> true, 1));
                assertEquals("wait-ready", p.step(), p.getMessage());
                awaitUndone(engine, "hang");
            }

            Instant trippedBy = Instant.now();
            awaitBackoff(engine, "hang");
            assertEquals(List.of(), engine.plan(x -> true, 1), "a template backing off gets no agent");
            assertFalse(engine.canProvision(x -> true));
            CloudStatus.Backoff b = engine.status(Instant.now()).templates().get(0).backoff().orElseThrow();
            System.out.println("status: " + b.describe());
            assertEquals(3, b.failures());
            assertEquals("wait-ready", b.step());
            assertTrue(b.describe().startsWith("backing off until "), b.describe());
            assertTrue(b.describe().contains("3 launches failed at wait-ready: "), b.describe());
            assertTrue(b.until().isAfter(trippedBy.plus(FIRST_BACKOFF).minusSeconds(6))
                    && !b.until().isAfter(trippedBy.plus(FIRST_BACKOFF).plusSeconds(1)), "" + b.until());
            ProvisioningException refused = failsToStart(List.of(engine.provision("hang")));
            assertEquals("reserve", refused.step());
            assertTrue(refused.reason().startsWith("backing off until "), refused.reason());
            assertEquals(List.of(), fx.domains(), "nothing was started while backing off");

            EngineFixture.eventually(Duration.ofSeconds(30), () -> engine.canProvision(x -> true));
            assertTrue(Instant.now().isAfter(b.until().minusMillis(500)), "not before the back-off is over");
            List<Launch> again = engine.plan(x -> true, 1);
            assertEquals(1, again.size(), "after the back-off one launch is tried again");
            assertEquals("wait-ready", failsToStart(again).step());
            CloudStatus.Backoff longer = awaitBackoff(engine, "hang");
            Duration next = Duration.between(Instant.now(), longer.until());
            System.out.println("then: " + longer.describe());
            Duration doubled = FIRST_BACKOFF.multipliedBy(2);
            assertTrue(next.compareTo(doubled.minusSeconds(8)) > 0 && next.compareTo(doubled.plusSeconds(1)) <= 0,
                    "failing again doubles the back-off to " + doubled.toSeconds() + " s: " + next);
            awaitUndone(engine, "hang");
        }
    }

    @Test
    void aFreshlyPromotedVersionThatDoesNotBootIsRolledBackAndTheNextAgentBootsFromThePreviousOne() throws Exception {
        int broken = promoteAnUnbootableVersion();
        assertEquals(2, broken);
        TemplateSettings t = fx.template("follow").startTimeout(BOOTING_START_TIMEOUT).build();
        List<String> rollbacks = new CopyOnWriteArrayList<>();
        AgentLifecycleListener heard = new AgentLifecycleListener() {
            @Override
            public void rolledBack(String golden, int from, int to, String why) {
                rollbacks.add(golden + " v" + from + "->v" + to + ": " + why);
            }
        };
        // A long back-off: the next agent is launched at once only because the rollback lifts it.
        // Two failures trip it (counting to three is the test above): each is a boot to the initrd
        // plus its 10 s wait for a root disk.
        LaunchBreaker.Settings breaker = new LaunchBreaker.Settings(2, Duration.ofMinutes(5), Duration.ofMinutes(10));
        try (RbdCloudEngine engine = RbdCloudEngine.start(fx.settings(List.of(t), b -> b),
                EngineOptions.builder().breaker(breaker).listener(heard).build())) {
            for (int i = 1; i <= breaker.failures(); i++) {
                Launch l = engine.provision("follow");
                ProvisioningException p = failsToStart(List.of(l), BOOTING_START_TIMEOUT);
                System.out.println("launch " + i + ": " + p.getMessage());
                assertEquals("wait-ready", p.step(), p.getMessage());
                awaitUndone(engine, "follow");
            }
            EngineFixture.eventually(Duration.ofSeconds(30), () -> !rollbacks.isEmpty());
            System.out.println("rolled back: " + rollbacks);
            assertEquals(1, rollbacks.size(), "rolled back once: " + rollbacks);
            assertTrue(rollbacks.get(0).startsWith(fx.golden + " v2->v1: launches from " + fx.golden + "@v2 failed at wait-ready"),
                    rollbacks.get(0));
            assertEquals(1, fx.catalog.show(fx.golden).currentVersion(), "current is v1 again in the catalog");
            CloudStatus s = engine.status(Instant.now());
            assertEquals(1, s.rollbacks().size());
            assertEquals(2, s.rollbacks().get(0).from());
            assertEquals(1, s.rollbacks().get(0).to());
            assertEquals(Optional.empty(), s.templates().get(0).backoff(), "the back-off is lifted with the rollback");
            assertEquals(fx.golden + "@v1", s.templates().get(0).golden().orElseThrow().label());

            Agent a = engine.provision("follow").ready().get(BOOTING_START_TIMEOUT.toSeconds() + 15, TimeUnit.SECONDS);
            assertEquals(fx.golden + "@v1", a.golden(), "the next agent boots from the previous version");
            assertTrue(engine.terminate(a.name()).get(60, TimeUnit.SECONDS).domainRemoved());
            awaitUndone(engine, "follow");
        }
    }

    /** Promotes an agent disk whose first 16 MiB are zeros (no ext4 root any more) as the next version; returns it. */
    private int promoteAnUnbootableVersion() throws Exception {
        RbdPool agents = fx.agentsPool();
        String disk = fx.env.uniqueName("breaker-src");
        long size = fx.catalog.show(fx.golden).current().orElseThrow().sizeBytes();
        fx.catalog.cloneForAgent(agents, new AgentCloneRequest(fx.golden, 0, disk, size, fx.cloud, "broken", disk));
        try {
            try (RbdImageHandle h = agents.open(disk)) {
                byte[] zeros = new byte[1 << 20];
                for (int mib = 0; mib < 16; mib++) {
                    h.write((long) mib << 20, zeros);
                }
            }
            Promotion p = fx.catalog.promote(fx.golden, agents, disk);
            p.flattened().get(120, TimeUnit.SECONDS);
            return p.version().version();
        } finally {
            agents.remove(disk);
        }
    }

    private static ProvisioningException failsToStart(List<Launch> launches) {
        return failsToStart(launches, START_TIMEOUT);
    }

    private static ProvisioningException failsToStart(List<Launch> launches, Duration startTimeout) {
        assertEquals(1, launches.size());
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> launches.get(0).ready().get(startTimeout.toSeconds() + 15, TimeUnit.SECONDS));
        return assertInstanceOf(ProvisioningException.class, e.getCause());
    }

    /** The launch's failure reaches the breaker as its future fails, possibly just after the test saw it. */
    private static CloudStatus.Backoff awaitBackoff(RbdCloudEngine engine, String template) throws InterruptedException {
        EngineFixture.eventually(Duration.ofSeconds(5), () -> engine.backoffs().containsKey(template));
        return Optional.ofNullable(engine.backoffs().get(template)).orElseThrow(() -> new AssertionError(template + " backs off"));
    }

    /** One guest at a time: the failed launch's domain, disk and reservation are gone before the next. */
    private void awaitUndone(RbdCloudEngine engine, String template) throws InterruptedException {
        EngineFixture.eventually(Duration.ofSeconds(30), () -> fx.domains().isEmpty() && fx.disks(template).isEmpty()
                && engine.usage().total() == 0);
        assertEquals(List.of(), fx.domains());
        assertEquals(List.of(), fx.disks(template));
        assertEquals(0, engine.usage().total());
    }
}
