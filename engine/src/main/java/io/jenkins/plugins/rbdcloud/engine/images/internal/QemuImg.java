package io.jenkins.plugins.rbdcloud.engine.images.internal;

import io.jenkins.plugins.rbdcloud.engine.images.GoldenImageException;
import io.jenkins.plugins.rbdcloud.engine.util.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code qemu-img} as the importer needs it: info, check, convert to raw. The format is always
 * given ({@code -f}, never probed). Paths are passed absolute (a leading {@code /} is never read
 * as a {@code protocol:} or {@code json:} name) and as separate arguments, never through a shell.
 * Every run is under {@link Limits}: the file is untrusted input, and a crafted one must not hang
 * or exhaust the controller.
 */
public final class QemuImg {

    /**
     * Resource limits of one qemu-img run: CPU time, address space and largest file it may write
     * (set with {@code prlimit}, util-linux), and wall-clock time (the process is killed).
     */
    public record Limits(long cpuSeconds, long addressSpaceBytes, long fileSizeBytes, Duration wallClock) {

        private static final long GiB = 1L << 30;
        private static final long MiB = 1L << 20;

        /** {@code info} and {@code check}: metadata only, they write nothing. */
        public static final Limits INSPECT = new Limits(30, GiB, 0, Duration.ofSeconds(120));

        /**
         * {@code convert}: CPU time and wall-clock grow with the size (1 s of CPU per 64 MiB is 5x
         * what zlib-compressed qcow2 needs here); the raw output never exceeds the virtual size.
         * Its I/O thread pool needs the larger address space.
         */
        public static Limits convert(long virtualSize) {
            long perSize = virtualSize / (64 * MiB);
            return new Limits(60 + perSize, 2 * GiB, virtualSize + MiB, Duration.ofSeconds(120 + 2 * perSize));
        }

        List<String> prlimit() {
            // SIGXCPU at the soft limit says why; the hard one a few seconds later cannot be caught.
            return List.of("prlimit", "--cpu=" + cpuSeconds + ":" + (cpuSeconds + 5), "--as=" + addressSpaceBytes, "--fsize=" + fileSizeBytes,
                    "--core=0", "--");
        }

        @Override
        public String toString() {
            return "CPU " + cpuSeconds + " s, address space " + addressSpaceBytes / MiB + " MiB, files "
                    + fileSizeBytes / MiB + " MiB, wall-clock " + wallClock.toSeconds() + " s";
        }
    }

    /** More than this on stdout or stderr is not qemu-img describing an image: the run is stopped. */
    static final int MAX_OUTPUT = 1 << 20;

    private static final Pattern PROGRESS = Pattern.compile("\\((\\d+)\\.(\\d\\d)/100%\\)");

    private final String command;
    private final Limits inspect;

    public QemuImg(String command) {
        this(command, Limits.INSPECT);
    }

    QemuImg(String command, Limits inspect) {
        this.command = command;
        this.inspect = inspect;
    }

