package io.jenkins.plugins.rbdcloud.engine.agents;

import io.jenkins.plugins.rbdcloud.engine.config.Secret;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Values one agent's guest is given at launch. Public ones (e.g. {@code JENKINS_URL}) become SMBIOS
 * OEM strings, which libvirt writes to its per-domain log with QEMU's command line and which
 * {@code ps} shows on the hypervisor. Secret ones never go there: once the guest agent answers,
 * they are written to a root-only file in the guest ({@code /run/rbd-cloud/env}).
 *
 * @param publicValues values anyone on the hypervisor may read
 * @param secretValues values only the guest's root may read
 */
public record LaunchValues(Map<String, String> publicValues, Map<String, Secret> secretValues) {

    public static final LaunchValues NONE = new LaunchValues(Map.of(), Map.of());

    public LaunchValues {
        publicValues = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(publicValues));
        secretValues = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(secretValues));
        for (String k : secretValues.keySet()) {
            if (publicValues.containsKey(k)) {
                throw new IllegalArgumentException("launch value " + k + " is given both as public and as secret");
            }
        }
    }

    public static LaunchValues ofPublic(Map<String, String> values) {
        return new LaunchValues(values, Map.of());
    }

    public static LaunchValues ofSecret(Map<String, Secret> values) {
        return new LaunchValues(Map.of(), values);
    }

    @Override
    public String toString() {
        return "LaunchValues[public " + publicValues.keySet() + ", secret " + secretValues.keySet() + " (values redacted)]";
    }
}
