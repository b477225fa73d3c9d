package io.jenkins.plugins.rbdcloud.engine.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders samples in the Prometheus text exposition format (version 0.0.4): one HELP and one TYPE
 * line per metric, then its series; label values and help text escaped as the format says.
 */
public final class PrometheusText {

    /** The HTTP content type of this format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private PrometheusText() {
    }

    public static String render(List<Sample> samples) {
        Map<Metric, StringBuilder> byMetric = new LinkedHashMap<>();
        for (Sample s : samples) {
            StringBuilder b = byMetric.computeIfAbsent(s.metric(), m -> new StringBuilder()
                    .append("# HELP ").append(m.key()).append(' ').append(escapeHelp(m.help())).append('\n')
                    .append("# TYPE ").append(m.key()).append(' ').append(m.type().text()).append('\n'));
            b.append(s.metric().key()).append(s.suffix());
            List<Label> labels = s.metric().labels();
            if (!labels.isEmpty()) {
                b.append('{');
                for (int i = 0; i < labels.size(); i++) {
                    b.append(i == 0 ? "" : ",").append(labels.get(i).key()).append("=\"")
                            .append(escapeLabelValue(s.labelValues().get(i))).append('"');
                }
                b.append('}');
            }
            b.append(' ').append(number(s.value())).append('\n');
        }
        StringBuilder out = new StringBuilder();
        byMetric.values().forEach(out::append);
        return out.toString();
    }

    /** Backslash, double quote and line feed, as the format requires in label values. */
    static String escapeLabelValue(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /** Backslash and line feed, as the format requires in HELP text. */
    static String escapeHelp(String v) {
        return v.replace("\\", "\\\\").replace("\n", "\\n");
    }

    private static String number(double v) {
        if (v == Math.rint(v) && !Double.isInfinite(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%s", v);
    }
}
