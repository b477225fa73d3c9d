package io.jenkins.plugins.rbdcloud.engine.ceph;

import io.jenkins.plugins.rbdcloud.engine.util.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the monitors' JSON replies about the OSD map; anything not shaped as expected is refused, naming the field. */
final class OsdMapReplies {

    /** {@code pg_pool_t::FLAG_FULL}: set for a full pool, whichever the reason. */
    static final long FLAG_FULL = 1L << 1;
    /** {@code pg_pool_t::FLAG_FULL_QUOTA}: set (with FLAG_FULL) when the pool reached its quota. */
    static final long FLAG_FULL_QUOTA = 1L << 10;

    private OsdMapReplies() {}

    /** {@code osd pool ls detail} in JSON: pool name → its full flags. */
    static Map<String, PoolCondition> poolConditions(String reply) {
        if (!(Json.parse(reply) instanceof List<?> pools)) {
            throw refused("osd pool ls detail", "not a JSON list");
        }
        Map<String, PoolCondition> out = new LinkedHashMap<>();
        for (Object p : pools) {
            if (!(p instanceof Map<?, ?> pool) || !(pool.get("pool_name") instanceof String name)
                    || !(pool.get("flags") instanceof Long flags)) {
                throw refused("osd pool ls detail", "an entry without a pool_name string and a flags number");
            }
            boolean quota = (flags & FLAG_FULL_QUOTA) != 0;
            out.put(name, new PoolCondition(name, quota, !quota && (flags & FLAG_FULL) != 0));
        }
        return out;
    }

    /** {@code osd map POOL OBJECT} in JSON: whether its placement group has an acting primary. */
    static boolean served(String reply) {
        if (!(Json.parseObject(reply).get("acting_primary") instanceof Long primary)) {
            throw refused("osd map", "no acting_primary number");
        }
        return primary >= 0;
    }

    private static RbdException refused(String command, String why) {
        return new RbdException("mon command " + command + ": unexpected reply: " + why, 0, null);
    }
}
