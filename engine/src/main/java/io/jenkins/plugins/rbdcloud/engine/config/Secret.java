package io.jenkins.plugins.rbdcloud.engine.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.Optional;

/**
 * A cephx key or a secret launch variable. {@link #toString()} never shows the value, so a
 * settings record can be logged whole; only {@link #reveal()} gives it out, at the point of use.
 */
public final class Secret {

    private final String value;
    private final Path file;

    private Secret(String value, Path file) {
        this.value = Objects.requireNonNull(value, "value");
        this.file = file;
    }

    /** A secret given inline. */
    public static Secret of(String value) {
        return new Secret(value, null);
    }

    /** A secret whose value was read from {@code file}; the path is kept so the config can be written back. */
    public static Secret fromFile(String value, Path file) {
        return new Secret(value, Objects.requireNonNull(file, "file"));
    }

    public String reveal() {
        return value;
    }

    /** The file the value was read from, if any. */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    boolean isEmpty() {
        return value.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        // Constant time, so comparing does not leak how much of a guess was right.
        return o instanceof Secret s && MessageDigest.isEqual(
                value.getBytes(StandardCharsets.UTF_8), s.value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return 0; // equal secrets must hash equally; a value-derived hash would leak bits of the value
    }

    @Override
    public String toString() {
        return file == null ? "****" : "****(" + file + ")";
    }
}
