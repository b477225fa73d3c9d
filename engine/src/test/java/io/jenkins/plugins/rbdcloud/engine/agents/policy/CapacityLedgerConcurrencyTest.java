package io.jenkins.plugins.rbdcloud.engine.agents.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jenkins.plugins.rbdcloud.engine.agents.CapacityUsage;
import io.jenkins.plugins.rbdcloud.engine.agents.Settings;
import io.jenkins.plugins.rbdcloud.engine.config.HypervisorSettings;
import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Many threads provisioning at once, as Jenkins' NodeProvisioner, a warm pool and manual provisioning do. */
class CapacityLedgerConcurrencyTest {

    private static final int THREADS = 12;
    private static final int ROUNDS = 3000;

    private final List<HypervisorSettings> hypervisors = List.of(Settings.hypervisor("hv1", 6, 6144, 5),
            Settings.hypervisor("hv2", 4, 8192, 3), Settings.hypervisor("hv3", 16, 4096, 8));
    private final List<TemplateSettings> templates = List.of(Settings.template("one").maxAgents(4).build(),
            Settings.template("two").vcpus(2).memoryMib(2048).maxAgents(5).build(),
            Settings.template("three").maxAgents(20).build());
    private static final int GLOBAL_CAP = 10;

    @Test
    void concurrentReservationsNeverExceedAnyCap() throws InterruptedException {
        CapacityLedger ledger = Settings.ledger(GLOBAL_CAP);
        List<HypervisorState> states = hypervisors.stream().map(HypervisorState::up).toList();
        // What callers hold, counted outside the ledger: incremented after reserve, decremented before release.
        AtomicInteger held = new AtomicInteger();
        Map<String, AtomicInteger> heldPerTemplate = new ConcurrentHashMap<>();
        Set<String> heldNames = ConcurrentHashMap.newKeySet();
        ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        AtomicInteger maxSeen = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            Thread th = Thread.ofPlatform().unstarted(() -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                List<Reservation> mine = new ArrayList<>();
                awaitQuietly(start);
                for (int i = 0; i < ROUNDS; i++) {
                    if (mine.isEmpty() || rnd.nextInt(3) > 0) {
                        TemplateSettings tpl = templates.get(rnd.nextInt(templates.size()));
                        for (Reservation r : ledger.reserve(tpl, 1 + rnd.nextInt(3), states, PlacementPolicy.anywhere())) {
                            if (!heldNames.add(r.agent())) {
                                violations.add("name handed out twice: " + r.agent());
                            }
                            int now = held.incrementAndGet();
                            maxSeen.accumulateAndGet(now, Math::max);
                            if (now > GLOBAL_CAP) {
                                violations.add("global cap exceeded: " + now);
                            }
                            if (heldPerTemplate.computeIfAbsent(tpl.name(), k -> new AtomicInteger()).incrementAndGet()
                                    > tpl.maxAgents()) {
                                violations.add("template cap of " + tpl.name() + " exceeded");
                            }
                            mine.add(r);
                            if (rnd.nextBoolean()) {
                                ledger.markLive(r);
                            }
                        }
                        check(ledger.usage(), violations);
                    } else {
                        Reservation r = mine.remove(rnd.nextInt(mine.size()));
                        heldNames.remove(r.agent());
                        heldPerTemplate.get(r.template()).decrementAndGet();
                        held.decrementAndGet();
                        if (!ledger.release(r)) {
                            violations.add("release of a held reservation failed: " + r);
                        }
                    }
                }
                for (Reservation r : mine) {
                    heldNames.remove(r.agent());
                    heldPerTemplate.get(r.template()).decrementAndGet();
                    held.decrementAndGet();
                    ledger.release(r);
                }
            });
            th.setUncaughtExceptionHandler((x, e) -> violations.add("thread died: " + e));
            th.start();
            threads.add(th);
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(List.of(), List.copyOf(violations));
        assertEquals(GLOBAL_CAP, maxSeen.get(), "the test must actually reach the cap to prove anything");
        assertEquals(0, ledger.usage().total(), "everything released");
        assertEquals(Map.of(), ledger.usage().perHypervisor());
    }

    private void check(CapacityUsage u, ConcurrentLinkedQueue<String> violations) {
        if (u.total() > GLOBAL_CAP) {
            violations.add("usage over global cap: " + u);
        }
        for (TemplateSettings t : templates) {
            if (u.perTemplate().getOrDefault(t.name(), 0) > t.maxAgents()) {
                violations.add("usage over template cap: " + u);
            }
        }
        for (HypervisorSettings h : hypervisors) {
            CapacityUsage.Load l = u.perHypervisor().getOrDefault(h.name(), new CapacityUsage.Load(0, 0, 0));
            if (l.agents() > h.maxAgents() || l.vcpus() > h.vcpus() || l.memoryMib() > h.memoryMib()) {
                violations.add("hypervisor " + h.name() + " over capacity: " + l);
            }
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
