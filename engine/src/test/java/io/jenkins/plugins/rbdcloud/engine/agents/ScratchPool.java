package io.jenkins.plugins.rbdcloud.engine.agents;

import io.jenkins.plugins.rbdcloud.engine.ceph.CephCluster;
import io.jenkins.plugins.rbdcloud.engine.ceph.CephConfig;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A pool of its own on the dev cluster for a benchmark that needs many images (created through
 * the admin user, removed whole at the end: removing a pool drops its 10,000 images at once).
 */
final class ScratchPool implements AutoCloseable {

    private final DevEnv env;
    private final String name;
    private final CephCluster admin;

    ScratchPool(DevEnv env, String name) throws IOException, InterruptedException {
        this.env = env;
        this.name = name;
        ceph("osd", "pool", "create", name, "8");
        run("rbd", "-c", env.cephConf().toString(), "-n", "client.admin", "--keyring", env.adminKeyring().toString(), "pool", "init", name);
        String key = Files.readAllLines(env.adminKeyring()).stream().map(String::strip).filter(l -> l.startsWith("key = "))
                .findFirst().orElseThrow().substring("key = ".length());
        this.admin = CephCluster.connect(CephConfig.ofConfFile(env.cephConf(), "admin", key), Duration.ofSeconds(20));
    }

    RbdPool pool() {
        return admin.pool(name);
    }

    @Override
    public void close() throws IOException {
        try {
            admin.close();
        } finally {
            try {
                ceph("osd", "pool", "rm", name, name, "--yes-i-really-really-mean-it");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while removing pool " + name, e);
            }
        }
    }

    private void ceph(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ceph", "-c", env.cephConf().toString(), "-n", "client.admin", "--keyring",
                env.adminKeyring().toString(), "--connect-timeout", "20"));
        cmd.addAll(List.of(args));
        run(cmd.toArray(String[]::new));
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }
}
