package io.jenkins.plugins.rbdcloud.engine.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Reads {@link CloudSettings} from a Java properties file (format in docs/config.md). Every problem
 * is reported at once with its line; unknown keys are errors, because a misspelt key would
 * otherwise silently leave a default in place.
 */
public final class CloudSettingsLoader {

    /** Keys per section; {@code env.*} and {@code envFile.*} are read separately. */
    static final Map<String, List<String>> FIELDS = Map.of(
            "cloud", List.of("name", "ownerId", "maxAgents", "reconcileGrace"),
            "ceph", List.of("conf", "monitors", "user", "keyFile", "hypervisorUser", "hypervisorKeyFile",
                    "imagesPool", "agentsPool"),
            "hypervisor", List.of("uri", "vcpus", "memoryMib", "maxAgents", "group", "domainType"),
            "template", List.of("labels", "image", "imageVersion", "vcpus", "memoryMib", "diskGib", "executors",
                    "maxAgents", "retention", "snapshot", "consistency", "watchdog", "network", "mtu", "launcher",
                    "startTimeout", "warmPool", "warmPoolMaxAge", "maxCloneDepth", "kernel", "initrd", "cmdline",
                    "hypervisorGroup", "env.<NAME>", "envFile.<NAME>",
                    "onFailure", "failureRetention", "failureSnapshots"));

    private CloudSettingsLoader() {
    }

    /** Loads a config file; relative key-file and ceph.conf paths are relative to its directory. */
    public static CloudSettings load(Path file) throws IOException {
        Path abs = file.toAbsolutePath().normalize();
        PropertiesFile parsed = PropertiesFile.parse(abs.toString(), Files.readString(abs, StandardCharsets.UTF_8));
        Path dir = abs.getParent() == null ? abs.getRoot() : abs.getParent();
        return load(new ConfigSource(parsed.properties(), parsed.lines(), abs.toString(), dir), parsed.problems());
    }

    /** Loads from properties; relative paths are relative to {@code baseDir}. */
    public static CloudSettings load(Properties properties, Path baseDir) {
        return load(new ConfigSource(properties, Map.of(), "properties", baseDir.toAbsolutePath()), List.of());
    }

    private static CloudSettings load(ConfigSource src, List<String> fileProblems) {
        src.problems().addAll(fileProblems);
        List<HypervisorSettings> hypervisors = new ArrayList<>();
        for (String name : src.names("hypervisor")) {
            build(src, "hypervisor." + name, () -> hypervisor(src, name)).ifPresent(hypervisors::add);
        }
        List<TemplateSettings> templates = new ArrayList<>();
        for (String name : src.names("template")) {
            build(src, "template." + name, () -> TemplateKeys.read(src, name)).ifPresent(templates::add);
        }
        Optional<CephSettings> ceph = build(src, "ceph", () -> ceph(src));
        CloudSettings.Builder cloud = CloudSettings.builder(src.get("cloud.name").orElse(null));
        src.text("cloud.ownerId", cloud::ownerId);
        src.integer("cloud.maxAgents", cloud::maxAgents);
        src.duration("cloud.reconcileGrace", cloud::reconcileGrace);
        reportUnknownKeys(src);
        CloudSettings settings = null;
        if (src.problemCount() == 0) {
            // Cross-checks only make sense once every part is valid on its own.
            try {
                settings = cloud.ceph(ceph.orElseThrow()).hypervisors(hypervisors).templates(templates).build();
            } catch (SettingException e) {
                int dot = e.key().lastIndexOf('.');
                src.sectionProblem(dot < 0 ? e.key() : e.key().substring(0, dot), e);
            }
        }
        if (src.problemCount() > 0) {
            throw new ConfigFileException(src.name(), src.problems());
        }
        return settings;
    }

    /** Builds one section unless reading its keys already failed, so one mistake gives one message. */
    private static <T> Optional<T> build(ConfigSource src, String section, Supplier<SectionBuild<T>> read) {
        int before = src.problemCount();
        SectionBuild<T> b = read.get();
        if (src.problemCount() > before) {
            return Optional.empty();
        }
        try {
            return Optional.of(b.build());
        } catch (IllegalArgumentException e) {
            src.sectionProblem(section, e);
            return Optional.empty();
        }
    }

    /** The last step of reading a section: may throw a validation error. */
    @FunctionalInterface
    interface SectionBuild<T> {
        T build();
    }

    private static SectionBuild<HypervisorSettings> hypervisor(ConfigSource src, String name) {
        String p = "hypervisor." + name + ".";
        HypervisorSettings.Builder b = HypervisorSettings.builder(name);
        src.text(p + "uri", b::uri);
        src.integer(p + "vcpus", b::vcpus);
        src.integer(p + "memoryMib", b::memoryMib);
        src.integer(p + "maxAgents", b::maxAgents);
        src.text(p + "group", b::group);
        src.word(p + "domainType", DomainType.class, b::domainType);
        return b::build;
    }

    private static SectionBuild<CephSettings> ceph(ConfigSource src) {
        CephSettings.Builder b = CephSettings.builder();
        src.read("ceph.conf", t -> KeyFiles.existing(src.localPath(t)), b::conf);
        src.read("ceph.monitors", CloudSettingsLoader::monitors, b::monitors);
        src.text("ceph.user", b::user);
        src.read("ceph.keyFile", t -> KeyFiles.read(src.localPath(t)), b::key);
        src.text("ceph.hypervisorUser", b::hypervisorUser);
        src.read("ceph.hypervisorKeyFile", t -> KeyFiles.read(src.localPath(t)), b::hypervisorKey);
        src.text("ceph.imagesPool", b::imagesPool);
        src.text("ceph.agentsPool", b::agentsPool);
        return b::build;
    }

    static List<HostPort> monitors(String text) {
        return Arrays.stream(text.split("[\\s,]+")).filter(s -> !s.isEmpty()).map(HostPort::parse).toList();
    }

    /** Each unknown key with the nearest valid one, since most are typos. */
    private static void reportUnknownKeys(ConfigSource src) {
        for (String key : src.unusedKeys()) {
            String[] parts = key.split("\\.");
            List<String> fields = FIELDS.get(parts[0]);
            String hint;
            if (fields == null) {
                hint = "sections are " + FIELDS.keySet().stream().sorted().map(s -> s + ".").collect(Collectors.joining(", "));
            } else {
                String field = parts[0].equals("cloud") || parts[0].equals("ceph")
                        ? key.substring(parts[0].length() + 1)
                        : parts.length > 2 ? key.substring(parts[0].length() + parts[1].length() + 2) : "";
                String prefix = key.substring(0, key.length() - field.length());
                hint = Suggest.nearest(field, fields).map(f -> "did you mean " + prefix + f + "?")
                        .orElse("valid keys are " + prefix + "{" + String.join(", ", fields) + "}");
            }
            src.problem(key, "unknown key; " + hint);
        }
    }

    static Set<String> words(String text) {
        Set<String> words = new LinkedHashSet<>();
        for (String w : text.split("[\\s,]+")) {
            if (!w.isEmpty()) {
                words.add(w);
            }
        }
        return words;
    }
}
