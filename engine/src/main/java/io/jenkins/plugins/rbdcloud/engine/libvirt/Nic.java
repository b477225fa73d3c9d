package io.jenkins.plugins.rbdcloud.engine.libvirt;

import java.util.Objects;

/**
 * A virtio network interface on a libvirt network, a host bridge, or QEMU user networking (no source).
 *
 * @param mtu 0 for the source's default
 * @param mac null for one chosen by libvirt
 */
public record Nic(Kind kind, String source, int mtu, String mac) {

    public enum Kind { NETWORK, BRIDGE, USER }

    public Nic {
        Objects.requireNonNull(kind, "kind");
        switch (kind) {
            case NETWORK -> DomainNames.networkName(source);
            case BRIDGE -> DomainNames.bridgeName(source);
            case USER -> {
                if (source != null) {
                    throw new IllegalArgumentException("user networking has no source, got '" + source + "'");
                }
            }
        }
        if (mtu != 0 && (mtu < 68 || mtu > 65535)) {
            throw new IllegalArgumentException("MTU must be 68-65535 (or 0 for the default), got " + mtu);
        }
        if (mac != null) {
            DomainNames.macAddress(mac);
        }
    }

    public static Nic network(String name) {
        return new Nic(Kind.NETWORK, name, 0, null);
    }

    public static Nic bridge(String name) {
        return new Nic(Kind.BRIDGE, name, 0, null);
    }

    public static Nic user() {
        return new Nic(Kind.USER, null, 0, null);
    }

    public Nic withMtu(int newMtu) {
        return new Nic(kind, source, newMtu, mac);
    }
}