    /** {@code qemu-img info --output=json -f FORMAT}, parsed by the engine's JSON reader. */
    public Map<String, Object> info(Path file, String format) {
        Result r = run(List.of("info", "--output=json", "-f", format, file.toAbsolutePath().toString()), inspect, null);
        if (r.exit != 0) {
            throw new GoldenImageException("qemu-img cannot read " + file + " as " + format + ": " + r.lastLine());
        }
        try {
            return Json.parseObject(r.out);
        } catch (Json.JsonException e) {
            throw new GoldenImageException("qemu-img info gave unreadable JSON for " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Checks a non-raw file for corruption ({@code qemu-img check}); a truncated qcow2 converts
     * "successfully" into zeros otherwise. Leaked clusters are harmless; formats without a
     * check pass.
     */
    public void check(Path file, String format) {
        Result r = run(List.of("check", "-f", format, file.toAbsolutePath().toString()), inspect, null);
        // 0 clean, 3 leaks only, 63 the format has no check; 1 and 2 are damage.
        if (r.exit != 0 && r.exit != 3 && r.exit != 63) {
            throw new GoldenImageException(file + " is a damaged " + format + " image (qemu-img check exit " + r.exit + "): "
                    + r.lastLine());
        }
    }

    /** Converts {@code source} to a raw file; {@code permille} follows qemu-img's progress. */
    public void convertToRaw(Path source, String format, long virtualSize, Path raw, LongConsumer permille) {
        Result r = run(List.of("convert", "-p", "-f", format, "-O", "raw", source.toAbsolutePath().toString(),
                raw.toAbsolutePath().toString()), Limits.convert(virtualSize), permille);
        if (r.exit != 0) {
            throw new GoldenImageException("qemu-img cannot convert " + source + " (" + format + ") to raw: " + r.lastLine());
        }
    }

    private record Result(int exit, String out, String err) {
        String lastLine() {
            String text = (err + "\n" + out).strip();
            String[] lines = text.split("[\r\n]+");
            return text.isEmpty() ? "(no output)" : lines[lines.length - 1];
        }
    }

    private Result run(List<String> args, Limits limits, LongConsumer permille) {
        List<String> cmd = new ArrayList<>(limits.prlimit());
        cmd.add(command);
        cmd.addAll(args);
        String what = "qemu-img " + args.get(0);
        AtomicBoolean killed = new AtomicBoolean();
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd);
            // glibc reserves 64 MiB of address space per thread arena; two are plenty for qemu-img.
            pb.environment().put("MALLOC_ARENA_MAX", "2");
            Process p = pb.start();
            p.getOutputStream().close();
            Thread.ofVirtual().name("qemu-img wall-clock").start(() -> killAfter(p, limits.wallClock(), killed));
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread errReader = Thread.ofVirtual().name("qemu-img stderr").start(() -> drain(p, p.getErrorStream(), err, null));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            drain(p, p.getInputStream(), out, permille);
            errReader.join();
            int exit = p.waitFor();
            if (killed.get()) {
                throw new GoldenImageException(what + " did not finish within " + limits.wallClock().toSeconds()
                        + " s and was stopped (limits: " + limits + ")");
            }
            if (out.size() > MAX_OUTPUT || err.size() > MAX_OUTPUT) {
                throw new GoldenImageException(what + " wrote more than " + MAX_OUTPUT + " bytes of output and was stopped");
            }
            if (exit > 128) {
                throw new GoldenImageException(what + " was stopped by " + signal(exit - 128) + " (limits: " + limits + ")");
            }
            return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new GoldenImageException("cannot run prlimit (util-linux) with " + command + " (qemu-utils): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GoldenImageException("interrupted while running " + what, e);
        }
    }

    private static void killAfter(Process p, Duration wallClock, AtomicBoolean killed) {
        try {
            if (!p.waitFor(wallClock.toMillis(), TimeUnit.MILLISECONDS)) {
                killed.set(true);
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
        }
    }

    /** Reads a stream up to just past {@link #MAX_OUTPUT} bytes; the process is killed past that. */
    private static void drain(Process p, InputStream stream, ByteArrayOutputStream into, LongConsumer permille) {
        try (InputStream in = stream) {
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) > 0; ) {
                into.write(buf, 0, n);
                if (into.size() > MAX_OUTPUT) {
                    p.destroyForcibly();
                    return;
                }
                if (permille != null) {
                    Matcher m = PROGRESS.matcher(new String(buf, 0, n, StandardCharsets.US_ASCII));
                    while (m.find()) {
                        permille.accept(Long.parseLong(m.group(1)) * 10 + Long.parseLong(m.group(2)) / 10);
                    }
                }
            }
        } catch (IOException e) {
            p.destroyForcibly(); // the exit status or the wall-clock flag says what happened
        } finally {
            if (Thread.currentThread().isInterrupted()) {
                p.destroyForcibly();
            }
        }
    }

    private static String signal(int n) {
        return switch (n) {
            case 24 -> "SIGXCPU: its CPU time limit";
            case 25 -> "SIGXFSZ: its file size limit";
            case 6 -> "SIGABRT (out of memory within its address-space limit, or an internal error)";
            case 9 -> "SIGKILL (its hard CPU time limit, or killed)";
            case 11 -> "SIGSEGV";
            default -> "signal " + n;
        };
    }
}
