package io.jenkins.plugins.rbdcloud.engine.agents.policy;

import io.jenkins.plugins.rbdcloud.engine.Ownership;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An RBD image or libvirt domain as a listing shows it, with its ownership tags if it has valid
 * ones. Objects without tags are never ours.
 *
 * @param heldUntil for a held agent disk (see {@link HeldDisk}), when its hold ends
 */
public record ListedObject(String name, Optional<Ownership> ownership, Optional<Instant> heldUntil) {

    public ListedObject {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(ownership, "ownership");
        Objects.requireNonNull(heldUntil, "heldUntil");
    }

    public ListedObject(String name, Optional<Ownership> ownership) {
        this(name, ownership, Optional.empty());
    }

    public static ListedObject tagged(String name, Ownership ownership) {
        return new ListedObject(name, Optional.of(ownership));
    }

    public static ListedObject untagged(String name) {
        return new ListedObject(name, Optional.empty());
    }
}
