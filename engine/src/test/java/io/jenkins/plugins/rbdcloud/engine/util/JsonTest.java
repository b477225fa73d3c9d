package io.jenkins.plugins.rbdcloud.engine.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {

    @Test
    void parsesGuestAgentReply() {
        Map<String, Object> m = Json.parseObject("""
                {"return": {"exited": true, "exitcode": 3, "out-data": "aGVsbG8K", "signal": null,
                 "list": [1, -2.5e3, 0.25, "x"], "big": 123456789012345678901234567890}}""");
        @SuppressWarnings("unchecked")
        Map<String, Object> r = (Map<String, Object>) m.get("return");
        assertEquals(Boolean.TRUE, r.get("exited"));
        assertEquals(3L, r.get("exitcode"));
        assertEquals("aGVsbG8K", r.get("out-data"));
        assertTrue(r.containsKey("signal"));
        assertEquals(null, r.get("signal"));
        assertEquals(List.of(1L, -2500.0, 0.25, "x"), r.get("list"));
        assertEquals(new BigInteger("123456789012345678901234567890"), r.get("big"));
        assertEquals(Long.MIN_VALUE, Json.parse(Long.toString(Long.MIN_VALUE)));
    }

    @Test
    void hostileStringsRoundTrip() {
        List<String> hostile = List.of("", "\"", "\\", "\"}], \"x\": 1", "</script>", "]]>", "<a href='x'>&amp;",
                "\u0000", "nul\u0000inside", "\u0001\u001f\u007f", "\n\r\t\b\f", "\u2028\u2029", "snowman \u2603",
                "emoji \uD83D\uDE00", "lone high \uD800", "lone low \uDC00 end", "\uDC00\uD800", "x".repeat(100_000));
        for (String s : hostile) {
            String json = Json.write(s);
            assertEquals(s, Json.parse(json), json.length() > 200 ? "(long)" : json);
            for (char c : json.toCharArray()) {
                assertFalse(c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029' || Character.isSurrogate(c) && !s.contains("\uD83D"),
                        "raw control or lone surrogate in " + json);
            }
            // The same string as a map key, and nested
            Map<String, Object> m = new LinkedHashMap<>();
            m.put(s, List.of(s, Map.of("k", s)));
            assertEquals(m, Json.parse(Json.write(m)));
        }
    }

    @Test
    void writesAllValueKinds() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "a\"b");
        m.put("i", 7);
        m.put("l", -8L);
        m.put("d", 1.5);
        m.put("b", false);
        m.put("n", null);
        m.put("a", new Object[] {1, "two"});
        m.put("e", List.of());
        m.put("o", Map.of());
        assertEquals("{\"s\":\"a\\\"b\",\"i\":7,\"l\":-8,\"d\":1.5,\"b\":false,\"n\":null,\"a\":[1,\"two\"],\"e\":[],\"o\":{}}",
                Json.write(m));
        assertEquals(1.0e10, Json.parse(Json.write(1.0e10)));
    }

    @Test
    void refusesValuesWithoutJsonForm() {
        assertThrows(Json.JsonException.class, () -> Json.write(Double.NaN));
        assertThrows(Json.JsonException.class, () -> Json.write(Double.POSITIVE_INFINITY));
        assertThrows(Json.JsonException.class, () -> Json.write(Map.of(1, "x")));
        assertThrows(Json.JsonException.class, () -> Json.write(new Object()));
        List<Object> cycle = new ArrayList<>();
        cycle.add(cycle);
        assertThrows(Json.JsonException.class, () -> Json.write(cycle));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "{", "}", "[1,]", "[,1]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "'x'", "\"abc",
            "\"\\x\"", "\"\\u12\"", "\"\\u12g4\"", "\"tab\tinside\"", "\"nl\ninside\"", "01", "-", "1.", ".5", "1e", "+1",
            "NaN", "Infinity", "tru", "nul", "[1] 2", "{\"a\":1}{}", "{\"a\":1,\"a\":2}", "1e999", "\u0000", "[\u0000]"})
    void rejectsMalformed(String text) {
        Json.JsonException e = assertThrows(Json.JsonException.class, () -> Json.parse(text));
        assertTrue(e.getMessage().matches("(?s).* at offset \\d+|.*"), e.getMessage());
        // messages never echo the input (it may hold secrets)
        assertFalse(text.length() > 3 && e.getMessage().contains(text), e.getMessage());
    }

    @Test
    void boundsNestingAndNumberLength() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        assertThrows(Json.JsonException.class, () -> Json.parse(deep));
        String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        Json.parse(ok);
        assertThrows(Json.JsonException.class, () -> Json.parse("1".repeat(100_000)));
        assertThrows(Json.JsonException.class, () -> Json.parse(null));
    }

    @Test
    void parsedContainersAreUnmodifiable() {
        Map<String, Object> m = Json.parseObject("{\"a\":[1]}");
        assertThrows(UnsupportedOperationException.class, () -> m.put("b", 1));
        assertThrows(UnsupportedOperationException.class, () -> ((List<?>) m.get("a")).clear());
        assertThrows(Json.JsonException.class, () -> Json.parseObject("[]"));
        assertEquals(Arrays.asList(1L, null), Json.parse(" [ 1 , null ] "));
    }
}
