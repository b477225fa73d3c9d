package io.jenkins.plugins.rbdcloud.engine.config;

import java.util.List;

/** A config file with problems; {@link #problems()} lists each as {@code file:line: key: what to fix}. */
public class ConfigFileException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public ConfigFileException(String source, List<String> problems) {
        super(source + " has " + problems.size() + (problems.size() == 1 ? " problem:\n  " : " problems:\n  ")
                + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
