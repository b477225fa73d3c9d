package io.jenkins.plugins.rbdcloud.engine.config;

import java.util.Objects;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * The guest's network interface: a libvirt network, a host bridge, or QEMU user networking, with
 * an optional MTU. Written {@code network:default}, {@code bridge:br0} or {@code user} in the
 * config file. User networking needs nothing on the hypervisor: the guest reaches the outside
 * through QEMU (NAT), and the hypervisor's own loopback as 10.0.2.2 — enough for an inbound agent
 * to reach a controller that runs on the hypervisor, nothing reaches the guest.
 */
public record Network(Kind kind, String source, OptionalInt mtu) {

    /** libvirt network names; bridge names are further limited to 15 characters (IFNAMSIZ). */
    private static final Pattern SOURCE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    public enum Kind {
        /** A libvirt virtual network ({@code <interface type='network'>}). */
        NETWORK,
        /** An existing host bridge ({@code <interface type='bridge'>}). */
        BRIDGE,
        /** QEMU user networking ({@code <interface type='user'>}): no source, NAT only. */
        USER
    }

    /** QEMU user networking. */
    public static Network user(OptionalInt mtu) {
        return new Network(Kind.USER, "", mtu);
    }

    public Network {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(mtu, "mtu");
        if (kind == Kind.USER ? !"".equals(source)
                : source == null || !SOURCE.matcher(source).matches() || (kind == Kind.BRIDGE && source.length() > 15)) {
            throw new IllegalArgumentException((kind == Kind.BRIDGE ? "bridge" : "network")
                    + " name must be letters, digits, '_', '.' and '-' (bridges at most 15 characters), got "
                    + Check.quoted(source));
        }
        if (mtu.isPresent() && (mtu.getAsInt() < 68 || mtu.getAsInt() > 65535)) {
            throw new IllegalArgumentException("mtu must be between 68 and 65535, got " + mtu.getAsInt());
        }
    }

    /** How it is written in the config file, without the MTU. */
    public String word() {
        return kind == Kind.USER ? "user" : kind.name().toLowerCase(java.util.Locale.ROOT) + ":" + source;
    }

    /** Parses {@code network:<name>}, {@code bridge:<name>} or {@code user}. */
    public static Network parse(String text, OptionalInt mtu) {
        if ("user".equals(text)) {
            return user(mtu);
        }
        int colon = text.indexOf(':');
        String kind = colon < 0 ? "" : text.substring(0, colon);
        String source = text.substring(colon + 1);
        return switch (kind) {
            case "network" -> new Network(Kind.NETWORK, source, mtu);
            case "bridge" -> new Network(Kind.BRIDGE, source, mtu);
            default -> throw new IllegalArgumentException(
                    "must be 'network:<libvirt network>', 'bridge:<host bridge>' or 'user', got " + Check.quoted(text));
        };
    }
}
