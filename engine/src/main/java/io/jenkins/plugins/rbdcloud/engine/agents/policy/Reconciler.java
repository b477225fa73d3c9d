package io.jenkins.plugins.rbdcloud.engine.agents.policy;

import io.jenkins.plugins.rbdcloud.engine.Ownership;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Finds leaked agent disks and domains: tagged as this controller's and this cloud's, unknown to
 * the controller, not being created, and older than the grace period; a held agent disk, a failure
 * snapshot, a debug agent or a kept failed agent (disk and domain) only once the time its disk's tags
 * give has passed; a failed launch's leftovers (pending undo) at once. Works on listings only, in
 * one pass over each, so it is cheap enough to run every minute; it decides and never deletes.
 */
public final class Reconciler {

    private final String ownerId;
    private final String cloud;
    private final Duration grace;
    private final Duration interval;

    /**
     * @param ownerId  this controller's identity; objects of any other owner are never touched
     * @param cloud    this cloud's name; another cloud of the same controller keeps its objects
     * @param grace    minimum age before an unknown object counts as leaked
     * @param interval how often to reconcile when nothing is about to expire
     */
    public Reconciler(String ownerId, String cloud, Duration grace, Duration interval) {
        this.ownerId = Ownership.checkTag("ownerId", ownerId);
        this.cloud = Ownership.checkTag("cloud", cloud);
        this.grace = requirePositive("grace", grace);
        this.interval = requirePositive("interval", interval);
    }

    private static Duration requirePositive(String what, Duration d) {
        if (Objects.requireNonNull(d, what).isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, got " + d);
        }
        return d;
    }

    public ReconcilePlan reconcile(Inventory inventory, Instant now) {
        Instant nextDue = now.plus(interval);
        List<ListedObject> domains = new ArrayList<>();
        Set<String> keptDomainAgents = new HashSet<>();
        // A debug agent or a kept failed agent: its domain lives as long as its disk's tags say.
        Map<String, Instant> keptDisks = new HashMap<>();
        for (ListedObject i : inventory.images()) {
            i.heldUntil().ifPresent(until -> i.ownership().ifPresent(o -> keptDisks.put(o.agent(), until)));
        }
        for (ListedObject listed : inventory.domains()) {
            ListedObject d = listed.heldUntil().isPresent() || listed.ownership().isEmpty() ? listed
                    : new ListedObject(listed.name(), listed.ownership(),
                            Optional.ofNullable(keptDisks.get(listed.ownership().get().agent())));
            Verdict v = judge(d, inventory, now);
            nextDue = earliest(nextDue, v.recheckAt());
            if (v.leaked()) {
                domains.add(listed);
            } else {
                d.ownership().ifPresent(o -> keptDomainAgents.add(o.agent()));
            }
        }
        List<ListedObject> images = new ArrayList<>();
        for (ListedObject i : inventory.images()) {
            Verdict v = judge(i, inventory, now);
            nextDue = earliest(nextDue, v.recheckAt());
            // A disk whose domain stays is still in use, whatever else is true.
            if (v.leaked() && !keptDomainAgents.contains(i.ownership().orElseThrow().agent())
                    && !inventory.protectedImages().contains(i.name())) {
                images.add(i);
            }
        }
        return new ReconcilePlan(domains, images, nextDue, goneAgents(inventory));
    }

    /**
     * Known agents that no listed domain belongs to (by tag or by name, whoever's tags they carry)
     * and that are not being created. Only a complete listing can prove absence.
     */
    private static List<String> goneAgents(Inventory inventory) {
        if (!inventory.everyHypervisorListed()) {
            return List.of();
        }
        Set<String> present = new HashSet<>();
        for (ListedObject d : inventory.domains()) {
            present.add(d.name());
            d.ownership().ifPresent(o -> present.add(o.agent()));
        }
        return inventory.knownAgents().stream()
                .filter(a -> !present.contains(a) && !inventory.inFlight().contains(a))
                .sorted().toList();
    }

    /** Whether one object is leaked, and when an object still too young to tell should be looked at again. */
    private Verdict judge(ListedObject object, Inventory inventory, Instant now) {
        if (object.ownership().isEmpty()) {
            return Verdict.KEEP; // untagged: not ours, or not created by rbd-cloud at all
        }
        Ownership o = object.ownership().get();
        if (!o.ownerId().equals(ownerId) || !o.cloud().equals(cloud)) {
            return Verdict.KEEP; // another controller's or another cloud's: theirs to reconcile
        }
        if (inventory.undoPending().contains(o.agent())) {
            return Verdict.LEAKED; // a failed launch's leftovers: known garbage, no grace to wait for
        }
        if (inventory.knownAgents().contains(o.agent()) || inventory.inFlight().contains(o.agent())) {
            return Verdict.KEEP;
        }
        if (object.heldUntil().isPresent()) {
            // A held disk waits for its build's result until its hold ends, then it is dropped, never promoted.
            Instant end = object.heldUntil().get();
            return now.isBefore(end) ? new Verdict(false, end) : Verdict.LEAKED;
        }
        Instant ripe = o.createdAt().plus(grace);
        if (now.isBefore(ripe)) {
            // Possibly created between the listing and the node list, or just after a restart.
            return new Verdict(false, ripe);
        }
        return Verdict.LEAKED;
    }

    private static Instant earliest(Instant a, Instant b) {
        return b != null && b.isBefore(a) ? b : a;
    }

    private record Verdict(boolean leaked, Instant recheckAt) {
        static final Verdict KEEP = new Verdict(false, null);
        static final Verdict LEAKED = new Verdict(true, null);
    }
}
