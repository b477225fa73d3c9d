package io.jenkins.plugins.rbdcloud;

import hudson.model.ModelObject;
import io.jenkins.plugins.rbdcloud.engine.agents.CatalogEntry;
import io.jenkins.plugins.rbdcloud.engine.agents.RbdCloudEngine;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenNames;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.Jenkins;
import org.kohsuke.stapler.HttpResponse;
import org.kohsuke.stapler.HttpResponses;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * The cloud's golden image page ({@code cloud/<name>/images/}): each golden image with its
 * versions (state, current, creator, size, clones) and, for administrators, rollback and prune
 * buttons. Promotion is not offered here: it happens through snapshot-on-success.
 */
public final class GoldenImagesPage implements ModelObject {

    private static final Logger LOG = Logger.getLogger(GoldenImagesPage.class.getName());

    /** How long the page waits for the catalog: a slow Ceph shows an error line, never a hung page. */
    static final Duration LIST_WAIT = Duration.ofSeconds(5);
    /** How long a button waits for the engine before telling the user to reload later. */
    static final Duration ACTION_WAIT = Duration.ofSeconds(30);

    /** The last button's outcome per cloud, shown to every administrator; in memory only. */
    private static final Map<String, Outcome> LAST_OUTCOME = new ConcurrentHashMap<>();

    /** What a button did (or why not), and when. */
    public record Outcome(Instant at, String text, boolean failed) {
        public When when() {
            return When.of(at, Instant.now());
        }
    }

    /** What the page lists: the golden images, or why it cannot. */
    public record Listing(List<GoldenImageRow> images, String error) {
    }

    private final RbdCloud cloud;

    GoldenImagesPage(RbdCloud cloud) {
        this.cloud = Objects.requireNonNull(cloud);
    }

    public RbdCloud getCloud() {
        return cloud;
    }

    @Override
    public String getDisplayName() {
        return "Golden images";
    }

    /** For the view. Never fails and waits at most {@link #LIST_WAIT}. */
    public Listing listing() {
        RbdCloudEngine engine = Engines.get().current(cloud.name); // a GET starts nothing and reads no credentials
        if (engine == null) {
            return new Listing(List.of(), "Cannot list golden images: " + notRunning());
        }
        try {
            List<CatalogEntry> entries = engine.images().list().get(LIST_WAIT.toSeconds(), TimeUnit.SECONDS);
            Instant now = Instant.now();
            return new Listing(entries.stream().map(e -> GoldenImageRow.of(e, now)).toList(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Listing(List.of(), "Interrupted while listing golden images.");
        } catch (TimeoutException e) {
            return new Listing(List.of(), "Ceph did not list the golden images within " + LIST_WAIT.toSeconds()
                    + " s; reload the page to try again.");
        } catch (ExecutionException | RuntimeException e) {
            LOG.log(Level.FINE, "rbd-cloud " + cloud.name + ": cannot list golden images", e);
            return new Listing(List.of(), "Cannot list golden images: " + message(e));
        }
    }

    /** The last button's outcome on this cloud, or null. */
    public Outcome lastOutcome() {
        return LAST_OUTCOME.get(cloud.name);
    }

    /** Makes version {@code version} of {@code golden} current again. ADMINISTER only. */
    @POST
    public HttpResponse doRollback(@QueryParameter String golden, @QueryParameter String version) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        String name = goldenName(golden);
        int n = number("version", version, 1);
        return run("roll " + name + " back to v" + n, e -> e.images().rollback(name, n),
                v -> v.label() + " is the current version");
    }

    /** Keeps the newest {@code keep} versions (plus the current, flattening and pinned ones). ADMINISTER only. */
    @POST
    public HttpResponse doPrune(@QueryParameter String golden, @QueryParameter String keep) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        String name = goldenName(golden);
        int k = number("keep", keep, 0);
        return run("prune " + name, e -> e.images().prune(name, k),
                r -> "Pruned " + name + ": removed " + versions(r.removed()) + "; retired (still has clones) "
                        + versions(r.retired()) + "; kept " + r.kept().entrySet().stream()
                        .map(kept -> "v" + kept.getKey() + " (" + kept.getValue() + ")").toList());
    }

    /** Calls the engine, records what happened for the page and goes back to it. */
    private <T> HttpResponse run(String what, Function<RbdCloudEngine, CompletableFuture<T>> call, Function<T, String> done) {
        RbdCloudEngine engine = cloud.getEngine();
        if (engine == null) {
            return back(new Outcome(Instant.now(), "Cannot " + what + ": " + notRunning(), true));
        }
        try {
            String text = done.apply(call.apply(engine).get(ACTION_WAIT.toSeconds(), TimeUnit.SECONDS));
            LOG.info(() -> "rbd-cloud " + cloud.name + ": " + text);
            return back(new Outcome(Instant.now(), text, false));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return back(new Outcome(Instant.now(), "Interrupted while waiting to " + what, true));
        } catch (TimeoutException e) {
            return back(new Outcome(Instant.now(), "Still working to " + what + " after " + ACTION_WAIT.toSeconds()
                    + " s; reload the page later to see the result", true));
        } catch (ExecutionException | RuntimeException e) {
            LOG.log(Level.INFO, "rbd-cloud " + cloud.name + ": cannot " + what, e);
            return back(new Outcome(Instant.now(), "Cannot " + what + ": " + message(e), true));
        }
    }

    private HttpResponse back(Outcome outcome) {
        LAST_OUTCOME.put(cloud.name, outcome);
        return HttpResponses.redirectToDot();
    }

    private String notRunning() {
        String why = cloud.getEngineError();
        return "the engine is not running" + (why == null ? " yet; reload the page in a moment." : ": " + why);
    }

    /** The engine's own message (its messages hold no secret), not the wrapper's. */
    private static String message(Throwable e) {
        Throwable t = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return Objects.toString(t.getMessage(), t.getClass().getSimpleName());
    }

    private static String versions(List<Integer> numbers) {
        return numbers.isEmpty() ? "none" : String.join(", ", numbers.stream().map(n -> "v" + n).toList());
    }

    /** The golden image name from the request, checked by the engine's rule; 400 with its message otherwise. */
    private static String goldenName(String golden) {
        if (golden == null || golden.isBlank()) {
            throw HttpResponses.errorWithoutStack(400, "golden: a golden image name is required");
        }
        try {
            return GoldenNames.check(golden.trim());
        } catch (IllegalArgumentException e) {
            throw HttpResponses.errorWithoutStack(400, e.getMessage());
        }
    }

    private static int number(String field, String value, int min) {
        Integer n = FormChecks.parseInt(value);
        if (n == null || n < min) {
            throw HttpResponses.errorWithoutStack(400, field + " must be a whole number of at least " + min);
        }
        return n;
    }
}
