package io.jenkins.plugins.rbdcloud.engine.libvirt;

import io.jenkins.plugins.rbdcloud.engine.Ownership;
import java.util.UUID;

/** A domain carrying rbd-cloud's ownership tags, as {@link Hypervisor#listOwned()} found it. */
public record OwnedDomain(String name, UUID uuid, String state, boolean persistent, Ownership ownership) {}
