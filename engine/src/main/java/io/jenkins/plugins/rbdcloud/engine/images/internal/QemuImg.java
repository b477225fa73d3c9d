package io.jenkins.plugins.rbdcloud.engine.images.internal;

import io.jenkins.plugins.rbdcloud.engine.images.GoldenImageException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code qemu-img} as the importer needs it: probe the format, check the file, convert to raw.
 * Paths are passed absolute (a leading {@code /} is never read as a {@code protocol:} prefix)
 * and as separate arguments, never through a shell.
 */
public final class QemuImg {

    /** What {@code qemu-img info} says about a file. */
    public record Info(String format, long virtualSize, String backingFile) {}

    private static final Pattern FORMAT = Pattern.compile("\"format\":\\s*\"([a-z0-9_-]+)\"");
    private static final Pattern VSIZE = Pattern.compile("\"virtual-size\":\\s*([0-9]+)");
    private static final Pattern BACKING = Pattern.compile("\"backing-filename\":\\s*\"([^\"]*)\"");
    private static final Pattern PROGRESS = Pattern.compile("\\((\\d+)\\.(\\d\\d)/100%\\)");

    private final String command;

    public QemuImg(String command) {
        this.command = command;
    }

    public Info info(Path file) {
        Result r = run(List.of(command, "info", "--output=json", file.toAbsolutePath().toString()), null);
        if (r.exit != 0) {
            throw new GoldenImageException("qemu-img cannot read " + file + ": " + r.lastLine());
        }
        Matcher f = FORMAT.matcher(r.out);
        Matcher v = VSIZE.matcher(r.out);
        if (!f.find() || !v.find()) {
            throw new GoldenImageException("qemu-img info gave no format or size for " + file);
        }
        Matcher b = BACKING.matcher(r.out);
        return new Info(f.group(1), Long.parseLong(v.group(1)), b.find() ? b.group(1) : null);
    }

    /**
     * Checks a non-raw file for corruption ({@code qemu-img check}); a truncated qcow2 converts
     * "successfully" into zeros otherwise. Leaked clusters are harmless; formats without a
     * check pass.
     */
    public void check(Path file, String format) {
        Result r = run(List.of(command, "check", "-f", format, file.toAbsolutePath().toString()), null);
        // 0 clean, 3 leaks only, 63 the format has no check; 1 and 2 are damage.
        if (r.exit != 0 && r.exit != 3 && r.exit != 63) {
            throw new GoldenImageException(file + " is a damaged " + format + " image (qemu-img check exit " + r.exit + "): "
                    + r.lastLine());
        }
    }

    /** Converts {@code source} to a raw file; {@code permille} follows qemu-img's progress. */
    public void convertToRaw(Path source, String format, Path raw, LongConsumer permille) {
        Result r = run(List.of(command, "convert", "-p", "-f", format, "-O", "raw", source.toAbsolutePath().toString(),
                raw.toAbsolutePath().toString()), permille);
        if (r.exit != 0) {
            throw new GoldenImageException("qemu-img cannot convert " + source + " (" + format + ") to raw: " + r.lastLine());
        }
    }

    private record Result(int exit, String out) {
        String lastLine() {
            String[] lines = out.strip().split("[\r\n]+");
            return lines.length == 0 ? "(no output)" : lines[lines.length - 1];
        }
    }

    private static Result run(List<String> cmd, LongConsumer permille) {
        try {
            Process p = new ProcessBuilder(new ArrayList<>(cmd)).redirectErrorStream(true).start();
            p.getOutputStream().close();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (InputStream in = p.getInputStream()) {
                byte[] buf = new byte[8192];
                for (int n; (n = in.read(buf)) > 0; ) {
                    out.write(buf, 0, n);
                    if (permille != null) {
                        Matcher m = PROGRESS.matcher(new String(buf, 0, n, StandardCharsets.US_ASCII));
                        while (m.find()) {
                            permille.accept(Long.parseLong(m.group(1)) * 10 + Long.parseLong(m.group(2)) / 10);
                        }
                    }
                }
            } finally {
                if (Thread.currentThread().isInterrupted()) {
                    p.destroyForcibly();
                }
            }
            return new Result(p.waitFor(), out.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new GoldenImageException("cannot run " + cmd.get(0) + " (Debian package qemu-utils): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GoldenImageException("interrupted while running " + cmd.get(0), e);
        }
    }
}
