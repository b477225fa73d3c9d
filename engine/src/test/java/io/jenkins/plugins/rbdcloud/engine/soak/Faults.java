package io.jenkins.plugins.rbdcloud.engine.soak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The soak's faults by their real means, on its private environment only: SIGKILL to the pids its
 * own daemons and QEMU wrote under the data directory, {@code dev/ceph.sh stop-osd}, the dev/
 * scripts to bring the daemons back, and the {@code rbd-cloud} CLI as a second controller process
 * that can be killed. Never a process found by name.
 */
final class Faults {

    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(120);

    private final Path repo;
    private final Path devDir;
    private final Path config;

    Faults(Path repo, Path devDir, Path config) {
        this.repo = repo;
        this.devDir = devDir;
        this.config = config;
    }

    /** libvirtd SIGKILLed (its guests keep running), restarted after {@code down}. */
    void killLibvirtd(Duration down) throws IOException, InterruptedException {
        sigkill(pidFile(devDir.resolve("libvirt/run/libvirtd.pid")).orElseThrow(() -> new IOException("libvirtd is not running")));
        Thread.sleep(down.toMillis());
        script("dev/libvirt.sh", "start");
        awaitUp();
    }

    /** The OSD stopped (SIGTERM, as an admin would), started again after {@code down}. */
    void stopOsd(Duration down) throws IOException, InterruptedException {
        script("dev/ceph.sh", "stop-osd");
        Thread.sleep(down.toMillis());
        script("dev/ceph.sh", "start");
        awaitUp();
    }

    /** SIGKILL to the QEMU process of {@code domain}, once it runs (waits up to {@code within}); false if it never ran. */
    boolean killQemu(String domain, Duration within) throws InterruptedException {
        Path pidFile = devDir.resolve("libvirt/run/qemu").resolve(domain + ".pid");
        long end = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < end) {
            Optional<Long> pid = pidFile(pidFile);
            if (pid.isPresent() && sigkill(pid.get())) {
                return true;
            }
            Thread.sleep(200);
        }
        return false;
    }

    /**
     * {@code rbd-cloud --config FILE ARGS...} as its own process, output to {@code log}: the CLI's
     * main class on this JVM's class path (what ./rbd-cloud runs, without its rebuild check).
     */
    Process cli(Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "io.jenkins.plugins.rbdcloud.engine.cli.Main", "--config", config.toString()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(repo.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    /** SIGKILL to a CLI process started by {@link #cli}; false when it had already exited: nothing was interrupted. */
    static boolean kill(Process p) throws InterruptedException {
        if (!p.isAlive()) {
            return false;
        }
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
        return true;
    }

    /** Waits until {@code dev/env status} says every part is up. */
    void awaitUp() throws IOException, InterruptedException {
        long end = System.nanoTime() + SCRIPT_TIMEOUT.toNanos();
        while (script("dev/env", "status") != 0) {
            if (System.nanoTime() > end) {
                throw new IOException("dev/env status still not up after " + SCRIPT_TIMEOUT.toSeconds() + " s");
            }
            Thread.sleep(500);
        }
    }

    private static Optional<Long> pidFile(Path file) {
        try {
            return Optional.of(Long.parseLong(Files.readString(file).strip()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static boolean sigkill(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::destroyForcibly).orElse(false);
    }

    /** Runs a dev/ script with the soak's environment variables, bounded; its output goes to a file. */
    private int script(String... command) throws IOException, InterruptedException {
        Path log = devDir.resolve("soak-scripts.log");
        List<String> cmd = new ArrayList<>(List.of(command));
        cmd.set(0, repo.resolve(command[0]).toString());
        Process p = new ProcessBuilder(cmd).directory(repo.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!p.waitFor(SCRIPT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish in " + SCRIPT_TIMEOUT.toSeconds() + " s");
        }
        return p.exitValue();
    }
}
