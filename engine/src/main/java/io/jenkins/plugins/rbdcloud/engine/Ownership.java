package io.jenkins.plugins.rbdcloud.engine;

import io.jenkins.plugins.rbdcloud.engine.util.Printable;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Who owns an RBD image or a libvirt domain. The same tags go into RBD image metadata and into
 * the domain's {@code <metadata>} element, so reconciliation can find what this controller made
 * and nothing else.
 *
 * @param ownerId   identity of the controller (Jenkins instance) that created the object
 * @param cloud     cloud name
 * @param template  template name
 * @param agent     agent (node) name
 * @param golden    golden image and version the disk was cloned from, e.g. {@code debian@v3}
 * @param createdAt creation time
 */
public record Ownership(String ownerId, String cloud, String template, String agent, String golden, Instant createdAt) {

    /** Prefix of every RBD metadata key rbd-cloud writes. */
    public static final String META_PREFIX = "rbd-cloud.";

    private static final Pattern TAG_VALUE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@:+-]{0,127}");

    public Ownership {
        checkTag("ownerId", ownerId);
        checkTag("cloud", cloud);
        checkTag("template", template);
        checkTag("agent", agent);
        checkTag("golden", golden);
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** Validates a tag value: letters, digits and {@code . _ @ : + -}, 1–128 characters, starting with a letter or digit. */
    public static String checkTag(String field, String value) {
        if (value == null || !TAG_VALUE.matcher(value).matches()) {
            throw new IllegalArgumentException(field + " must be 1-128 characters of letters, digits and . _ @ : + - "
                    + "starting with a letter or digit, got " + (value == null ? "null" : "'" + Printable.of(value) + "'"));
        }
        return value;
    }

    /** The tags as key/value pairs, keys without prefix, in a stable order. */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("owner", ownerId);
        m.put("cloud", cloud);
        m.put("template", template);
        m.put("agent", agent);
        m.put("golden", golden);
        m.put("created-at", createdAt.toString());
        return m;
    }

    /** Reads tags back from {@link #toMap()} form; empty when any tag is missing or malformed (not ours). */
    public static Optional<Ownership> fromMap(Map<String, String> m) {
        try {
            return Optional.of(new Ownership(m.get("owner"), m.get("cloud"), m.get("template"), m.get("agent"),
                    m.get("golden"), Instant.parse(Objects.requireNonNull(m.get("created-at")))));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Reads tags back from an RBD image's metadata ({@value #META_PREFIX} keys); empty when not ours. */
    public static Optional<Ownership> fromMeta(Map<String, String> imageMeta) {
        Map<String, String> tags = new LinkedHashMap<>();
        imageMeta.forEach((k, v) -> {
            if (k.startsWith(META_PREFIX)) {
                tags.put(k.substring(META_PREFIX.length()), v);
            }
        });
        return fromMap(tags);
    }
}
