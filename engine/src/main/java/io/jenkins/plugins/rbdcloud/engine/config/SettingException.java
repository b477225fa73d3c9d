package io.jenkins.plugins.rbdcloud.engine.config;

/**
 * A setting that cannot be used. The message names the setting and how to fix it; it never
 * contains a secret. {@link #key()} is the config-file key, so the loader can point at a line.
 */
public class SettingException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String key;

    public SettingException(String key, String message) {
        super(message);
        this.key = key;
    }

    /** The config-file key of the setting, e.g. {@code template.debian.memoryMib}; empty when none fits. */
    public String key() {
        return key;
    }
}
