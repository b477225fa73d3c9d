package io.jenkins.plugins.rbdcloud.engine.agents;

import io.jenkins.plugins.rbdcloud.engine.Ownership;
import io.jenkins.plugins.rbdcloud.engine.agents.internal.AgentDiskTags;
import io.jenkins.plugins.rbdcloud.engine.agents.policy.Inventory;
import io.jenkins.plugins.rbdcloud.engine.agents.policy.ListedObject;
import io.jenkins.plugins.rbdcloud.engine.agents.policy.ReconcilePlan;
import io.jenkins.plugins.rbdcloud.engine.agents.policy.Reconciler;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenVersion;
import io.jenkins.plugins.rbdcloud.engine.libvirt.DomainXml;
import io.jenkins.plugins.rbdcloud.engine.libvirt.Hypervisor;
import io.jenkins.plugins.rbdcloud.engine.libvirt.TaggedDomain;
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
 * Prints {@code bench provision_overhead ...} and {@code bench terminate ...} beside their floors (see
 * {@link #provisionAndTerminate}), {@code bench reconcile_rbd ...} and {@code bench reconcile n=10000 ...} (orphan scan
 * of 10,000 tagged domains on libvirt's in-process test driver: listing, tags, decision).
 */
@ExtendWith(DevEnvironmentExtension.class)
class AgentsBench {

    /**
     * Provision overhead and terminate, each beside its floor measured in the same run, interleaved
     * run by run so they share the load (one guest at a time). Provision: {@code provision()} until
     * the domain runs, against a raw librbd clone of the same snapshot plus libvirt's own create of
     * the same domain XML. Terminate: {@code terminate()} of a ready agent until it returns, against
     * libvirt's own destroy plus {@code rbd_remove} of a domain booted as long from the same XML.
     */
    @Test
    void provisionAndTerminate(DevEnv env) throws Exception {
        int runs = Integer.getInteger("bench.runs", 40); // libvirt's create alone spreads 470-860 ms here
        int terminateRuns = Integer.getInteger("bench.terminateRuns", 9); // the destroy alone varies by a second here
        Map<String, Long> at = new ConcurrentHashMap<>(); // "<agent> <event>" -> System.nanoTime()
        AgentLifecycleListener listener = new AgentLifecycleListener() {
            @Override
            public void domainStarted(String agent, String hypervisor) {
                at.put(agent + " started", System.nanoTime());
            }

            @Override
            public void terminated(TerminationReport report) {
                at.put(report.agent() + " gone", System.nanoTime());
            }
        };
        StepHook steps = (agent, step) -> at.put(agent + " " + step, System.nanoTime());
        try (EngineFixture fx = new EngineFixture(env, "bench")) {
            TemplateSettings t = fx.template("bench").build();
            try (RbdCloudEngine engine = RbdCloudEngine.start(fx.settings(List.of(t), b -> b),
                    EngineOptions.builder().listener(listener).steps(steps).build())) {
                try {
                    measure(env, fx, engine, at, runs, terminateRuns);
                } finally {
                    for (Agent left : engine.agents()) { // a run that failed half-way
                        engine.terminateAndWait(left.name()).get(90, TimeUnit.SECONDS);
                    }
                }
            }
        }
    }

    private static void measure(DevEnv env, EngineFixture fx, RbdCloudEngine engine, Map<String, Long> at, int runs,
                                int terminateRuns) throws Exception {
        GoldenVersion v = fx.catalog.show(fx.golden).current().orElseThrow();
        // Warm-up, not counted; the floor creates its domains from this agent's XML.
        Agent w = engine.provision("bench").ready().get(90, TimeUnit.SECONDS);
        RawFloor floor = new RawFloor(env, fx.hypervisor, fx.cluster.pool(env.imagesPool()), v.snapshot().image(),
                v.snapshot().snapshot(), fx.agentsPool(), RawDomains.inactiveXml(fx.hypervisor, w.name()), w.name());
        engine.terminateAndWait(w.name()).get(90, TimeUnit.SECONDS);
        floor.end(floor.create());

        Samples prov = new Samples();
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            Launch l = engine.provision("bench");
            String a = l.name();
            while (!at.containsKey(a + " started") && !l.ready().isDone()) {
                Thread.sleep(1);
            }
            long started = at.getOrDefault(a + " started", System.nanoTime());
            prov.ours.add(ms(started - t0));
            prov.step("reserve-and-queue", at.get(a + " clone") - t0);
            prov.step("clone-and-tags", at.get(a + " start") - at.get(a + " clone"));
            prov.step("secret-and-spec", at.get(a + " create-domain") - at.get(a + " start"));
            prov.step("create-domain", started - at.get(a + " create-domain"));
            engine.terminate(a).get(90, TimeUnit.SECONDS); // still provisioning: cancelled and undone
            long f0 = System.nanoTime();
            String d = floor.cloneDisk();
            long f1 = System.nanoTime();
            floor.createDomain(d);
            long f2 = System.nanoTime();
            prov.floor.add(ms(f2 - f0));
            prov.floorStep("rbd_clone", f1 - f0);
            prov.floorStep("create", f2 - f1);
            floor.end(d);
        }
        prov.print("provision_overhead", runs);

        Samples term = new Samples();
        List<Long> background = new ArrayList<>();
        for (int i = 0; i < terminateRuns; i++) {
            Agent a = engine.provision("bench").ready().get(90, TimeUnit.SECONDS);
            long booted = System.nanoTime() - at.get(a.name() + " started");
            long t0 = System.nanoTime();
            TerminationReport r = engine.terminate(a.name()).get(90, TimeUnit.SECONDS);
            long t1 = System.nanoTime();
            term.ours.add(ms(t1 - t0));
            term.step("to-destroy", at.get(a.name() + " destroy") - t0);
            term.step("destroy-and-return", t1 - at.get(a.name() + " destroy"));
            if (r.disk() == TerminationReport.DiskFate.REMOVING) {
                EngineFixture.eventually(Duration.ofSeconds(60), () -> at.containsKey(a.name() + " gone"));
                background.add(ms(at.get(a.name() + " gone") - at.get(a.name() + " remove-disk")));
            }
            // The floor's guest runs as long before its destroy as ours did.
            String d = floor.create();
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(booted));
            long f0 = System.nanoTime();
            RawDomains.destroy(fx.hypervisor, d);
            long f1 = System.nanoTime();
            fx.agentsPool().remove(d);
            long f2 = System.nanoTime();
            term.floor.add(ms(f2 - f0));
            term.floorStep("destroy", f1 - f0);
            term.floorStep("rbd_remove", f2 - f1);
        }
        term.print("terminate", terminateRuns);
        System.out.printf("# terminate disk removed in the background after the caller returned (p50 ms): %d %s%n",
                median(background.stream().mapToLong(Long::longValue).toArray()), background);
        System.out.println("# phases " + engine.timings().summaries());
    }

    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    /** Ours and the floor, run by run, and each one's steps. */
    private static final class Samples {
        final List<Long> ours = new ArrayList<>();
        final List<Long> floor = new ArrayList<>();
        final Map<String, List<Long>> steps = new java.util.LinkedHashMap<>();
        final Map<String, List<Long>> floorSteps = new java.util.LinkedHashMap<>();

        void step(String name, long nanos) {
            steps.computeIfAbsent(name, k -> new ArrayList<>()).add(nanos);
        }

        void floorStep(String name, long nanos) {
            floorSteps.computeIfAbsent(name, k -> new ArrayList<>()).add(nanos);
        }

        void print(String what, int runs) {
            long[] o = ours.stream().mapToLong(Long::longValue).toArray();
            long[] f = floor.stream().mapToLong(Long::longValue).toArray();
            long[] sorted = o.clone();
            Arrays.sort(sorted);
            System.out.printf("bench %s millis=%d floor_millis=%d ratio=%.2f p95=%d runs=%d%n", what, median(o), median(f),
                    (double) median(o) / median(f), sorted[(int) Math.ceil(0.95 * runs) - 1], runs);
            System.out.printf("# %s ours=%s floor=%s%n", what, ours, floor);
            System.out.printf("# %s steps (p50 ms): %s; floor: %s%n", what, p50s(steps), p50s(floorSteps));
        }

        private static String p50s(Map<String, List<Long>> steps) {
            StringBuilder b = new StringBuilder();
            steps.forEach((k, v) -> b.append(b.isEmpty() ? "" : " ").append(k).append('=').append(String.format("%.1f",
                    median(v.stream().mapToLong(Long::longValue).toArray()) / 1e6)));
            return b.toString();
        }
    }

    /** The floor: raw librbd clone of the golden snapshot, libvirt's own create of an agent's XML, destroy, remove. */
    private record RawFloor(DevEnv env, Hypervisor hypervisor, RbdPool images, String parent, String snap, RbdPool agents,
                            String xml, String model) {

        String cloneDisk() {
            String d = env.uniqueName("bench-floor");
            images.clone(parent, snap, agents, d);
            return d;
        }

        /** The model agent's domain XML with its name, UUID and disk swapped for {@code disk}'s. */
        void createDomain(String disk) throws Exception {
            RawDomains.create(hypervisor, xml.replace("<name>" + model + "</name>", "<name>" + disk + "</name>")
                    .replaceFirst("<uuid>[^<]*</uuid>", "")
                    .replace(agents.name() + "/" + model + "'", agents.name() + "/" + disk + "'"));
        }

        String create() throws Exception {
            String d = cloneDisk();
            try {
                createDomain(d);
            } catch (Exception e) {
                agents.remove(d);
                throw e;
            }
            return d;
        }

        void end(String disk) throws Exception {
            RawDomains.destroy(hypervisor, disk);
            agents.remove(disk);
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

    /**
     * The libvirt side on the in-process test driver: 10,000 tagged domains. Ours: {@code listTagged},
     * what {@code OrphanSweeper} runs (list, each one's metadata read and parsed, name, UUID), and the
     * decision.
     * Floor: the listing and each one's metadata read, nothing parsed or decided.
     */
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
            long[] floor = new long[ms.length];
            int leaked = 0;
            // One uncounted run of each first, as a controller's periodic scans run warm.
            RawDomains.listMetadata(h);
            h.listTagged();
            for (int r = 0; r < ms.length; r++) {
                long f0 = System.nanoTime();
                int listed = RawDomains.listMetadata(h);
                floor[r] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - f0);
                if (listed != n) {
                    throw new AssertionError("floor listed " + listed + " of " + n + " domains");
                }
                long t0 = System.nanoTime();
                List<ListedObject> domains = new ArrayList<>();
                for (TaggedDomain d : h.listTagged()) {
                    domains.add(ListedObject.tagged(d.name(), d.ownership()));
                }
                ReconcilePlan plan = reconciler.reconcile(new Inventory(Set.of("tpl-000001"), Set.of(), List.of(), domains,
                        Set.of(), true), Instant.parse("2026-01-02T00:00:00Z"));
                ms[r] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                leaked = plan.domains().size();
            }
            System.out.printf("bench reconcile n=%d millis=%d floor_millis=%d ratio=%.2f runs=%d (leaked found: %d)%n", n,
                    median(ms), median(floor), (double) median(ms) / median(floor), ms.length, leaked);
            System.out.printf("# reconcile ours=%s floor=%s%n", Arrays.toString(ms), Arrays.toString(floor));
        }
    }
}
