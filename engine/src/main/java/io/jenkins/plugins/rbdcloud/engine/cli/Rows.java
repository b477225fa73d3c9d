package io.jenkins.plugins.rbdcloud.engine.cli;

import io.jenkins.plugins.rbdcloud.engine.util.Bytes;
import io.jenkins.plugins.rbdcloud.engine.util.Json;
import java.util.List;
import java.util.Map;

/** Rows of a sub-command's answer: JSON with {@code --json}, else a table (byte columns made readable). */
final class Rows {

    private Rows() {
    }

    static void print(CliSession s, List<Map<String, Object>> rows, List<String> columns) {
        if (s.json) {
            s.out.println(Json.write(rows));
            return;
        }
        Table t = new Table(columns.stream().map(c -> c.replaceAll("([A-Z])", " $1").toUpperCase(java.util.Locale.ROOT)).toArray(String[]::new));
        for (Map<String, Object> r : rows) {
            t.row(columns.stream().map(c -> c.endsWith("Bytes") && r.get(c) instanceof Long l ? Bytes.human(l) : r.get(c)).toArray());
        }
        t.print(s.out);
    }
}
