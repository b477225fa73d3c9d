package io.jenkins.plugins.rbdcloud.engine.config;

import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How the controller and the hypervisors reach Ceph. Two cephx users keep privileges small: the
 * controller clones and deletes images; QEMU on the hypervisors only opens agent disks.
 *
 * @param conf           ceph.conf for the controller (monitors, options); optional when {@code monitors} is set
 * @param monitors       monitor addresses; written into the domain XML so hypervisors need no ceph.conf
 * @param user           controller cephx id, without {@code client.}
 * @param key            controller cephx key (secret)
 * @param hypervisorUser cephx id QEMU uses on the hypervisors
 * @param hypervisorKey  its key (secret), stored as a libvirt secret on each hypervisor
 * @param imagesPool     pool of the golden images
 * @param agentsPool     pool of the agent disks (clones)
 */
public record CephSettings(Optional<Path> conf, List<HostPort> monitors, String user, Secret key,
                           String hypervisorUser, Secret hypervisorKey, String imagesPool, String agentsPool) {

    private static final Check CHECK = new Check("ceph", "ceph.");
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final Pattern POOL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}");

    public CephSettings {
        Objects.requireNonNull(conf, "conf");
        monitors = List.copyOf(CHECK.present("monitors", monitors));
        if (conf.isEmpty() && monitors.isEmpty()) {
            throw CHECK.fail("monitors", "or conf is required: give a ceph.conf path or host:port monitor addresses");
        }
        conf.ifPresent(p -> {
            if (!p.isAbsolute()) {
                throw CHECK.fail("conf", "must be an absolute path, got " + Check.quoted(p.toString()));
            }
        });
        checkUser("user", user);
        checkKey("key", key);
        checkUser("hypervisorUser", hypervisorUser);
        checkKey("hypervisorKey", hypervisorKey);
        CHECK.matches("imagesPool", imagesPool, POOL, "a pool name (letters, digits, '_', '.', '-')");
        CHECK.matches("agentsPool", agentsPool, POOL, "a pool name (letters, digits, '_', '.', '-')");
        if (agentsPool.equals(imagesPool)) {
            // Agent disks are removed by the engine; golden images must never be within its reach.
            throw CHECK.fail("agentsPool", "must not be the images pool " + Check.quoted(imagesPool)
                    + ": agent disks are removed automatically, golden images must live in a pool of their own");
        }
    }

    private static void checkUser(String field, String value) {
        CHECK.present(field, value);
        if (value.startsWith("client.")) {
            throw CHECK.fail(field, "is the cephx id without 'client.': write "
                    + Check.quoted(value.substring("client.".length())) + " instead of " + Check.quoted(value));
        }
        CHECK.matches(field, value, USER, "a cephx id (letters, digits, '_', '.', '-')");
    }

    /** Checks the key's shape without ever putting it in a message. */
    private static void checkKey(String field, Secret key) {
        CHECK.present(field, key);
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(key.reveal().trim());
        } catch (IllegalArgumentException e) {
            raw = new byte[0];
        }
        if (raw.length < 16) {
            throw CHECK.fail(field, "is not a base64 cephx key" + key.file().map(f -> " (read from " + f + ")").orElse("")
                    + ": store the output of 'ceph auth print-key client.<id>' (the bare key, no keyring section)");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link CephSettings}; validation happens in {@link #build()}. */
    public static final class Builder {
        private Path conf;
        private List<HostPort> monitors = List.of();
        private String user;
        private Secret key;
        private String hypervisorUser;
        private Secret hypervisorKey;
        private String imagesPool = "images";
        private String agentsPool = "agents";

        private Builder() {
        }

        public Builder conf(Path v) { conf = v; return this; }
        public Builder monitors(List<HostPort> v) { monitors = v; return this; }
        public Builder user(String v) { user = v; return this; }
        public Builder key(Secret v) { key = v; return this; }
        public Builder hypervisorUser(String v) { hypervisorUser = v; return this; }
        public Builder hypervisorKey(Secret v) { hypervisorKey = v; return this; }
        public Builder imagesPool(String v) { imagesPool = v; return this; }
        public Builder agentsPool(String v) { agentsPool = v; return this; }

        public CephSettings build() {
            return new CephSettings(Optional.ofNullable(conf), monitors, user, key, hypervisorUser, hypervisorKey,
                    imagesPool, agentsPool);
        }
    }
}
