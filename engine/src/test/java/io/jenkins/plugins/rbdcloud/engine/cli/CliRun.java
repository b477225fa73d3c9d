package io.jenkins.plugins.rbdcloud.engine.cli;

import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** One CLI run as a user types it, for the CLI's ITs: exit code, stdout, stderr. */
record CliRun(ExitCode code, String out, String err) {

    @Override
    public String toString() {
        return code + "\nstdout:\n" + out + "\nstderr:\n" + err;
    }

    static CliRun of(String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ExitCode code = Main.run(List.of(argv), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A config file for the embedded environment's cloud booting {@code golden}, with {@code more} keys set, in {@code dir}. */
    static Path devConfig(DevEnv env, String golden, Path dir, Map<String, String> more) throws java.io.IOException {
        Map<String, String> vars = new HashMap<>();
        for (String k : List.of("RBD_CLOUD_CEPH_CONF", "RBD_CLOUD_CEPH_MON_HOST", "RBD_CLOUD_CEPH_MON_PORT", "RBD_CLOUD_CEPH_USER",
                "RBD_CLOUD_CEPH_KEY_FILE", "RBD_CLOUD_CEPH_HV_USER", "RBD_CLOUD_CEPH_HV_KEY_FILE", "RBD_CLOUD_IMAGES_POOL",
                "RBD_CLOUD_AGENTS_POOL", "RBD_CLOUD_LIBVIRT_URI", "RBD_CLOUD_GUEST_KERNEL", "RBD_CLOUD_GUEST_INITRD",
                "RBD_CLOUD_GUEST_CMDLINE")) {
            vars.put(k, env.get(k));
        }
        Properties p = DevEnvironment.cloudProperties(vars, golden);
        more.forEach(p::setProperty);
        Path config = dir.resolve("cloud.properties");
        try (var w = Files.newBufferedWriter(config)) {
            p.store(w, null);
        }
        return config;
    }
}
