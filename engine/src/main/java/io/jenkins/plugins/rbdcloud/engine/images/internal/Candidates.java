package io.jenkins.plugins.rbdcloud.engine.images.internal;

import io.jenkins.plugins.rbdcloud.engine.images.GoldenImageException;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenNames;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenVersion;
import io.jenkins.plugins.rbdcloud.engine.images.VersionState;
import io.jenkins.plugins.rbdcloud.engine.images.store.CatalogLock;
import io.jenkins.plugins.rbdcloud.engine.images.store.CatalogStore;
import io.jenkins.plugins.rbdcloud.engine.images.store.VersionMeta;
import io.jenkins.plugins.rbdcloud.engine.images.CandidateTest;
import io.jenkins.plugins.rbdcloud.engine.images.CandidateUnsettledException;
import java.util.Map;
import java.util.Optional;

/**
 * A candidate version's test boot and its outcome, under the promotion's catalog lock: accepted, it
 * becomes usable and current; rejected, it keeps its image and says why, and {@code current} never
 * moved. The lock is held throughout so nothing else touches the candidate meanwhile (an engine that
 * does not know the state would take it for a crashed promotion's leftover).
 */
public final class Candidates {

    private final CatalogStore store;

    public Candidates(CatalogStore store) {
        this.store = store;
    }

    /**
     * Runs {@code test} on candidate n and settles it, under {@code lock} (the promotion's): healthy, it
     * becomes {@code flattening} (still a clone of its agent disk) or {@code ready}, and current;
     * otherwise {@code rejected} with the reason, current untouched.
     */
    public GoldenVersion settle(String golden, int n, CandidateTest test, CatalogLock.Held lock) {
        GoldenVersion c = candidate(golden, n);
        Optional<String> unhealthy;
        try {
            unhealthy = test.boot(c);
        } catch (RuntimeException e) {
            unhealthy = Optional.of("test boot failed: " + e);
        }
        try {
            return unhealthy.isEmpty() ? accept(golden, n, lock) : reject(golden, n, unhealthy.get(), lock);
        } catch (RuntimeException e) {
            throw new CandidateUnsettledException(c.label() + " was made and tested (" + unhealthy.map(w -> "unhealthy: " + w)
                    .orElse("healthy") + ") but stays a candidate: " + e.getMessage(), e);
        }
    }

    private GoldenVersion accept(String golden, int n, CatalogLock.Held lock) {
        boolean clone = store.images().parent(GoldenNames.versionImage(golden, n)).isPresent();
        lock.check();
        store.step("accept-candidate");
        store.setState(golden, n, clone ? VersionState.FLATTENING : VersionState.READY);
        store.step("mark-current");
        lock.check();
        store.markCurrent(golden, n);
        return store.version(golden, n);
    }

    /** The reason and the state in one write. */
    private GoldenVersion reject(String golden, int n, String why, CatalogLock.Held lock) {
        lock.check();
        store.step("reject-candidate");
        store.images().metaSetAll(GoldenNames.versionImage(golden, n), Map.of(VersionMeta.REJECTED, VersionMeta.reason(why),
                VersionMeta.STATE, VersionState.REJECTED.metaValue()));
        return store.version(golden, n);
    }

    private GoldenVersion candidate(String golden, int n) {
        GoldenVersion v = store.findVersion(golden, n)
                .orElseThrow(() -> new GoldenImageException("golden image " + golden + " has no version v" + n));
        if (v.state() != VersionState.CANDIDATE) {
            throw new GoldenImageException("cannot test " + v.label() + ": it is " + v.state().metaValue() + ", not a candidate");
        }
        return v;
    }
}
