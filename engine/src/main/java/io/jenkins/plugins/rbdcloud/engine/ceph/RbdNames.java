package io.jenkins.plugins.rbdcloud.engine.ceph;

import io.jenkins.plugins.rbdcloud.engine.util.Printable;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Checks names before they reach librbd. Pool, image and snapshot names end up in RBD specs
 * ({@code pool/image@snap}), QEMU's {@code rbd:} filenames (where {@code :} separates options),
 * libvirt XML and log lines, so the rule is a whitelist, not a list of bad characters:
 * 1–{@value #MAX_NAME_LENGTH} characters of {@code A-Z a-z 0-9 . _ + -}, starting with a letter
 * or digit (no {@code -opt} look-alikes, no hidden {@code .names}).
 *
 * <p>Why {@value #MAX_NAME_LENGTH}: librbd's {@code rbd_image_info_t} keeps the parent name in
 * {@code char[RBD_MAX_IMAGE_NAME_SIZE]} (96 bytes with the NUL), and rados-java's {@code stat}
 * reads it through that struct; longer names work in librbd but come back cut. Snapshots use the
 * same limit so {@code image@snap} stays short in XML and logs.
 */
public final class RbdNames {

    /** Longest accepted pool, image or snapshot name (RBD_MAX_IMAGE_NAME_SIZE - 1). */
    public static final int MAX_NAME_LENGTH = 95;
    /** Longest accepted metadata key. */
    public static final int MAX_META_KEY_LENGTH = 255;
    /** Longest accepted metadata value in UTF-8 bytes; tags are short, this only stops accidents. */
    public static final int MAX_META_VALUE_BYTES = 64 * 1024;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]*");
    private static final Pattern IMAGE_ID = Pattern.compile("[A-Za-z0-9]{1,64}");
    private static final Pattern META_KEY = Pattern.compile("[\\x21-\\x7e]+");

    private RbdNames() {}

    public static String pool(String name) {
        return check("pool", name);
    }

    public static String image(String name) {
        return check("image", name);
    }

    public static String snapshot(String name) {
        return check("snapshot", name);
    }

    /**
     * Checks a name for the given field ("pool", "image", "snapshot", "clone", ...).
     *
     * @throws IllegalArgumentException naming the field and showing the value with control
     *                                  characters escaped
     */
    public static String check(String field, String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException(field + " name must not be empty");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException(field + " name is " + name.length() + " characters, at most "
                    + MAX_NAME_LENGTH + " are allowed: '" + Printable.of(name) + "'");
        }
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(field + " name '" + Printable.of(name) + "' must be letters, digits and . _ + -"
                    + " starting with a letter or digit (no '/', '@', ':', spaces or control characters)");
        }
        return name;
    }

    /** Checks an image id (as in the trash): librbd makes them from hex digits; allow letters and digits. */
    public static String imageId(String id) {
        if (id == null || !IMAGE_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("image id '" + Printable.of(id)
                    + "' must be 1-64 letters and digits");
        }
        return id;
    }

    /**
     * Checks an image-metadata key: printable ASCII without spaces, at most
     * {@value #MAX_META_KEY_LENGTH} characters, and not {@code conf_*} — those keys are per-image
     * librbd configuration overrides, not tags.
     */
    public static String metaKey(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("metadata key must not be empty");
        }
        if (key.length() > MAX_META_KEY_LENGTH || !META_KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("metadata key '" + Printable.of(key) + "' must be 1-" + MAX_META_KEY_LENGTH
                    + " printable ASCII characters without spaces");
        }
        if (key.startsWith("conf_")) {
            throw new IllegalArgumentException("metadata key '" + key + "' is a librbd configuration override (conf_*), not a tag");
        }
        return key;
    }

    /** Checks an image-metadata value: any text without NUL (it is a C string), at most 64 KiB. */
    public static String metaValue(String key, String value) {
        if (value == null) {
            throw new IllegalArgumentException("metadata value for '" + Printable.of(key) + "' must not be null");
        }
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("metadata value for '" + Printable.of(key) + "' must not contain NUL");
        }
        if (value.getBytes(StandardCharsets.UTF_8).length > MAX_META_VALUE_BYTES) {
            throw new IllegalArgumentException("metadata value for '" + Printable.of(key) + "' is longer than "
                    + MAX_META_VALUE_BYTES + " bytes");
        }
        return value;
    }
}
