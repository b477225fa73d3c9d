package io.jenkins.plugins.rbdcloud.engine.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.opentest4j.TestAbortedException;

/**
 * Gives an {@code *IT} the embedded Ceph cluster, libvirtd and test guest image, starting them
 * through {@code dev/env start} when {@code dev/env status} says they are not all up. The
 * environment is resolved once per test JVM and kept in the root store.
 *
 * <p>Outside CI a host that cannot run the environment skips the test with the reason; with
 * {@code CI=true} it fails, because a silently skipped IT proves nothing.
 */
public final class DevEnvironmentExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(DevEnvironmentExtension.class);
    private static final long START_TIMEOUT_MINUTES = 10;

    @Override
    public void beforeAll(ExtensionContext context) {
        devEnv(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
        return p.getParameter().getType() == DevEnv.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext c) throws ParameterResolutionException {
        return devEnv(c);
    }

    /** The environment for this JVM, started on first use. */
    public static DevEnv devEnv(ExtensionContext context) {
        Object v = context.getRoot().getStore(NS).getOrComputeIfAbsent("env", k -> {
            try {
                return (Object) bringUp();
            } catch (RuntimeException | Error e) {
                return e;
            }
        });
        if (v instanceof DevEnv env) {
            return env;
        }
        Throwable t = (Throwable) v;
        if (isCi()) {
            throw new IllegalStateException("CI=true and the dev environment is not available: " + t.getMessage(), t);
        }
        throw new TestAbortedException("dev environment not available (set CI=true to make this a failure): " + t.getMessage(), t);
    }

    static boolean isCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    private static DevEnv bringUp() {
        Path root = repoRoot();
        Path script = root.resolve("dev/env");
        if (run(root, List.of(script.toString(), "status"), 2).exitCode != 0) {
            Result start = run(root, List.of(script.toString(), "start"), START_TIMEOUT_MINUTES * 60);
            if (start.exitCode != 0) {
                throw new IllegalStateException("dev/env start failed with exit code " + start.exitCode + ":\n" + tail(start.output));
            }
        }
        Result env = run(root, List.of(script.toString(), "env"), 60);
        if (env.exitCode != 0) {
            throw new IllegalStateException("dev/env env failed:\n" + tail(env.output));
        }
        return new DevEnv(root, DevEnv.parse(env.stdout));
    }

    /** The repository root: RBD_CLOUD_REPO_ROOT (set by the build), else the nearest parent holding dev/env. */
    static Path repoRoot() {
        String fromBuild = System.getenv("RBD_CLOUD_REPO_ROOT");
        if (fromBuild != null && Files.isExecutable(Path.of(fromBuild, "dev/env"))) {
            return Path.of(fromBuild).toAbsolutePath();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isExecutable(p.resolve("dev/env"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find dev/env above " + Path.of("").toAbsolutePath());
    }

    private record Result(int exitCode, String stdout, String output) {}

    private static Result run(Path dir, List<String> command, long timeoutSeconds) {
        try {
            Path log = Files.createTempFile("dev-env", ".log");
            try {
                Process p = new ProcessBuilder(command).directory(dir.toFile())
                        .redirectError(log.toFile()).start();
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                try (InputStream in = p.getInputStream()) {
                    in.transferTo(out);
                }
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
                }
                String stdout = out.toString(StandardCharsets.UTF_8);
                return new Result(p.exitValue(), stdout, stdout + Files.readString(log));
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }

    private static String tail(String s) {
        return s.length() <= 4000 ? s : "..." + s.substring(s.length() - 4000);
    }
}
