package io.jenkins.plugins.rbdcloud.engine.config;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as admins write them in the config file: {@code 90s}, {@code 5m}, {@code 2h}, {@code 1d}. */
public final class Durations {

    private static final Pattern FORMAT = Pattern.compile("([0-9]{1,9})([smhd])");

    private Durations() {
    }

    /** Parses {@code <number><s|m|h|d>}; empty when the text is not in that form. */
    public static Optional<Duration> parse(String text) {
        Matcher m = FORMAT.matcher(text.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        long n = Long.parseLong(m.group(1));
        return Optional.of(switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        });
    }

    /** Formats in the largest unit that is exact, so {@code parse(format(d))} gives {@code d} back. */
    public static String format(Duration d) {
        long s = d.toSeconds();
        if (s != 0 && s % 86_400 == 0) {
            return s / 86_400 + "d";
        }
        if (s != 0 && s % 3_600 == 0) {
            return s / 3_600 + "h";
        }
        if (s != 0 && s % 60 == 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }
}
