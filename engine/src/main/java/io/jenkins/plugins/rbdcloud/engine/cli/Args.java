package io.jenkins.plugins.rbdcloud.engine.cli;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Command-line words: positionals in order, {@code --flag} and {@code --option value} anywhere
 * before a lone {@code --}; the words after it are a command to pass on, untouched.
 */
final class Args {

    private final Deque<String> positionals = new ArrayDeque<>();
    private final Map<String, String> options = new HashMap<>();
    private final Set<String> flags;
    private final List<String> passThrough;

    /** @param valued options that take a value; every other {@code --x} is a boolean flag */
    Args(List<String> words, Set<String> valued) {
        List<String> seenFlags = new ArrayList<>();
        int end = words.indexOf("--");
        if (end < 0) {
            end = words.size();
        }
        for (int i = 0; i < end; i++) {
            String w = words.get(i);
            if (w.startsWith("--") && w.length() > 2) {
                String name = w.substring(2);
                int eq = name.indexOf('=');
                if (eq > 0) {
                    options.put(name.substring(0, eq), name.substring(eq + 1));
                } else if (valued.contains(name)) {
                    if (i + 1 >= end) {
                        throw new CliException(ExitCode.USAGE, "--" + name + " needs a value");
                    }
                    options.put(name, words.get(++i));
                } else {
                    seenFlags.add(name);
                }
            } else {
                positionals.add(w);
            }
        }
        this.flags = Set.copyOf(seenFlags);
        this.passThrough = end < words.size() ? List.copyOf(words.subList(end + 1, words.size())) : List.of();
    }

    /** The words after {@code --}, options and all (empty without {@code --}). */
    List<String> passThrough() {
        return passThrough;
    }

    String next(String what) {
        String v = positionals.poll();
        if (v == null) {
            throw new CliException(ExitCode.USAGE, "missing " + what);
        }
        return v;
    }

    String nextOr(String fallback) {
        String v = positionals.poll();
        return v == null ? fallback : v;
    }

    List<String> rest() {
        List<String> r = new ArrayList<>(positionals);
        positionals.clear();
        return r;
    }

    boolean flag(String name) {
        return flags.contains(name);
    }

    String option(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    int intOption(String name, int fallback) {
        String v = options.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new CliException(ExitCode.USAGE, "--" + name + " must be a whole number, got '" + v + "'");
        }
    }

    /** Fails on flags no command asked about, so a typo is not silently ignored. */
    void rejectUnknown(Set<String> knownFlags, Set<String> knownOptions) {
        for (String f : flags) {
            if (!knownFlags.contains(f)) {
                throw new CliException(ExitCode.USAGE, "unknown flag --" + f);
            }
        }
        for (String o : options.keySet()) {
            if (!knownOptions.contains(o)) {
                throw new CliException(ExitCode.USAGE, "unknown option --" + o);
            }
        }
    }
}
