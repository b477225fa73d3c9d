package io.jenkins.plugins.rbdcloud.engine.config;

import io.jenkins.plugins.rbdcloud.engine.images.GoldenNames;
import io.jenkins.plugins.rbdcloud.engine.util.Printable;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validation with messages that name the setting, the rule and the value, e.g.
 * {@code template 'debian': memoryMib must be between 256 and 1048576, got 12}.
 *
 * @param scope     what is being checked, as a person would say it: {@code template 'debian'}
 * @param keyPrefix config-file key prefix of the same thing: {@code template.debian.}
 */
record Check(String scope, String keyPrefix) {

    /**
     * Names of clouds, templates, hypervisors and groups. Lowercase so they are the same in RBD
     * image names, libvirt domain names, Jenkins node names and config keys; no dots because the
     * config keys use them as separators; 40 characters leave room for the agent suffix.
     */
    static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,38}[a-z0-9]|[a-z]");

    /** Validates {@code name} and returns the check for the thing it names, e.g. {@code template 'debian'}. */
    static Check named(String kind, String name) {
        new Check(kind, kind + ".").name("name", name);
        return new Check(kind + " '" + name + "'", kind + "." + name + ".");
    }

    SettingException fail(String field, String problem) {
        return new SettingException(keyPrefix + field, scope + ": " + field + " " + problem);
    }

    <T> T present(String field, T value) {
        if (value == null) {
            throw fail(field, "is required");
        }
        return value;
    }

    String name(String field, String value) {
        present(field, value);
        if (!NAME.matcher(value).matches()) {
            throw fail(field, "must be 1-40 characters of lowercase letters, digits and '-', starting with a letter "
                    + "and not ending with '-', got " + quoted(value));
        }
        return value;
    }

    String matches(String field, String value, Pattern pattern, String rule) {
        present(field, value);
        if (!pattern.matcher(value).matches()) {
            throw fail(field, "must be " + rule + ", got " + quoted(value));
        }
        return value;
    }

    /** A golden image name, by the catalog's own rule: a name the catalog would refuse never gets past the settings. */
    String golden(String field, String value) {
        present(field, value);
        if (!GoldenNames.isValid(value)) {
            throw fail(field, "must be " + GoldenNames.RULE + ", got " + quoted(value));
        }
        return value;
    }

    int range(String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw fail(field, "must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    Duration range(String field, Duration value, Duration min, Duration max) {
        present(field, value);
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw fail(field, "must be between " + Durations.format(min) + " and " + Durations.format(max)
                    + ", got " + Durations.format(value));
        }
        return value;
    }

    /** Throws when two items share a name: config keys and backend objects are looked up by name. */
    void unique(String field, Collection<String> names) {
        Set<String> seen = new HashSet<>();
        for (String n : names) {
            if (!seen.add(Objects.requireNonNull(n))) {
                throw fail(field, "must have unique names, '" + Printable.of(n) + "' appears twice");
            }
        }
    }

    static String quoted(String value) {
        return "'" + Printable.of(value) + "'";
    }
}
