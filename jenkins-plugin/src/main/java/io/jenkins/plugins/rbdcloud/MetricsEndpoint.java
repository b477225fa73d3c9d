package io.jenkins.plugins.rbdcloud;

import io.jenkins.plugins.rbdcloud.engine.agents.RbdCloudEngine;
import io.jenkins.plugins.rbdcloud.engine.metrics.PrometheusText;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.kohsuke.stapler.HttpResponse;
import org.kohsuke.stapler.HttpResponses;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.StaplerResponse2;

/**
 * The answer of a cloud's metrics URL: the running engine's metrics as Prometheus text, or 503 with
 * why there are none (engine not running, catalog too slow). Where the Metrics plugin is installed,
 * {@link MetricsPluginBridge} puts the same figures in its registry.
 */
final class MetricsEndpoint {

    private static final Logger LOG = Logger.getLogger(MetricsEndpoint.class.getName());
    /** A scrape waits this long for the catalog's gauges, then gets a 503 instead of a hung request. */
    static final Duration WAIT = Duration.ofSeconds(10);

    private MetricsEndpoint() {
    }

    static HttpResponse of(String cloudName) {
        RbdCloudEngine engine = Engines.get().current(cloudName);
        if (engine == null) {
            return HttpResponses.errorWithoutStack(503, "rbd-cloud " + cloudName + ": the engine is not running, so it has no metrics");
        }
        String text;
        try {
            text = engine.metricsText().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return HttpResponses.errorWithoutStack(503, "rbd-cloud " + cloudName + ": the metrics took over " + WAIT.toSeconds() + " s");
        } catch (ExecutionException e) {
            LOG.log(Level.WARNING, "rbd-cloud " + cloudName + ": reading the metrics failed", e.getCause());
            return HttpResponses.errorWithoutStack(500, "rbd-cloud " + cloudName + ": reading the metrics failed: "
                    + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return HttpResponses.errorWithoutStack(503, "interrupted");
        }
        return text(text);
    }

    /** {@code text} as the exposition format's content type. */
    static HttpResponse text(String text) {
        return new HttpResponse() {
            @Override
            public void generateResponse(StaplerRequest2 req, StaplerResponse2 rsp, Object node) throws IOException {
                rsp.setContentType(PrometheusText.CONTENT_TYPE);
                rsp.getWriter().print(text);
            }
        };
    }
}
