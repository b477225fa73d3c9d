package io.jenkins.plugins.rbdcloud.engine.config;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A Java properties text with the line each key is on. {@link Properties} alone forgets lines and
 * silently keeps the last of two equal keys; an admin needs both to find a mistake.
 */
record PropertiesFile(Properties properties, Map<String, Integer> lines, List<String> problems) {

    static PropertiesFile parse(String name, String text) {
        Properties all = new Properties();
        Map<String, Integer> lines = new HashMap<>();
        List<String> problems = new ArrayList<>();
        String[] raw = text.split("\r\n|\r|\n", -1);
        for (int i = 0; i < raw.length; i++) {
            int first = i;
            String trimmed = raw[i].stripLeading();
            if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith("!")) {
                continue;
            }
            StringBuilder logical = new StringBuilder(raw[i]);
            // A line ending in an odd number of backslashes continues on the next one.
            while (endsInOddBackslashes(raw[i]) && i + 1 < raw.length) {
                logical.append('\n').append(raw[++i]);
            }
            Properties one;
            try {
                one = load(logical.toString());
            } catch (IllegalArgumentException e) {
                problems.add(name + ":" + (first + 1) + ": malformed \\uXXXX escape; write the character itself (UTF-8)");
                continue;
            }
            for (String key : one.stringPropertyNames()) {
                Integer earlier = lines.putIfAbsent(key, first + 1);
                if (earlier != null) {
                    problems.add(name + ":" + (first + 1) + ": " + key + " is already set on line " + earlier
                            + "; keep one of them");
                }
                all.setProperty(key, one.getProperty(key));
            }
        }
        return new PropertiesFile(all, lines, problems);
    }

    private static boolean endsInOddBackslashes(String line) {
        int n = 0;
        for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--) {
            n++;
        }
        return n % 2 == 1;
    }

    private static Properties load(String logicalLine) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(logicalLine));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringReader does not fail
        }
        return p;
    }
}
