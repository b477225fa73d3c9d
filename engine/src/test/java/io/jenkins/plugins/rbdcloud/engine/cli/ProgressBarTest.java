package io.jenkins.plugins.rbdcloud.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jenkins.plugins.rbdcloud.engine.images.ImportProgress;
import io.jenkins.plugins.rbdcloud.engine.replication.ReplicationProgress;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What `images import` and `images replicate` print in a CI log (not a terminal). */
class ProgressBarTest {

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    private ProgressBar bar(String label) {
        return new ProgressBar(new PrintStream(log, true, StandardCharsets.UTF_8), label, false);
    }

    private String lines() {
        return log.toString(StandardCharsets.UTF_8);
    }

    @Test
    void convertingAQcow2SaysPercentNotBytesThenTheWriteCountsBytes() {
        ImportProgress p = ImportProgress.reportingTo(bar("import acc-q")::update);
        p.progress(ImportProgress.Phase.CONVERT, 740, 1000);
        p.progress(ImportProgress.Phase.CONVERT, 1000, 1000);
        p.progress(ImportProgress.Phase.WRITE, 0, 1L << 30);
        p.progress(ImportProgress.Phase.WRITE, 1L << 29, 1L << 30);

        assertEquals("""
                import acc-q convert 74%
                import acc-q convert 100%
                import acc-q write 0% (0 B / 1.0 GiB)
                import acc-q write 50% (512.0 MiB / 1.0 GiB)
                """, lines());
    }

    @Test
    void replicationShowsOneBarPerVersionInBytes() {
        ReplicationProgress p = ReplicationProgress.reportingTo(bar("")::update);
        p.progress("debian@v1", 0, 4096, 0);
        p.progress("debian@v1", 4096, 4096, 5000);
        p.progress("debian@v2", 1024, 2048, 100);

        assertEquals("""
                debian@v1 0% (0 B / 4.0 KiB)
                debian@v1 100% (4.0 KiB / 4.0 KiB)
                debian@v2 50% (1.0 KiB / 2.0 KiB)
                """, lines());
    }
}
