package io.jenkins.plugins.rbdcloud.engine.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;

/** Reads the {@code template.<name>.*} keys of a config file into a {@link TemplateSettings.Builder}. */
final class TemplateKeys {

    private TemplateKeys() {
    }

    static CloudSettingsLoader.SectionBuild<TemplateSettings> read(ConfigSource src, String name) {
        String p = "template." + name + ".";
        TemplateSettings.Builder b = TemplateSettings.builder(name);
        src.read(p + "labels", CloudSettingsLoader::words, b::labels);
        src.text(p + "image", b::image);
        src.text(p + "imageVersion", b::imageVersion);
        src.integer(p + "vcpus", b::vcpus);
        src.integer(p + "memoryMib", b::memoryMib);
        src.integer(p + "diskGib", b::diskGib);
        src.integer(p + "executors", b::executors);
        src.integer(p + "maxAgents", b::maxAgents);
        src.read(p + "retention", t -> Retention.parse(p + "retention", t), b::retention);
        src.word(p + "snapshot", SnapshotPolicy.class, b::snapshot);
        src.word(p + "consistency", Consistency.class, b::consistency);
        src.word(p + "watchdog", WatchdogAction.class, b::watchdog);
        src.word(p + "launcher", LauncherKind.class, b::launcher);
        src.duration(p + "startTimeout", b::startTimeout);
        src.integer(p + "warmPool", b::warmPool);
        src.duration(p + "warmPoolMaxAge", b::warmPoolMaxAge);
        src.integer(p + "maxCloneDepth", b::maxCloneDepth);
        src.text(p + "hypervisorGroup", b::hypervisorGroup);
        src.read(p + "promoteMaxWrittenMib", t -> (long) ConfigSource.parseInt(t), b::promoteMaxWrittenMib);
        promoteFrom(src, p, b);
        src.read(p + "onFailure", t -> FailurePolicy.parse(p + "onFailure", t), b::onFailure);
        src.duration(p + "failureRetention", b::failureRetention);
        src.integer(p + "failureSnapshots", b::failureSnapshots);
        network(src, p, b);
        directBoot(src, p, b);
        env(src, p, b);
        return b::build;
    }

    /** {@code promoteFrom.jobs}, {@code .branches} (patterns), {@code .changeRequests}, {@code .forks} (true or false). */
    private static void promoteFrom(ConfigSource src, String p, TemplateSettings.Builder b) {
        String k = p + "promoteFrom.";
        List<String> jobs = new ArrayList<>();
        List<String> branches = new ArrayList<>();
        boolean[] allow = new boolean[2];
        src.read(k + "jobs", CloudSettingsLoader::words, jobs::addAll);
        src.read(k + "branches", CloudSettingsLoader::words, branches::addAll);
        src.read(k + "changeRequests", TemplateKeys::bool, v -> allow[0] = v);
        src.read(k + "forks", TemplateKeys::bool, v -> allow[1] = v);
        src.read(k + "jobs", t -> new PromoteFrom(jobs, branches, allow[0], allow[1]), b::promoteFrom);
        if (src.get(k + "jobs").isEmpty()) {
            for (String other : List.of("branches", "changeRequests", "forks")) {
                src.get(k + other).ifPresent(x -> src.problem(k + other, "needs " + k + "jobs (the jobs that may promote)"));
            }
        }
    }

    private static boolean bool(String text) {
        return switch (text.strip()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("must be true or false, got " + io.jenkins.plugins.rbdcloud.engine.util.Printable.of(text));
        };
    }

    private static void network(ConfigSource src, String p, TemplateSettings.Builder b) {
        AtomicReference<Integer> mtu = new AtomicReference<>();
        src.integer(p + "mtu", mtu::set);
        Optional<String> network = src.get(p + "network");
        if (network.isPresent()) {
            OptionalInt m = mtu.get() == null ? OptionalInt.empty() : OptionalInt.of(mtu.get());
            src.read(p + "network", t -> Network.parse(t, m), b::network);
        } else if (mtu.get() != null) {
            src.problem(p + "mtu", "needs " + p + "network (network:<name> or bridge:<name>)");
        }
    }

    private static void directBoot(ConfigSource src, String p, TemplateSettings.Builder b) {
        // Paths on the hypervisor: never resolved against the controller's config directory.
        Optional<String> kernel = src.get(p + "kernel");
        Optional<String> initrd = src.get(p + "initrd");
        Optional<String> cmdline = src.get(p + "cmdline");
        if (kernel.isPresent()) {
            src.read(p + "kernel", k -> new DirectBoot(Path.of(k), initrd.map(Path::of), cmdline.orElse("")),
                    b::directBoot);
        } else {
            initrd.ifPresent(x -> src.problem(p + "initrd", "needs " + p + "kernel (direct kernel boot)"));
            cmdline.ifPresent(x -> src.problem(p + "cmdline", "needs " + p + "kernel (direct kernel boot)"));
        }
    }

    /** {@code env.NAME=value} inline, {@code envFile.NAME=path} for secrets kept out of the config file. */
    private static void env(ConfigSource src, String p, TemplateSettings.Builder b) {
        for (String key : src.keysUnder(p + "env.")) {
            String var = key.substring((p + "env.").length());
            src.read(key, Secret::of, v -> b.env(var, v));
        }
        for (String key : src.keysUnder(p + "envFile.")) {
            String var = key.substring((p + "envFile.").length());
            if (src.get(p + "env." + var).isPresent()) {
                src.problem(key, "and " + p + "env." + var + " are both set; keep one");
                continue;
            }
            src.read(key, t -> KeyFiles.readSecret(src.localPath(t)), v -> b.env(var, v));
        }
    }
}
