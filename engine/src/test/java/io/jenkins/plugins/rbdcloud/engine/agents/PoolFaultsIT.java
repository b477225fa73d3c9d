package io.jenkins.plugins.rbdcloud.engine.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.ceph.CephCluster;
import io.jenkins.plugins.rbdcloud.engine.ceph.CephConfig;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
import io.jenkins.plugins.rbdcloud.engine.config.CephSettings;
import io.jenkins.plugins.rbdcloud.engine.config.CloudSettings;
import io.jenkins.plugins.rbdcloud.engine.config.HostPort;
import io.jenkins.plugins.rbdcloud.engine.config.Secret;
import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import io.jenkins.plugins.rbdcloud.engine.images.AgentCloneRequest;
import io.jenkins.plugins.rbdcloud.engine.images.AgentDisk;
import io.jenkins.plugins.rbdcloud.engine.images.CatalogOptions;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenImages;
import io.jenkins.plugins.rbdcloud.engine.images.ImportProgress;
import io.jenkins.plugins.rbdcloud.engine.libvirt.CephSecrets;
import io.jenkins.plugins.rbdcloud.engine.libvirt.Hypervisor;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnvironmentExtension;
import io.jenkins.plugins.rbdcloud.engine.testing.ScratchPool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A pool that is full (its quota reached) or that no OSD serves (its CRUSH rule maps to an empty
 * root: requests wait as they do when its OSD died) is named as the cause within seconds, for an
 * import, an agent's clone and a promotion, instead of a timeout after the request or start
 * timeout; {@code plan} refuses while the pool is flagged; and once the pool is back one tick
 * leaves nothing. Scratch pools of this class only (client.admin), never the shared ones.
 */
