package io.jenkins.plugins.rbdcloud.engine.agents.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WarmPoolTest {

    private static final Instant T0 = Instant.parse("2025-06-01T08:00:00Z");
    private final WarmPool pool = new WarmPool("debian", 3, Duration.ofHours(2));

    private static ReadyAgent agent(String name, String golden, Duration readyAfterT0) {
        return new ReadyAgent(name, golden, T0.plus(readyAfterT0));
    }

    @Test
    void takeHandsOutTheOldestFirst() {
        pool.offer(agent("debian-aaaaaa", "debian@v1", Duration.ZERO));
        pool.offer(agent("debian-bbbbbb", "debian@v1", Duration.ofMinutes(5)));
        assertEquals("debian-aaaaaa", pool.take().orElseThrow().name());
        assertEquals("debian-bbbbbb", pool.take().orElseThrow().name());
        assertEquals(Optional.empty(), pool.take());
    }

    @Test
    void shortfallCountsReadyAndStartingAgents() {
        assertEquals(3, pool.shortfall(0));
        pool.offer(agent("debian-aaaaaa", "debian@v1", Duration.ZERO));
        assertEquals(1, pool.shortfall(1));
        assertEquals(0, pool.shortfall(5));
    }

    @Test
    void agentsOlderThanMaxReadyAgeAreRecycled() {
        pool.offer(agent("debian-aaaaaa", "debian@v1", Duration.ZERO));
        pool.offer(agent("debian-bbbbbb", "debian@v1", Duration.ofMinutes(30)));

        WarmPool.Eviction early = pool.evictExpired(T0.plus(Duration.ofMinutes(119)), "debian@v1");
        assertEquals(List.of(), early.recycle());
        assertEquals(T0.plus(Duration.ofHours(2)), early.nextDue());

        WarmPool.Eviction due = pool.evictExpired(early.nextDue(), "debian@v1");
        assertEquals(List.of("debian-aaaaaa"), due.recycle().stream().map(ReadyAgent::name).toList());
        assertEquals(T0.plus(Duration.ofMinutes(150)), due.nextDue());
        assertEquals(1, pool.readyCount());
    }

    @Test
    void aNewGoldenVersionRecyclesEveryOlderAgentAtOnce() {
        pool.offer(agent("debian-aaaaaa", "debian@v1", Duration.ZERO));
        pool.offer(agent("debian-bbbbbb", "debian@v2", Duration.ZERO));
        WarmPool.Eviction e = pool.evictExpired(T0.plusSeconds(60), "debian@v2");
        assertEquals(List.of("debian-aaaaaa"), e.recycle().stream().map(ReadyAgent::name).toList());
        assertEquals("debian-bbbbbb", pool.take().orElseThrow().name());
    }

    @Test
    void emptyPoolIsCheckedAgainAfterOneMaxAge() {
        assertEquals(T0.plus(Duration.ofHours(2)), pool.evictExpired(T0, "debian@v1").nextDue());
    }

    @Test
    void removeDropsAnAgentThatWentAway() {
        pool.offer(agent("debian-aaaaaa", "debian@v1", Duration.ZERO));
        assertTrue(pool.remove("debian-aaaaaa"));
        assertFalse(pool.remove("debian-aaaaaa"));
        assertEquals(0, pool.readyCount());
    }
}
