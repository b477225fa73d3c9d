package io.jenkins.plugins.rbdcloud.engine.agents.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides about half-made agent disks: listed in the agents pool, but their header cannot be opened
 * (ENOENT), e.g. left by a clone cut short by a full pool or a dead OSD. They carry no tags, so
 * ownership cannot be read; what proves one removable, besides the agent name of one of this
 * cloud's templates (checked by the caller):
 * <ul>
 *   <li>our own pending undo made it: the failed launch of that very agent name, or</li>
 *   <li>it has been broken for longer than the grace: since this engine first saw it broken, or
 *       since its id object was written, whichever is earlier. A clone in progress is header-less
 *       for milliseconds, not minutes, and a disk nobody can open holds nothing anyone can use.</li>
 * </ul>
 * Remembers when each was first seen broken; forgets those no longer listed broken.
 */
public final class BrokenDisks {

    /** A listed disk whose header could not be opened; {@code createdAt} from its id object, if it has one. */
    public record Broken(String name, Optional<Instant> createdAt) {}

    /** What to do now: remove these; look again at {@code recheckAt} (when the next one passes the grace). */
    public record Decision(List<String> remove, Optional<Instant> recheckAt) {}

    private final Duration grace;
    private final Map<String, Instant> firstSeen = new HashMap<>();

    public BrokenDisks(Duration grace) {
        this.grace = grace;
    }

    public synchronized Decision decide(List<Broken> listed, Set<String> undoPending, Instant now) {
        Set<String> names = new HashSet<>();
        List<String> remove = new ArrayList<>();
        Instant recheck = null;
        for (Broken b : listed) {
            names.add(b.name());
            Instant seen = firstSeen.computeIfAbsent(b.name(), n -> now);
            Instant since = b.createdAt().filter(c -> c.isBefore(seen)).orElse(seen);
            Instant ripe = since.plus(grace);
            if (undoPending.contains(b.name()) || !now.isBefore(ripe)) {
                remove.add(b.name());
            } else if (recheck == null || ripe.isBefore(recheck)) {
                recheck = ripe;
            }
        }
        firstSeen.keySet().retainAll(names);
        return new Decision(remove, Optional.ofNullable(recheck));
    }
}