@ExtendWith(DevEnvironmentExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PoolFaultsIT {

    /** Requests give up after this (rados_osd_op_timeout): without a named cause a step fails only then. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** "Within seconds": well below the request timeout. */
    private static final long NAMED_WITHIN_MS = 5_000;

    private DevEnv env;
    private ScratchPool images;
    private ScratchPool agents;
    private CephCluster cluster;
    private GoldenImages catalog;
    private String owner;
    private String cloud;
    private String golden;
    private Path goldenFile;

    @BeforeAll
    void setUp(DevEnv env) throws IOException {
        this.env = env;
        this.owner = env.uniqueName("pf-owner");
        this.cloud = env.uniqueName("pf");
        this.golden = env.uniqueName("pf-golden");
        this.images = ScratchPool.create(env, "pf-images");
        this.agents = ScratchPool.create(env, "pf-agents");
        this.cluster = CephCluster.connect(CephConfig.ofConfFile(env.cephConf(), "admin", adminKey()), REQUEST_TIMEOUT);
        this.catalog = new GoldenImages(cluster.pool(images.name()), CatalogOptions.defaults(owner));
        // A small raw disk: these tests clone and promote, they never boot it.
        goldenFile = Files.createTempFile("pool-faults-golden", ".raw");
        byte[] disk = new byte[8 << 20];
        byte[] label = "rbd-cloud pool faults test disk".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(label, 0, disk, 512, label.length);
        Files.write(goldenFile, disk);
        catalog.importFile(golden, goldenFile, ImportProgress.NONE);
    }

    @AfterEach
    void poolsBack() throws InterruptedException {
        images.unfill();
        agents.unfill();
        agents.served();
    }

    @AfterAll
    void tearDown() throws IOException {
        try {
            if (catalog != null) {
                catalog.close();
            }
            if (cluster != null) {
                cluster.close();
            }
        } finally {
            Files.deleteIfExists(goldenFile);
            if (agents != null) {
                agents.close();
            }
            if (images != null) {
                images.close();
            }
        }
    }

    private String adminKey() throws IOException {
        for (String line : Files.readAllLines(env.adminKeyring())) {
            String l = line.strip();
            if (l.startsWith("key")) {
                return l.substring(l.indexOf('=') + 1).strip();
            }
        }
        throw new IllegalStateException("no key in " + env.adminKeyring());
    }

    private TemplateSettings template(String name) {
        return TemplateSettings.builder(name).labels(Set.of("linux")).image(golden).vcpus(1).memoryMib(384)
                .startTimeout(Duration.ofSeconds(30)).build();
    }

    private RbdCloudEngine engine(TemplateSettings t) throws IOException {
        Secret key = Secret.of(adminKey());
        CephSettings ceph = CephSettings.builder().conf(env.cephConf())
                .monitors(List.of(new HostPort(env.monHost(), env.monPort())))
                .user("admin").key(key).hypervisorUser("admin").hypervisorKey(key)
                .imagesPool(images.name()).agentsPool(agents.name()).build();
        CloudSettings s = CloudSettings.builder(cloud).ownerId(owner).ceph(ceph)
                .hypervisors(List.of(io.jenkins.plugins.rbdcloud.engine.config.HypervisorSettings.builder("hv1")
                        .uri(env.libvirtUri()).vcpus(2).memoryMib(2048).maxAgents(2)
                        .domainType(io.jenkins.plugins.rbdcloud.engine.config.DomainType.QEMU).build()))
                .templates(List.of(t)).maxAgents(2).build();
        return RbdCloudEngine.start(s, EngineOptions.builder().connectTimeout(REQUEST_TIMEOUT).build());
    }

    /** The launch's failure, and how long after {@code t0} it came. */
    private record Failed(ProvisioningException e, long ms) {}

    private static Failed failure(Launch l, long t0) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> l.ready().get(60, TimeUnit.SECONDS));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        ProvisioningException p = assertInstanceOf(ProvisioningException.class, e.getCause());
        System.out.println("launch failed after " + ms + " ms at " + p.step() + ": " + p.reason());
        return new Failed(p, ms);
    }

    private static String quotaReached(ScratchPool pool) {
        return "pool " + pool.name() + " is full (its quota is reached";
    }

    /** The launch failed at {@code step} with {@code cause} in its reason, well before any timeout. */
    private static void namedAtOnce(Failed f, String step, String cause) {
        assertEquals(step, f.e().step());
        assertTrue(f.e().reason().contains(cause), f.e().reason());
        assertTrue(f.ms() < NAMED_WITHIN_MS, "named within seconds, not after a request or start timeout: " + f.ms() + " ms");
    }

    /** {@code op} (an import or a promotion) fails with {@code cause} in its message, well before the request timeout. */
    private static void namedAtOnce(String what, org.junit.jupiter.api.function.Executable op, String cause) {
        long t0 = System.nanoTime();
        RuntimeException e = assertThrows(RuntimeException.class, op);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println(what + " failed after " + ms + " ms: " + e);
        assertTrue(e.getMessage().contains(cause), e.getMessage());
        assertTrue(ms < NAMED_WITHIN_MS, "named within seconds, not after a request timeout: " + ms + " ms");
    }

    private List<String> agentDisks(String template) {
        return cluster.pool(agents.name()).list().stream().filter(n -> n.startsWith(template + "-")).toList();
    }

    /** After the pool is back: one tick, and nothing of the failed launches is left. */
    private void oneTickLeavesNothing(RbdCloudEngine engine, String template) throws Exception {
        engine.tick(Instant.now());
        EngineFixture.eventually(Duration.ofSeconds(30), () -> engine.pendingUndos().isEmpty() && engine.usage().total() == 0
                && agentDisks(template).isEmpty());
        assertEquals(List.of(), engine.pendingUndos(), "no undo left pending");
        assertEquals(0, engine.usage().total(), "no reservation left");
        assertEquals(List.of(), agentDisks(template), "no agent disk left, not even a half-made one");
        try (Hypervisor hv = Hypervisor.of(env.libvirtUri(), new Hypervisor.Capacity(2, 2048, 2))) {
            assertEquals(List.of(), hv.listOwned().stream().filter(d -> d.ownership().cloud().equals(cloud)).toList(), "no domain");
            assertEquals(List.of(), new CephSecrets(hv, cloud).list(), "no libvirt secret");
        }
        ReconcileReport r = engine.reconcile(Set.of(), Instant.now()).get(60, TimeUnit.SECONDS);
        assertEquals(List.of(), r.failures(), "reconciliation (within the grace) finds nothing broken: " + r);
        assertEquals(List.of(), r.removedDisks(), "nothing was left for reconciliation: " + r);
    }

    @Test
    void importIntoAFullPoolFailsAtOnceNamingThePool() throws Exception {
        images.fill();
        namedAtOnce("import into the full pool", () -> catalog.importFile(golden, goldenFile, ImportProgress.NONE),
                quotaReached(images));
        images.unfill();
        assertEquals(1, catalog.versions(golden).size(), "the failed import left no version");
    }

    @Test
    void aFullAgentsPoolFailsTheCloneAtOnceThePlanRefusesAndOneTickLeavesNothing() throws Exception {
        TemplateSettings t = template("fullagt");
        try (RbdCloudEngine engine = engine(t)) {
            agents.fill();
            long t0 = System.nanoTime();
            namedAtOnce(failure(engine.provision("fullagt"), t0), "clone", quotaReached(agents));

            // Planning refuses while the pool is flagged (the flag is at most a few seconds old).
            EngineFixture.eventually(Duration.ofSeconds(10), () -> !engine.canProvision(x -> true));
            assertFalse(engine.canProvision(x -> true), "no agent can be planned into a full pool");
            assertEquals(List.of(), engine.plan(x -> true, 1), "plan gives no agent");
            long r0 = System.nanoTime();
            Failed refused = failure(engine.provision("fullagt"), r0);
            assertEquals("reserve", refused.e().step(), "refused before anything is reserved");
            assertTrue(refused.e().reason().contains("pool " + agents.name() + " is full"), refused.e().reason());

            agents.unfill();
            oneTickLeavesNothing(engine, "fullagt");
            EngineFixture.eventually(Duration.ofSeconds(10), () -> engine.canProvision(x -> true));
            assertTrue(engine.canProvision(x -> true), "plans again once the pool has room");
        }
    }

    @Test
    void aCloneFromAFullGoldenPoolIsNamedAndOneTickLeavesNothing() throws Exception {
        // A format-2 clone writes to its parent's pool too (the child is attached there).
        launchNamesTheFaultAndOneTickAfterLeavesNothing("fullimg", images::fill, quotaReached(images), images::unfill);
    }

    @Test
    void aPromotionIntoAFullGoldenPoolIsNamedAtOnce() throws Exception {
        RbdPool agentPool = cluster.pool(agents.name());
        String disk = env.uniqueName("pf-promote");
        AgentDisk made = catalog.cloneForAgent(agentPool, new AgentCloneRequest(golden, 0, disk, 8 << 20, cloud, "promote", disk));
        try {
            images.fill();
            namedAtOnce("promotion into the full pool", () -> catalog.promote(golden, agentPool, disk), quotaReached(images));
            images.unfill();
            assertEquals(1, catalog.versions(golden).size(), "the failed promotion made no version");
        } finally {
            images.unfill();
            agentPool.remove(made.spec().image());
        }
    }

    @Test
    void aPoolNoOsdServesFailsTheCloneAsOsdRequestsTimingOutAndOneTickLeavesNothing() throws Exception {
        launchNamesTheFaultAndOneTickAfterLeavesNothing("noosd", agents::unserved,
                "Ceph: OSD requests timing out in pool " + agents.name(), agents::served);
    }

    private interface PoolChange {
        void run() throws Exception;
    }

    /** With {@code fault} made, a launch fails at its clone naming {@code cause}; after {@code back}, one tick leaves nothing. */
    private void launchNamesTheFaultAndOneTickAfterLeavesNothing(String template, PoolChange fault, String cause, PoolChange back)
            throws Exception {
        try (RbdCloudEngine engine = engine(template(template))) {
            fault.run();
            long t0 = System.nanoTime();
            namedAtOnce(failure(engine.provision(template), t0), "clone", cause);
            back.run();
            oneTickLeavesNothing(engine, template);
        }
    }
}
