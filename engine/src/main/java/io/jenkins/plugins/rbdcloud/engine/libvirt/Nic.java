package io.jenkins.plugins.rbdcloud.engine.libvirt;

import java.util.Objects;

/**
 * A virtio network interface on a libvirt network or a host bridge.
 *
 * @param mtu 0 for the source's default
 * @param mac null for one chosen by libvirt
 */
public record Nic(Kind kind, String source, int mtu, String mac) {

    public enum Kind { NETWORK, BRIDGE }

    public Nic {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.NETWORK) {
            DomainNames.networkName(source);
        } else {
            DomainNames.bridgeName(source);
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

    public Nic withMtu(int newMtu) {
        return new Nic(kind, source, newMtu, mac);
    }
}
