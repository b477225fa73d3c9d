package io.jenkins.plugins.rbdcloud.engine.libvirt;

import io.jenkins.plugins.rbdcloud.engine.Ownership;
import java.util.UUID;

/**
 * A domain carrying rbd-cloud's ownership tags, as {@link Hypervisor#listTagged()} found it: what
 * reconciliation needs, without the state and persistence {@link OwnedDomain} also reads.
 */
public record TaggedDomain(String name, UUID uuid, Ownership ownership) {}
