package io.jenkins.plugins.rbdcloud.engine.replication;

import io.jenkins.plugins.rbdcloud.engine.ceph.CephCluster;
import io.jenkins.plugins.rbdcloud.engine.ceph.CephConfig;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnvironmentExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.opentest4j.TestAbortedException;

/**
 * Dev cluster instance b ({@code dev/ceph.sh --instance b}, mon 127.0.0.1:6790), which the
 * replication tests own: started on first use in a test JVM, stopped and wiped when the JVM's
 * tests are done (set RBD_CLOUD_KEEP_B=true to keep it between runs). Instance a stays untouched.
 */
public final class SecondCluster implements ExtensionContext.Store.CloseableResource {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(SecondCluster.class);

    private final Path repoRoot;
    private Map<String, String> env;

    private SecondCluster(Path repoRoot) {
        this.repoRoot = repoRoot;
    }

    /** JUnit extension: gives tests a {@link SecondCluster} parameter. */
    public static final class Extension implements BeforeAllCallback, ParameterResolver {
        @Override
        public void beforeAll(ExtensionContext c) {
            of(c);
        }

        @Override
        public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
            return p.getParameter().getType() == SecondCluster.class;
        }

        @Override
        public Object resolveParameter(ParameterContext p, ExtensionContext c) {
            return of(c);
        }
    }

    static SecondCluster of(ExtensionContext c) {
        Path root = DevEnvironmentExtension.devEnv(c).repoRoot();
        Object v = c.getRoot().getStore(NS).getOrComputeIfAbsent("b", k -> {
            SecondCluster b = new SecondCluster(root);
            try {
                b.start();
                return b;
            } catch (RuntimeException e) {
                return e;
            }
        });
        if (v instanceof SecondCluster b) {
            return b;
        }
        RuntimeException e = (RuntimeException) v;
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException("CI=true and dev cluster b cannot start: " + e.getMessage(), e);
        }
        throw new TestAbortedException("dev cluster b cannot start (set CI=true to make this a failure): " + e.getMessage(), e);
    }

    /** Starts b if it is not running and reads its environment. */
    public void start() {
        if (script("status") != 0) {
            if (script("start") != 0) {
                throw new IllegalStateException("dev/ceph.sh start --instance b failed");
            }
        }
        env = parse(output("env"));
    }

    /** Stops and wipes b, then creates it afresh: an empty cluster with a new fsid. */
    public void wipeAndStart() {
        script("wipe");
        start();
    }

    public Path conf() { return Path.of(env.get("RBD_CLOUD_CEPH_CONF")); }
    public int monPort() { return Integer.parseInt(env.get("RBD_CLOUD_CEPH_MON_PORT")); }
    public String user() { return env.get("RBD_CLOUD_CEPH_USER"); }
    public String hvUser() { return env.get("RBD_CLOUD_CEPH_HV_USER"); }
    public String key() { return read(env.get("RBD_CLOUD_CEPH_KEY_FILE")); }
    public String hvKey() { return read(env.get("RBD_CLOUD_CEPH_HV_KEY_FILE")); }
    public String imagesPool() { return env.get("RBD_CLOUD_IMAGES_POOL"); }
    public String agentsPool() { return env.get("RBD_CLOUD_AGENTS_POOL"); }

    public CephCluster connect() {
        return CephCluster.connect(CephConfig.ofConfFile(conf(), user(), key()), Duration.ofSeconds(20));
    }

    @Override
    public void close() {
        if (!"true".equalsIgnoreCase(System.getenv("RBD_CLOUD_KEEP_B"))) {
            script("wipe");
        }
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file), StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read a key file of cluster b: " + e.getMessage(), e);
        }
    }

    static Map<String, String> parse(String out) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                String v = line.substring(eq + 1).strip();
                if (v.length() >= 2 && (v.startsWith("'") && v.endsWith("'") || v.startsWith("\"") && v.endsWith("\""))) {
                    v = v.substring(1, v.length() - 1);
                }
                m.put(line.substring(0, eq).strip(), v);
            }
        }
        return m;
    }

    private int script(String command) {
        return run(command, null);
    }

    private String output(String command) {
        StringBuilder out = new StringBuilder();
        if (run(command, out) != 0) {
            throw new IllegalStateException("dev/ceph.sh " + command + " --instance b failed");
        }
        return out.toString();
    }

    private int run(String command, StringBuilder out) {
        try {
            Path log = Files.createTempFile("ceph-b", ".log");
            try {
                Process p = new ProcessBuilder(List.of(repoRoot.resolve("dev/ceph.sh").toString(), command, "--instance", "b"))
                        .directory(repoRoot.toFile()).redirectError(log.toFile()).start();
                String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(5, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("dev/ceph.sh " + command + " --instance b did not finish in 5 minutes");
                }
                if (out != null) {
                    out.append(stdout);
                }
                if (p.exitValue() != 0 && !command.equals("status")) {
                    System.err.println("dev/ceph.sh " + command + " --instance b: " + Files.readString(log));
                }
                return p.exitValue();
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run dev/ceph.sh: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
