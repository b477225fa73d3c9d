package io.jenkins.plugins.rbdcloud.engine.agents;

import io.jenkins.plugins.rbdcloud.engine.agents.internal.EngineContext;
import io.jenkins.plugins.rbdcloud.engine.agents.policy.TemplatePins;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenImage;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenVersion;
import io.jenkins.plugins.rbdcloud.engine.images.PruneResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The golden image catalog as an administrator sees it from the cloud: list, roll back, prune.
 * Every call runs on the engine's executor. Promotion stays with agents ({@code complete}).
 */
public final class ImageCatalog {

    private final EngineContext ctx;

    ImageCatalog(EngineContext ctx) {
        this.ctx = ctx;
    }

    /** Every golden image of the images pool with its versions and clone counts, by name. */
    public CompletableFuture<List<CatalogEntry>> list() {
        return async(() -> {
            List<CatalogEntry> out = new ArrayList<>();
            for (String name : ctx.catalog().list()) {
                GoldenImage image = ctx.catalog().show(name);
                image.current().ifPresent(v -> ctx.goldens().seen(name, v.label(), ctx.now()));
                Map<Integer, Integer> clones = new TreeMap<>();
                for (GoldenVersion v : image.versions()) {
                    clones.put(v.version(), cloneCount(v));
                }
                out.add(new CatalogEntry(image, clones));
            }
            return List.copyOf(out);
        });
    }

    private int cloneCount(GoldenVersion v) {
        try {
            return ctx.catalog().children(v).size();
        } catch (RuntimeException e) {
            return -1; // one unreadable version must not hide the page
        }
    }

    /** Makes an older (or newer) usable version current again; warm agents of the old one are recycled on the next tick. */
    public CompletableFuture<GoldenVersion> rollback(String golden, int version) {
        return async(() -> {
            GoldenVersion v = ctx.catalog().rollback(golden, version);
            ctx.goldens().seen(golden, v.label(), ctx.now());
            return v;
        });
    }

    /**
     * Keeps the newest {@code keep} versions, the current one and those this cloud's templates or
     * the catalog pin; versions with clones are retired, not removed.
     */
    public CompletableFuture<PruneResult> prune(String golden, int keep) {
        return async(() -> {
            TemplatePins pins = new TemplatePins(ctx.settings().templates());
            pins.unreadable(golden).ifPresent(why -> {
                throw new IllegalStateException("not pruning " + golden + ": " + why + ", which is not a version");
            });
            return ctx.catalog().prune(golden, keep, pins.of(golden));
        });
    }

    private <T> CompletableFuture<T> async(Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, ctx.executor());
    }
}
