package io.jenkins.plugins.rbdcloud.engine.cli;

import io.jenkins.plugins.rbdcloud.engine.agents.EngineOptions;
import io.jenkins.plugins.rbdcloud.engine.agents.RbdCloudEngine;
import io.jenkins.plugins.rbdcloud.engine.metrics.Sample;
import io.jenkins.plugins.rbdcloud.engine.util.Json;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code rbd-cloud metrics}: the engine's metrics in the Prometheus text format, from a one-shot
 * engine. Its gauges say what the cluster and hypervisors hold now (capacity in use, after adopting
 * this cloud's running agents; golden versions; flatten backlog); its counters only what this short
 * run did (a controller's counters are at its own metrics URL).
 */
final class MetricsCommand {

    static final String USAGE = """
            metrics                        capacity in use, golden versions, flatten backlog now, in the Prometheus text format""";

    private final CliSession s;

    MetricsCommand(CliSession s) {
        this.s = s;
    }

    ExitCode run(Args a) {
        a.rejectUnknown(Set.of("json"), Set.of("config"));
        List<Sample> samples;
        try (RbdCloudEngine engine = RbdCloudEngine.start(s.settings(), EngineOptions.defaults())) {
            engine.adopt(Instant.now()).join().failures().forEach(f -> s.err.println("rbd-cloud: warning: " + f));
            samples = engine.metrics().join();
        }
        if (s.json) {
            s.out.println(Json.write(samples.stream().map(MetricsCommand::json).toList()));
        } else {
            s.out.print(io.jenkins.plugins.rbdcloud.engine.metrics.PrometheusText.render(samples));
        }
        return ExitCode.OK;
    }

    private static Map<String, Object> json(Sample x) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", x.metric().key() + x.suffix());
        Map<String, Object> labels = new LinkedHashMap<>();
        for (int i = 0; i < x.labelValues().size(); i++) {
            labels.put(x.metric().labels().get(i).key(), x.labelValues().get(i));
        }
        m.put("labels", labels);
        m.put("value", x.value());
        return m;
    }
}
