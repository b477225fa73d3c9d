package io.jenkins.plugins.rbdcloud.engine.ceph;

import io.jenkins.plugins.rbdcloud.engine.util.Printable;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How to reach a Ceph cluster: a {@code ceph.conf} and/or monitor addresses, the cephx user and
 * its key. The key is only handed to librados; it never appears in {@link #toString()} or in an
 * exception message.
 *
 * @param confFile ceph.conf to read, or null to configure from {@code monHost} alone
 * @param monHost  monitor addresses as librados' {@code mon_host} takes them (e.g.
 *                 {@code 10.0.0.1,10.0.0.2} or {@code [v2:10.0.0.1:3300,v1:10.0.0.1:6789]}); null to
 *                 use the conf file's; overrides it when both are given
 * @param user     cephx user id without {@code client.} (a leading {@code client.} is dropped)
 * @param key      the user's base64 secret (as printed by {@code ceph auth get-key})
 */
public record CephConfig(Path confFile, String monHost, String user, String key) {

    private static final Pattern USER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9+/]{16,256}={0,2}");
    private static final Pattern MON_HOST = Pattern.compile("[A-Za-z0-9.:,;\\[\\]/_-]{1,1024}");

    public CephConfig {
        if (confFile == null && monHost == null) {
            throw new IllegalArgumentException("Ceph config needs a conf file or monitor addresses");
        }
        if (monHost != null && !MON_HOST.matcher(monHost).matches()) {
            throw new IllegalArgumentException("monitor addresses must be host[:port] or [v2:addr,v1:addr] items separated by ',', got '"
                    + Printable.of(monHost) + "'");
        }
        Objects.requireNonNull(user, "user");
        if (user.startsWith("client.")) {
            user = user.substring("client.".length());
        }
        if (!USER.matcher(user).matches()) {
            throw new IllegalArgumentException("Ceph user must be 1-64 letters, digits and . _ - (without 'client.'), got '"
                    + Printable.of(user) + "'");
        }
        if (key == null || !KEY.matcher(key).matches()) {
            // Never echo the value: it may be a real secret with a typo.
            throw new IllegalArgumentException("Ceph key for client." + user + " must be the bare base64 secret (ceph auth get-key)");
        }
    }

    /** Reads monitors and settings from {@code confFile}. */
    public static CephConfig ofConfFile(Path confFile, String user, String key) {
        return new CephConfig(Objects.requireNonNull(confFile, "confFile"), null, user, key);
    }

    /** Needs no conf file: just the monitor addresses. */
    public static CephConfig ofMonHost(String monHost, String user, String key) {
        return new CephConfig(null, Objects.requireNonNull(monHost, "monHost"), user, key);
    }

    /** The cephx entity name, {@code client.<user>}. */
    public String entity() {
        return "client." + user;
    }

    @Override
    public String toString() {
        return "CephConfig[confFile=" + confFile + ", monHost=" + monHost + ", user=" + user + ", key=<hidden>]";
    }
}
