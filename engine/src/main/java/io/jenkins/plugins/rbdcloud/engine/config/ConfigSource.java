package io.jenkins.plugins.rbdcloud.engine.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The keys of one config file while it is being read: typed reads that remember which keys were
 * used (the rest are unknown), and problems collected with their line so all are reported at once.
 */
final class ConfigSource {

    private final Properties props;
    private final Map<String, Integer> lines;
    private final String name;
    private final Path baseDir;
    private final Set<String> used = new TreeSet<>();
    private final List<String> problems = new ArrayList<>();

    ConfigSource(Properties props, Map<String, Integer> lines, String name, Path baseDir) {
        this.props = props;
        this.lines = lines;
        this.name = name;
        this.baseDir = baseDir;
    }

    /** Names {@code n} of all keys {@code <kind>.<n>.<field>}, sorted. */
    Set<String> names(String kind) {
        Set<String> names = new TreeSet<>();
        for (String key : props.stringPropertyNames()) {
            String[] parts = key.split("\\.", 3);
            if (parts.length == 3 && parts[0].equals(kind)) {
                names.add(parts[1]);
            }
        }
        return names;
    }

    /** Keys starting with {@code prefix}, sorted. */
    Set<String> keysUnder(String prefix) {
        Set<String> keys = new TreeSet<>();
        props.stringPropertyNames().stream().filter(k -> k.startsWith(prefix)).forEach(keys::add);
        return keys;
    }

    Optional<String> get(String key) {
        String v = props.getProperty(key);
        if (v == null) {
            return Optional.empty();
        }
        used.add(key);
        return Optional.of(v.trim());
    }

    /** Reads {@code key} if present, parses it and hands it to {@code set}; a parse error is recorded, not thrown. */
    <T> void read(String key, Function<String, T> parse, Consumer<T> set) {
        get(key).ifPresent(text -> {
            try {
                set.accept(parse.apply(text));
            } catch (IllegalArgumentException e) {
                problem(key, e);
            }
        });
    }

    void text(String key, Consumer<String> set) {
        read(key, Function.identity(), set);
    }

    void integer(String key, Consumer<Integer> set) {
        read(key, ConfigSource::parseInt, set);
    }

    void duration(String key, Consumer<Duration> set) {
        read(key, t -> Durations.parse(t).orElseThrow(() -> new IllegalArgumentException(
                "must be a duration such as 90s, 5m, 2h or 1d, got " + Check.quoted(t))), set);
    }

    <E extends Enum<E> & ConfigWord> void word(String key, Class<E> type, Consumer<E> set) {
        read(key, t -> ConfigWord.parse(key, t, type), set);
    }

    /** A path on the controller; relative paths are relative to the config file's directory. */
    Path localPath(String text) {
        return baseDir.resolve(text).toAbsolutePath().normalize();
    }

    static int parseInt(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("must be a whole number, got " + Check.quoted(text));
        }
    }

    /** Records a problem; a {@link SettingException} message already names its setting. */
    void problem(String key, IllegalArgumentException e) {
        String message = e instanceof SettingException ? e.getMessage() : key + ": " + e.getMessage();
        problems.add(where(key) + message);
    }

    /**
     * Records a problem of a whole section (e.g. {@code template.debian}); it points at the line
     * of the setting when it has one, else at the section's first line.
     */
    void sectionProblem(String section, IllegalArgumentException e) {
        String key = e instanceof SettingException s ? s.key() : "";
        if (line(key) == null) {
            key = lines.entrySet().stream().filter(l -> l.getKey().startsWith(section + "."))
                    .min(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(section);
        }
        problem(key, e);
    }

    void problem(String key, String message) {
        problems.add(where(key) + key + ": " + message);
    }

    /** {@code file:line: } of a key; settings read from a {@code ...File} key point at that one. */
    private String where(String key) {
        Integer line = line(key);
        return line == null ? name + ": " : name + ":" + line + ": ";
    }

    private Integer line(String key) {
        Integer line = lines.get(key);
        return line != null ? line : lines.get(key + "File");
    }

    String name() {
        return name;
    }

    int problemCount() {
        return problems.size();
    }

    List<String> problems() {
        return problems;
    }

    /** Keys no reader asked for: typos and settings that do not exist. */
    Set<String> unusedKeys() {
        Set<String> unused = new TreeSet<>(props.stringPropertyNames());
        unused.removeAll(used);
        return unused;
    }
}
