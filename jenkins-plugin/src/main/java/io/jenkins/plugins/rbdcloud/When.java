package io.jenkins.plugins.rbdcloud;

import hudson.Util;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * A moment as Jenkins pages show one: relative ("3 min 2 sec ago") with the exact local time,
 * to the second, for the tooltip.
 */
public record When(String ago, String exact) {

    private static final DateTimeFormatter EXACT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z");

    static When of(Instant at, Instant now) {
        if (at == null || at.equals(Instant.EPOCH)) {
            return new When("unknown", "");
        }
        Duration d = Duration.between(at, now);
        String ago = d.isNegative() ? "in " + Util.getTimeSpanString(-d.toMillis()) : Util.getTimeSpanString(d.toMillis()) + " ago";
        return new When(ago, EXACT.format(at.truncatedTo(ChronoUnit.SECONDS).atZone(ZoneId.systemDefault())));
    }
}
