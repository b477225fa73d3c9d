package io.jenkins.plugins.rbdcloud.engine.config;

import java.util.Objects;
import java.util.regex.Pattern;

/** A Ceph monitor address: {@code host:port}, IPv6 in brackets ({@code [::1]:6789}). */
public record HostPort(String host, int port) {

    private static final Pattern HOSTNAME = Pattern.compile(
            "(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    public HostPort {
        Objects.requireNonNull(host, "host");
        boolean v6 = host.contains(":");
        if (!(v6 ? IPV6.matcher(host).matches() : HOSTNAME.matcher(host).matches())) {
            throw new IllegalArgumentException("monitor host must be a host name or an IP address, got "
                    + Check.quoted(host));
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("monitor port must be between 1 and 65535, got " + port);
        }
    }

    /** Parses {@code host:port} or {@code [v6]:port}; the port is required (3300 for msgr2, 6789 for v1). */
    public static HostPort parse(String text) {
        String t = text.trim();
        int colon = t.lastIndexOf(':');
        if (colon <= 0 || colon == t.length() - 1) {
            throw new IllegalArgumentException("monitor address must be host:port, e.g. 10.0.0.1:6789, got "
                    + Check.quoted(text));
        }
        String host = t.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("IPv6 monitor addresses need brackets, e.g. [::1]:6789, got "
                    + Check.quoted(text));
        }
        int port;
        try {
            port = Integer.parseInt(t.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("monitor port must be a number, got " + Check.quoted(text));
        }
        return new HostPort(host, port);
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
