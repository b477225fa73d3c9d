package io.jenkins.plugins.rbdcloud.engine.libvirt;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Key/value pairs handed to the guest as SMBIOS OEM strings (type 11), e.g. the agent's name and
 * the Jenkins URL. libvirt logs QEMU's command line, SMBIOS values included, and {@code ps} shows
 * it, so callers must put NO secrets here (the engine writes those into the guest through the guest
 * agent). Values are still kept out of {@link #toString()} and the redacted XML, as defence in depth.
 */
public final class LaunchEnvironment {

    private static final LaunchEnvironment EMPTY = new LaunchEnvironment(Map.of());

    private final Map<String, String> values;

    private LaunchEnvironment(Map<String, String> values) {
        this.values = values;
    }

    public static LaunchEnvironment empty() {
        return EMPTY;
    }

    /** Validates every key and value; the order of the map is kept. */
    public static LaunchEnvironment of(Map<String, String> values) {
        Map<String, String> m = new LinkedHashMap<>();
        values.forEach((k, v) -> m.put(DomainNames.oemKey(k), DomainNames.oemValue(k, v)));
        return new LaunchEnvironment(Collections.unmodifiableMap(m));
    }

    public Set<String> keys() {
        return values.keySet();
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** The values, for rendering into the XML sent to libvirt only. */
    Map<String, String> secretValues() {
        return values;
    }

    @Override
    public String toString() {
        return "LaunchEnvironment" + values.keySet() + " (values redacted)";
    }
}
