package io.jenkins.plugins.rbdcloud.engine.agents.policy;

import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * Agent names: {@code <template>-<6 random lowercase letters or digits>}, e.g. {@code debian-k3x9qa}.
 * Template names are already lowercase DNS-like, so the result is a valid RBD image name, libvirt
 * domain name, Jenkins node name and host name alike.
 */
public final class AgentNames {

    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    static final int SUFFIX_LENGTH = 6;
    private static final Pattern AGENT = Pattern.compile("[a-z]([a-z0-9-]{0,38}[a-z0-9])?-[a-z0-9]{6}");

    private final RandomGenerator random;

    /** @param random source of the suffix; a seeded one gives repeatable names in tests */
    public AgentNames(RandomGenerator random) {
        this.random = random;
    }

    /** A new name for an agent of {@code template} that {@code taken} does not yet hold. */
    public String next(String template, Predicate<String> taken) {
        // 36^6 ≈ 2.2e9 names per template: a collision is rare, a loop is cheap insurance.
        for (int attempt = 0; attempt < 100; attempt++) {
            StringBuilder b = new StringBuilder(template.length() + 1 + SUFFIX_LENGTH).append(template).append('-');
            for (int i = 0; i < SUFFIX_LENGTH; i++) {
                b.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
            String name = b.toString();
            if (!taken.test(name)) {
                return name;
            }
        }
        throw new IllegalStateException("no free agent name for template '" + template + "' after 100 tries");
    }

    /** Whether {@code name} has the form of an agent name, so it can be trusted in paths and XML. */
    public static boolean isAgentName(String name) {
        return name != null && AGENT.matcher(name).matches();
    }

    /** The template part of an agent name. */
    public static String templateOf(String agentName) {
        if (!isAgentName(agentName)) {
            throw new IllegalArgumentException("not an agent name: '" + agentName + "'");
        }
        return agentName.substring(0, agentName.length() - SUFFIX_LENGTH - 1);
    }
}
