package io.jenkins.plugins.rbdcloud.engine.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The complete example of docs/config.md, so the documentation cannot drift from what the loader accepts. */
final class DocsExample {

    private DocsExample() {
    }

    static String properties() {
        Path doc = Path.of("../docs/config.md");
        try {
            String text = Files.readString(doc);
            int start = text.indexOf("```properties\n") + "```properties\n".length();
            return text.substring(start, text.indexOf("```", start));
        } catch (IOException e) {
            throw new UncheckedIOException("run from the engine module directory", e);
        }
    }
}
