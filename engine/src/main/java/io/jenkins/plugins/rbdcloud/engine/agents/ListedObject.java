package io.jenkins.plugins.rbdcloud.engine.agents;

import io.jenkins.plugins.rbdcloud.engine.Ownership;
import java.util.Objects;
import java.util.Optional;

/**
 * An RBD image or libvirt domain as a listing shows it, with its ownership tags if it has valid
 * ones. Objects without tags are never ours.
 */
public record ListedObject(String name, Optional<Ownership> ownership) {

    public ListedObject {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(ownership, "ownership");
    }

    public static ListedObject tagged(String name, Ownership ownership) {
        return new ListedObject(name, Optional.of(ownership));
    }

    public static ListedObject untagged(String name) {
        return new ListedObject(name, Optional.empty());
    }
}
