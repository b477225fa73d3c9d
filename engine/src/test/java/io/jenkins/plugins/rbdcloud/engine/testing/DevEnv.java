package io.jenkins.plugins.rbdcloud.engine.testing;

import java.io.IOException;
import io.jenkins.plugins.rbdcloud.engine.cli.DevEnvironment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The embedded dev environment as the tests see it: the values printed by {@code dev/env env}.
 * Keys are read from their files on demand and never appear in {@link #toString()}.
 */
public final class DevEnv {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path repoRoot;
    private final Map<String, String> values;
    /** Every name {@link #uniqueName} gave out, oldest first: what {@link NothingLeftBehind} looks for. */
    private final List<String> issued = new CopyOnWriteArrayList<>();

    DevEnv(Path repoRoot, Map<String, String> values) {
        this.repoRoot = repoRoot;
        this.values = Map.copyOf(values);
    }

    /** What {@code dev/env env} printed, as the CLI reads it. */
    static Map<String, String> parse(String output) {
        return DevEnvironment.parse(output);
    }

    public Path repoRoot() { return repoRoot; }

    /** A value printed by {@code dev/env env}; fails naming the key when the environment did not print it. */
    public String get(String key) {
        String v = values.get(key);
        if (v == null || v.isEmpty()) {
            throw new IllegalStateException("dev/env env did not print " + key + " (printed: " + values.keySet() + ")");
        }
        return v;
    }

    public Path devDir() { return Path.of(get("RBD_CLOUD_DEV_DIR")); }
    public Path cephConf() { return Path.of(get("RBD_CLOUD_CEPH_CONF")); }
    public String monHost() { return get("RBD_CLOUD_CEPH_MON_HOST"); }
    public int monPort() { return Integer.parseInt(get("RBD_CLOUD_CEPH_MON_PORT")); }
    public String fsid() { return get("RBD_CLOUD_CEPH_FSID"); }
    public Path adminKeyring() { return Path.of(get("RBD_CLOUD_CEPH_ADMIN_KEYRING")); }
    public String cephUser() { return get("RBD_CLOUD_CEPH_USER"); }
    public String cephKey() { return readKey("RBD_CLOUD_CEPH_KEY_FILE"); }
    public String hvUser() { return get("RBD_CLOUD_CEPH_HV_USER"); }
    public String hvKey() { return readKey("RBD_CLOUD_CEPH_HV_KEY_FILE"); }
    public String imagesPool() { return get("RBD_CLOUD_IMAGES_POOL"); }
    public String agentsPool() { return get("RBD_CLOUD_AGENTS_POOL"); }
    public String libvirtUri() { return get("RBD_CLOUD_LIBVIRT_URI"); }
    public Path guestImage() { return Path.of(get("RBD_CLOUD_GUEST_IMAGE")); }
    public Path guestKernel() { return Path.of(get("RBD_CLOUD_GUEST_KERNEL")); }
    public Path guestInitrd() { return Path.of(get("RBD_CLOUD_GUEST_INITRD")); }
    public String guestCmdline() { return get("RBD_CLOUD_GUEST_CMDLINE"); }

    private String readKey(String fileKey) {
        try {
            return Files.readString(Path.of(get(fileKey)), StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the key file named by " + fileKey + ": " + e.getMessage(), e);
        }
    }

    /** A fresh name for objects a test creates on the shared services: {@code it-<prefix>-<6 chars>}. */
    public String uniqueName(String prefix) {
        Objects.requireNonNull(prefix);
        StringBuilder b = new StringBuilder("it-").append(prefix.toLowerCase(Locale.ROOT)).append('-');
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        for (int i = 0; i < 6; i++) {
            b.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        String name = b.toString();
        issued.add(name);
        return name;
    }

    /** How many names {@link #uniqueName} has given out. */
    int issuedCount() {
        return issued.size();
    }

    /** The names given out since {@code issuedCount()} was {@code mark}. */
    List<String> issuedSince(int mark) {
        return List.copyOf(issued.subList(mark, issued.size()));
    }

    @Override
    public String toString() {
        return "DevEnv" + values; // key FILE paths only; dev/env env prints no secrets
    }
}
