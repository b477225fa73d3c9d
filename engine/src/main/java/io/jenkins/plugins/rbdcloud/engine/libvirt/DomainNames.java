package io.jenkins.plugins.rbdcloud.engine.libvirt;

import io.jenkins.plugins.rbdcloud.engine.util.Printable;
import java.util.regex.Pattern;

/**
 * Validation of every name and value that reaches domain XML, a libvirt call or an RBD path.
 * Each check returns its argument so it can be used inline, and throws
 * {@link IllegalArgumentException} with a message that shows the offending value with control
 * characters made visible (never for values that may be secret).
 */
public final class DomainNames {

    /** Domain names: also used in log file names and RBD image names, so no '/', '@' or spaces. */
    private static final Pattern DOMAIN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    /** RBD pool and image names, Ceph user ids (without "client."). */
    private static final Pattern RBD = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,95}");
    private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
    /** libvirt network names and Linux bridge names (IFNAMSIZ is 16 including the NUL). */
    private static final Pattern NETWORK = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern BRIDGE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,14}");
    private static final Pattern MACHINE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern CHANNEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern MAC = Pattern.compile("[0-9a-f]{2}(:[0-9a-f]{2}){5}");
    private static final Pattern OEM_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
    private static final Pattern SCOPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /** Longest host path accepted (kernel, initrd, serial log, file disks). */
    public static final int MAX_PATH = 1024;
    /** x86 COMMAND_LINE_SIZE. */
    public static final int MAX_CMDLINE = 2048;
    /** Longest launch environment value; SMBIOS strings share one small table. */
    public static final int MAX_OEM_VALUE = 2048;

    private DomainNames() {}

    /** A libvirt domain name: 1–64 of letters, digits, {@code . _ -}, starting with a letter or digit. */
    public static String domainName(String s) {
        return check("domain name", s, DOMAIN, "1-64 letters, digits and . _ - starting with a letter or digit");
    }

    /** An RBD pool or image name. */
    public static String rbdName(String what, String s) {
        return check(what, s, RBD, "1-96 letters, digits and . _ - starting with a letter or digit");
    }

    /** A Ceph user id without the {@code client.} prefix, e.g. {@code rbd-cloud-hv}. */
    public static String cephUser(String s) {
        check("Ceph user", s, RBD, "a user id without 'client.' (letters, digits and . _ -)");
        if (s.startsWith("client.")) {
            throw new IllegalArgumentException("Ceph user must not start with 'client.': " + visible(s));
        }
        return s;
    }

    /** A monitor host: a DNS name, an IPv4 address or a bare IPv6 address. */
    public static String monitorHost(String s) {
        if (s != null && (HOSTNAME.matcher(s).matches() && s.length() <= 253 || IPV6.matcher(s).matches() && s.indexOf(':') >= 0)) {
            return s;
        }
        throw new IllegalArgumentException("monitor host must be a DNS name or an IP address, got " + visible(s));
    }

    public static int port(int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535, got " + port);
        }
        return port;
    }

    public static String networkName(String s) {
        return check("network name", s, NETWORK, "1-64 letters, digits and . _ -");
    }

    public static String bridgeName(String s) {
        return check("bridge name", s, BRIDGE, "1-15 letters, digits and . _ -");
    }

    public static String machineType(String s) {
        return check("machine type", s, MACHINE, "e.g. q35 or pc-i440fx-7.2");
    }

    /** A virtio-serial channel target name, e.g. {@code io.jenkins.rbd-cloud.agent.0}. */
    public static String channelName(String s) {
        return check("channel name", s, CHANNEL, "letters, digits and . _ -");
    }

    public static String macAddress(String s) {
        return check("MAC address", s, MAC, "six lower-case hex pairs separated by ':'");
    }

    /** A scope in a secret's usage name (e.g. the cloud name). */
    public static String scope(String s) {
        return check("scope", s, SCOPE, "1-64 letters, digits and . _ -");
    }

    /** A launch environment key: an identifier, as a shell variable name. */
    public static String oemKey(String s) {
        return check("launch environment key", s, OEM_KEY, "a letter or '_' then letters, digits or '_', at most 64");
    }

    /** A launch environment value; it may be a secret, so the message never shows it. */
    public static String oemValue(String key, String s) {
        if (!isPrintable(s, MAX_OEM_VALUE)) {
            throw new IllegalArgumentException("launch environment value of " + key + " must be at most " + MAX_OEM_VALUE
                    + " printable characters (value not shown)");
        }
        return s;
    }

    /** An absolute host path without control characters or {@code ..} segments. */
    public static String hostPath(String what, String s) {
        if (!isPrintable(s, MAX_PATH) || !s.startsWith("/") || ("/" + s + "/").contains("/../") || ("/" + s + "/").contains("/./")) {
            throw new IllegalArgumentException(what + " must be an absolute path of at most " + MAX_PATH
                    + " printable characters without . or .. segments, got " + visible(s));
        }
        return s;
    }

    public static String kernelCmdline(String s) {
        if (!isPrintable(s, MAX_CMDLINE)) {
            throw new IllegalArgumentException("kernel command line must be at most " + MAX_CMDLINE
                    + " printable characters, got " + visible(s));
        }
        return s;
    }

    private static String check(String what, String s, Pattern p, String rule) {
        if (s == null || !p.matcher(s).matches()) {
            throw new IllegalArgumentException(what + " must be " + rule + ", got " + visible(s));
        }
        return s;
    }

    /** Not null, at most {@code max} chars, no control characters, no lone surrogates (XML 1.0 cannot carry those). */
    private static boolean isPrintable(String s, int max) {
        return s != null && s.length() <= max && !hasControl(s) && !hasLoneSurrogate(s);
    }

    static boolean hasControl(String s) {
        return s.chars().anyMatch(c -> Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || c == '\uFFFE' || c == '\uFFFF');
    }

    private static boolean hasLoneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /** The value quoted for one log line ({@link Printable#of}: shortened, non-printable characters as {@code \\uXXXX}). */
    static String visible(String s) {
        return s == null ? "null" : "'" + Printable.of(s) + "'";
    }
}
