package io.jenkins.plugins.rbdcloud.engine.agents.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.Ownership;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReconcilerTest {

    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    private static final Duration GRACE = Duration.ofMinutes(10);
    private static final Duration INTERVAL = Duration.ofMinutes(1);
    private final Reconciler reconciler = new Reconciler("jenkins-1", "dev", GRACE, INTERVAL);

    private static Ownership tag(String owner, String cloud, String agent, Duration age) {
        return new Ownership(owner, cloud, "debian", agent, "debian@v1", NOW.minus(age));
    }

    private static ListedObject ours(String agent, Duration age) {
        return ListedObject.tagged(agent, tag("jenkins-1", "dev", agent, age));
    }

    private static Inventory inventory(Set<String> known, Set<String> inFlight, List<ListedObject> objects,
                                       Set<String> protectedImages) {
        return new Inventory(known, inFlight, objects, objects, protectedImages, true);
    }

    private static List<String> names(List<ListedObject> objects) {
        return objects.stream().map(ListedObject::name).toList();
    }

    @Test
    void oldUnknownObjectsOfOursAreLeaked() {
        ReconcilePlan plan = reconciler.reconcile(inventory(Set.of(), Set.of(),
                List.of(ours("debian-aaaaaa", Duration.ofHours(1))), Set.of()), NOW);
        assertEquals(List.of("debian-aaaaaa"), names(plan.domains()));
        assertEquals(List.of("debian-aaaaaa"), names(plan.images()));
        assertEquals(NOW.plus(INTERVAL), plan.nextDue());
    }

    @Test
    void aFailedLaunchsLeftoversAreLeakedAtOnceButOnlyWhenTheyAreOurs() {
        Duration young = Duration.ofSeconds(5);
        List<ListedObject> objects = List.of(
                ours("debian-undone", young),
                ListedObject.tagged("debian-theirs", tag("jenkins-2", "dev", "debian-theirs", young)),
                ours("debian-young1", young));
        // A pending undo's reservation is still held, so it is also in flight.
        Inventory inv = new Inventory(Set.of(), Set.of("debian-undone"), objects, objects, Set.of(), true,
                Set.of("debian-undone", "debian-theirs"));
        ReconcilePlan plan = reconciler.reconcile(inv, NOW);
        assertEquals(List.of("debian-undone"), names(plan.domains()), "no grace for known garbage; never another owner's");
        assertEquals(List.of("debian-undone"), names(plan.images()));
    }

    @Test
    void keepsKnownInFlightForeignUntaggedAndProtectedObjects() {
        Duration old = Duration.ofHours(2);
        List<ListedObject> objects = List.of(
                ours("debian-known1", old),
                ours("debian-flight", old),
                ListedObject.tagged("debian-other", tag("jenkins-2", "dev", "debian-other", old)),
                ListedObject.tagged("debian-cloud2", tag("jenkins-1", "prod", "debian-cloud2", old)),
                ListedObject.untagged("someone-elses-vm"),
                ours("debian-parent", old));
        ReconcilePlan plan = reconciler.reconcile(inventory(Set.of("debian-known1"), Set.of("debian-flight"),
                objects, Set.of("debian-parent")), NOW);
        assertEquals(List.of(), names(plan.images()), "protected, known, in-flight and foreign images all stay");
        assertEquals(List.of("debian-parent"), names(plan.domains()), "protection covers the image, not a leaked domain");
    }

    @Test
    void youngObjectsWaitForTheGracePeriodAndSetTheNextDueTime() {
        ReconcilePlan plan = reconciler.reconcile(inventory(Set.of(), Set.of(),
                List.of(ours("debian-young1", Duration.ofMinutes(9).plusSeconds(30))), Set.of()), NOW);
        assertTrue(plan.isEmpty());
        assertEquals(NOW.plusSeconds(30), plan.nextDue(), "looked at again exactly when it can be judged");

        ReconcilePlan later = reconciler.reconcile(inventory(Set.of(), Set.of(),
                List.of(ours("debian-young1", Duration.ofMinutes(9).plusSeconds(30))), Set.of()), plan.nextDue());
        assertEquals(List.of("debian-young1"), names(later.domains()));
    }

    @Test
    void clockSkewMakesObjectsYoungerNotOlder() {
        ReconcilePlan plan = reconciler.reconcile(inventory(Set.of(), Set.of(),
                List.of(ours("debian-future", Duration.ofMinutes(-5))), Set.of()), NOW);
        assertTrue(plan.isEmpty());
        assertEquals(NOW.plus(INTERVAL), plan.nextDue());
    }

    @Test
    void aDiskStaysWhileItsDomainStays() {
        // The domain is young (maybe just redefined); the disk is old: the domain still uses it.
        Inventory inv = new Inventory(Set.of(), Set.of(), List.of(ours("debian-bbbbbb", Duration.ofHours(1))),
                List.of(ours("debian-bbbbbb", Duration.ofMinutes(1))), Set.of(), true);
        ReconcilePlan plan = reconciler.reconcile(inv, NOW);
        assertTrue(plan.isEmpty(), plan.toString());
    }

    @Test
    void aHeldDiskStaysUntilItsHoldEndsThenIsDroppedWhateverTheGrace() {
        ListedObject held = new ListedObject("debian-hhhhhh", java.util.Optional.of(tag("jenkins-1", "dev", "debian-hhhhhh",
                Duration.ofHours(1))), java.util.Optional.of(NOW.plus(Duration.ofMinutes(30))));
        Inventory inv = new Inventory(Set.of(), Set.of(), List.of(held), List.of(), Set.of(), true);
        ReconcilePlan before = reconciler.reconcile(inv, NOW);
        assertTrue(before.isEmpty(), "old and unknown, but held");
        assertEquals(NOW.plus(INTERVAL), before.nextDue(), "the regular interval comes first");
        ReconcilePlan near = reconciler.reconcile(inv, NOW.plus(Duration.ofMinutes(29).plusSeconds(30)));
        assertTrue(near.isEmpty());
        assertEquals(NOW.plus(Duration.ofMinutes(30)), near.nextDue(), "looked at again when the hold ends");
        assertEquals(List.of("debian-hhhhhh"), names(reconciler.reconcile(inv, NOW.plus(Duration.ofMinutes(30))).images()));

        ListedObject foreign = new ListedObject("debian-ffffff", java.util.Optional.of(tag("jenkins-2", "dev", "debian-ffffff",
                Duration.ofHours(1))), java.util.Optional.of(NOW.minus(Duration.ofHours(1))));
        Inventory theirs = new Inventory(Set.of(), Set.of(), List.of(foreign), List.of(), Set.of(), true);
        assertTrue(reconciler.reconcile(theirs, NOW).isEmpty(), "another controller's held disk is theirs to drop");
    }

    @Test
    void aDebugOrKeptAgentsDomainStaysUntilItsDisksDeadlineThenBothGo() {
        ListedObject disk = new ListedObject("debian-kkkkkk", java.util.Optional.of(tag("jenkins-1", "dev", "debian-kkkkkk",
                Duration.ofHours(1))), java.util.Optional.of(NOW.plus(Duration.ofMinutes(30))));
        ListedObject domain = ours("debian-kkkkkk", Duration.ofHours(1));
        Inventory inv = new Inventory(Set.of(), Set.of(), List.of(disk), List.of(domain), Set.of(), true);
        ReconcilePlan before = reconciler.reconcile(inv, NOW);
        assertTrue(before.isEmpty(), "old and unknown, but its disk says until when: " + before);
        ReconcilePlan due = reconciler.reconcile(inv, NOW.plus(Duration.ofMinutes(30)));
        assertEquals(List.of("debian-kkkkkk"), names(due.domains()));
        assertEquals(List.of("debian-kkkkkk"), names(due.images()));
    }

    @Test
    void largeListingsAreCheap() {
        List<ListedObject> objects = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            objects.add(ours(String.format("debian-%06d", i), Duration.ofHours(i % 2)));
        }
        long start = System.nanoTime();
        ReconcilePlan plan = reconciler.reconcile(inventory(Set.of(), Set.of(), objects, Set.of()), NOW);
        assertEquals(25_000, plan.images().size());
        assertTrue(System.nanoTime() - start < 2_000_000_000L, "one pass over 100k objects takes well under 2 s");
    }

    @Test
    void knownAgentsWithoutADomainAndNotInFlightAreGone() {
        List<ListedObject> domains = List.of(ours("debian-aaaaaa", Duration.ofHours(1)),
                ListedObject.tagged("renamed", tag("other-owner", "dev", "debian-bbbbbb", Duration.ofHours(1))),
                ListedObject.untagged("debian-cccccc"));
        Set<String> known = Set.of("debian-aaaaaa", "debian-bbbbbb", "debian-cccccc", "debian-dddddd", "debian-eeeeee");
        Inventory complete = new Inventory(known, Set.of("debian-eeeeee"), List.of(), domains, Set.of(), true);
        assertEquals(List.of("debian-dddddd"), reconciler.reconcile(complete, NOW).goneAgents(),
                "a domain by tag (any owner's) or by name keeps an agent; so does being created");
    }

    @Test
    void noAgentIsGoneUnlessEveryHypervisorWasListed() {
        Inventory partial = new Inventory(Set.of("debian-dddddd"), Set.of(), List.of(), List.of(), Set.of(), false);
        assertEquals(List.of(), reconciler.reconcile(partial, NOW).goneAgents());
    }
}
