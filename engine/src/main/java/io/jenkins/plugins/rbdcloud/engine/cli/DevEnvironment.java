package io.jenkins.plugins.rbdcloud.engine.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The embedded default: starts {@code dev/env} when it is not up and turns what {@code dev/env env}
 * prints into the config file form of docs/config.md, so the CLI needs no config file on a dev box.
 */
public final class DevEnvironment {

    private final Path repoRoot;

    DevEnvironment(Path repoRoot) {
        this.repoRoot = repoRoot;
    }

    /** Where the launcher script said the repository is, or the working directory. */
    static DevEnvironment locate() {
        String root = System.getenv("RBD_CLOUD_REPO_ROOT");
        Path p = Path.of(root == null ? "" : root).toAbsolutePath();
        if (!Files.isExecutable(p.resolve("dev/env"))) {
            throw new CliException(ExitCode.USAGE, "no --config given and no dev/env under " + p
                    + ": pass --config FILE (see docs/config.md) or run from the repository");
        }
        return new DevEnvironment(p);
    }

    /** Brings the environment up if needed and returns its values. */
    Map<String, String> start(java.io.PrintStream log) {
        if (run(List.of("status"), 30, false) != 0) {
            log.println("starting the embedded environment (dev/env start)...");
            if (run(List.of("start"), 600, true) != 0) {
                throw new CliException(ExitCode.UNAVAILABLE, "dev/env start failed (see the messages above)");
            }
        }
        Path out = null;
        try {
            out = Files.createTempFile("rbd-cloud-env", ".txt");
            Process p = new ProcessBuilder(repoRoot.resolve("dev/env").toString(), "env").directory(repoRoot.toFile())
                    .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new CliException(ExitCode.UNAVAILABLE, "dev/env env failed");
            }
            return parse(Files.readString(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CliException(ExitCode.UNAVAILABLE, "cannot run dev/env: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.FAILED, "interrupted");
        } finally {
            if (out != null) {
                out.toFile().delete();
            }
        }
    }

    private int run(List<String> args, int timeoutSeconds, boolean showOutput) {
        try {
            List<String> cmd = new java.util.ArrayList<>();
            cmd.add(repoRoot.resolve("dev/env").toString());
            cmd.addAll(args);
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(repoRoot.toFile());
            pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
            pb.redirectError(showOutput ? ProcessBuilder.Redirect.INHERIT : ProcessBuilder.Redirect.DISCARD);
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Parses {@code KEY=VALUE} lines; values may be single- or double-quoted or backslash-escaped. */
    public static Map<String, String> parse(String output) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            line = line.strip();
            if (line.startsWith("export ")) {
                line = line.substring("export ".length());
            }
            int eq = line.indexOf('=');
            if (line.isEmpty() || line.startsWith("#") || eq < 1) {
                continue;
            }
            m.put(line.substring(0, eq), unquote(line.substring(eq + 1)));
        }
        return m;
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && (v.startsWith("'") && v.endsWith("'") || v.startsWith("\"") && v.endsWith("\""))) {
            return v.substring(1, v.length() - 1);
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '\\' && i + 1 < v.length()) {
                c = v.charAt(++i);
            }
            b.append(c);
        }
        return b.toString();
    }

    /** The cloud of docs/config.md for these values: one local hypervisor, template {@code tiny}. */
    static Properties cloudProperties(Map<String, String> env, String goldenImage) {
        Properties p = new Properties();
        p.setProperty("cloud.name", "dev");
        p.setProperty("cloud.ownerId", "dev-controller");
        p.setProperty("cloud.maxAgents", "4");
        p.setProperty("cloud.reconcileGrace", "2m");
        p.setProperty("ceph.conf", get(env, "RBD_CLOUD_CEPH_CONF"));
        p.setProperty("ceph.monitors", get(env, "RBD_CLOUD_CEPH_MON_HOST") + ":" + get(env, "RBD_CLOUD_CEPH_MON_PORT"));
        p.setProperty("ceph.user", get(env, "RBD_CLOUD_CEPH_USER"));
        p.setProperty("ceph.keyFile", get(env, "RBD_CLOUD_CEPH_KEY_FILE"));
        p.setProperty("ceph.hypervisorUser", get(env, "RBD_CLOUD_CEPH_HV_USER"));
        p.setProperty("ceph.hypervisorKeyFile", get(env, "RBD_CLOUD_CEPH_HV_KEY_FILE"));
        p.setProperty("ceph.imagesPool", get(env, "RBD_CLOUD_IMAGES_POOL"));
        p.setProperty("ceph.agentsPool", get(env, "RBD_CLOUD_AGENTS_POOL"));
        p.setProperty("hypervisor.local.uri", get(env, "RBD_CLOUD_LIBVIRT_URI"));
        p.setProperty("hypervisor.local.vcpus", "4");
        p.setProperty("hypervisor.local.memoryMib", "4096");
        p.setProperty("hypervisor.local.maxAgents", "4");
        p.setProperty("hypervisor.local.domainType", "qemu");
        p.setProperty("template.tiny.labels", "linux tiny rbd-test");
        p.setProperty("template.tiny.image", goldenImage);
        p.setProperty("template.tiny.vcpus", "1");
        p.setProperty("template.tiny.memoryMib", "512");
        p.setProperty("template.tiny.executors", "1");
        p.setProperty("template.tiny.maxAgents", "4");
        p.setProperty("template.tiny.retention", "one-shot");
        p.setProperty("template.tiny.snapshot", "on-success");
        // The demo promotes as job "rbd-cloud demo"; nothing else does unless an admin allows it.
        p.setProperty("template.tiny.promoteFrom.jobs", DemoCommand.JOB);
        p.setProperty("template.tiny.consistency", "preferred");
        p.setProperty("template.tiny.watchdog", "reset");
        p.setProperty("template.tiny.launcher", "channel");
        p.setProperty("template.tiny.startTimeout", "90s");
        p.setProperty("template.tiny.warmPool", "0");
        p.setProperty("template.tiny.maxCloneDepth", "2");
        p.setProperty("template.tiny.kernel", get(env, "RBD_CLOUD_GUEST_KERNEL"));
        p.setProperty("template.tiny.initrd", get(env, "RBD_CLOUD_GUEST_INITRD"));
        p.setProperty("template.tiny.cmdline", get(env, "RBD_CLOUD_GUEST_CMDLINE"));
        return p;
    }

    private static String get(Map<String, String> env, String key) {
        String v = env.get(key);
        if (v == null || v.isEmpty()) {
            throw new CliException(ExitCode.UNAVAILABLE, "dev/env env did not print " + key);
        }
        return v;
    }

    Path repoRoot() {
        return repoRoot;
    }
}
