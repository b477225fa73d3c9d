package io.jenkins.plugins.rbdcloud.engine.agents;

import io.jenkins.plugins.rbdcloud.engine.Ownership;
import io.jenkins.plugins.rbdcloud.engine.agents.internal.AgentDiskTags;
import io.jenkins.plugins.rbdcloud.engine.agents.policy.Inventory;
import io.jenkins.plugins.rbdcloud.engine.agents.policy.ListedObject;
import io.jenkins.plugins.rbdcloud.engine.agents.policy.ReconcilePlan;
import io.jenkins.plugins.rbdcloud.engine.agents.policy.Reconciler;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import io.jenkins.plugins.rbdcloud.engine.libvirt.DomainXml;
import io.jenkins.plugins.rbdcloud.engine.libvirt.Hypervisor;
import io.jenkins.plugins.rbdcloud.engine.libvirt.OwnedDomain;
import io.jenkins.plugins.rbdcloud.engine.libvirt.RawDomains;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnvironmentExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Benchmarks, run on demand (not part of verify):
 * {@code ./mvnw -B -q -DskipJenkinsPlugin -pl engine verify -Dit.test=AgentsBench -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false}.
 * Prints {@code bench provision_overhead ...} (provision() until the domain runs, guest boot excluded;
 * each agent is terminated right after its start) and {@code bench reconcile n=10000 ...} (orphan scan
 * of 10,000 tagged domains on libvirt's in-process test driver: listing, tags, decision).
 */
@ExtendWith(DevEnvironmentExtension.class)
class AgentsBench {

    @Test
    void provisionOverhead(DevEnv env) throws Exception {
        int runs = Integer.getInteger("bench.runs", 20);
        Map<String, Long> started = new ConcurrentHashMap<>();
        AgentLifecycleListener listener = new AgentLifecycleListener() {
            @Override
            public void domainStarted(String agent, String hypervisor) {
                started.put(agent, System.nanoTime());
            }
        };
        try (EngineFixture fx = new EngineFixture(env, "bench")) {
            TemplateSettings t = fx.template("bench").build();
            try (RbdCloudEngine engine = RbdCloudEngine.start(fx.settings(List.of(t), b -> b),
                    EngineOptions.builder().listener(listener).build())) {
                engine.provision("bench").ready().orTimeout(70, TimeUnit.SECONDS).handle((a, e) -> a)
                        .thenCompose(a -> a == null ? null : engine.terminate(a.name())).get(); // warm-up
                long[] ms = new long[runs];
                for (int i = 0; i < runs; i++) {
                    long t0 = System.nanoTime();
                    Launch l = engine.provision("bench");
                    while (!started.containsKey(l.name()) && !l.ready().isDone()) {
                        Thread.sleep(1);
                    }
                    ms[i] = TimeUnit.NANOSECONDS.toMillis(started.getOrDefault(l.name(), System.nanoTime()) - t0);
                    engine.terminate(l.name()).get(90, TimeUnit.SECONDS);
                }
                Arrays.sort(ms);
                System.out.printf("bench provision_overhead millis=%d p95=%d runs=%d%n", ms[(runs - 1) / 2],
                        ms[(int) Math.ceil(0.95 * runs) - 1], runs);
                System.out.println("  phases " + engine.timings().summaries());
            }
        }
    }

    /**
     * The RBD side: 10,000 agent-shaped images with ownership tags in a scratch pool, nobody knows
     * them. Ours: {@link AgentDiskTags} (directory with ids, tags read by id, many in flight) and
     * the decision. Floor: the same listing and header reads with nothing parsed or decided. Before:
     * {@code rbd ls} then one metadata read by name per image, as reconciliation did until now.
     */
    @Test
    void reconcileRbd(DevEnv env) throws Exception {
        int n = Integer.getInteger("bench.objects", 10_000);
        Instant created = Instant.parse("2026-01-01T00:00:00Z");
        try (ScratchPool scratch = new ScratchPool(env, env.uniqueName("bench-reconcile"))) {
            RbdPool pool = scratch.pool();
            long c0 = System.nanoTime();
            ExecutorService creators = Executors.newFixedThreadPool(16);
            List<Future<?>> made = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String name = String.format("tpl-%06d", i);
                made.add(creators.submit(() -> {
                    pool.create(name, 10L << 30);
                    Map<String, String> tags = new java.util.LinkedHashMap<>();
                    new Ownership("owner", "bench", "tpl", name, "g@v1", created).toMap()
                            .forEach((k, v) -> tags.put(Ownership.META_PREFIX + k, v));
                    pool.metaSetAll(name, tags);
                }));
            }
            for (Future<?> f : made) {
                f.get();
            }
            creators.shutdown();
            System.out.printf("# reconcile_rbd setup: %d tagged images created in %d ms%n", n,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - c0));
            Reconciler reconciler = new Reconciler("owner", "bench", Duration.ofMinutes(10), Duration.ofMinutes(1));
            int runs = 5;
            long[] ours = new long[runs];
            long[] floor = new long[runs];
            int leaked = 0;
            for (int r = 0; r < runs; r++) {
                long t0 = System.nanoTime();
                List<ListedObject> images = AgentDiskTags.read(pool, name -> true, name -> { });
                ReconcilePlan plan = reconciler.reconcile(new Inventory(Set.of("tpl-000001"), Set.of(), images, List.of(),
                        Set.of(), true), Instant.parse("2026-01-02T00:00:00Z"));
                ours[r] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                leaked = plan.images().size();
                long f0 = System.nanoTime();
                int read = pool.metaListByIds(pool.listWithIds().values()).size();
                floor[r] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - f0);
                if (read != n) {
                    throw new AssertionError("floor read " + read + " of " + n + " headers");
                }
            }
            long b0 = System.nanoTime();
            for (String name : pool.list()) {
                pool.metaList(name);
            }
            long before = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - b0);
            long p50 = median(ours);
            long floorP50 = median(floor);
            System.out.printf("bench reconcile_rbd objects=%d millis=%d floor_millis=%d ratio=%.2f one_by_one_millis=%d runs=%d"
                    + " (leaked found: %d)%n", n, p50, floorP50, (double) p50 / floorP50, before, runs, leaked);
            System.out.printf("# reconcile_rbd ours=%s floor=%s%n", Arrays.toString(ours), Arrays.toString(floor));
        }
    }

    private static long median(long[] xs) {
        long[] s = xs.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    @Test
    void reconcileScan() throws Exception {
        int n = Integer.getInteger("bench.objects", 10_000);
        String cloud = "bench";
        Instant created = Instant.parse("2026-01-01T00:00:00Z");
        try (Hypervisor h = Hypervisor.of("test:///default", new Hypervisor.Capacity(1, 1024, 1))) {
            for (int i = 0; i < n; i++) {
                String name = String.format("tpl-%06d", i);
                Ownership o = new Ownership("owner", cloud, "tpl", name, "g@v1", created);
                RawDomains.create(h, "<domain type='test'><name>" + name + "</name><memory>1024</memory><os><type>hvm</type>"
                        + "</os><metadata>" + DomainXml.ownershipElement(o).replaceFirst("<\\?xml[^>]*>", "")
                        + "</metadata></domain>");
            }
            Reconciler reconciler = new Reconciler("owner", cloud, Duration.ofMinutes(10), Duration.ofMinutes(1));
            long[] ms = new long[5];
            int leaked = 0;
            for (int r = 0; r < ms.length; r++) {
                long t0 = System.nanoTime();
                List<ListedObject> domains = new ArrayList<>();
                for (OwnedDomain d : h.listOwned()) {
                    domains.add(ListedObject.tagged(d.name(), d.ownership()));
                }
                ReconcilePlan plan = reconciler.reconcile(new Inventory(Set.of("tpl-000001"), Set.of(), List.of(), domains,
                        Set.of(), true), Instant.parse("2026-01-02T00:00:00Z"));
                ms[r] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                leaked = plan.domains().size();
            }
            Arrays.sort(ms);
            System.out.printf("bench reconcile n=%d millis=%d (leaked found: %d)%n", n, ms[ms.length / 2], leaked);
        }
    }
}
