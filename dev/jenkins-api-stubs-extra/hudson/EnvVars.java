// Declaration-only stub of hudson.EnvVars (Jenkins 2.555 public API), for
// the stub-kit compile check only; see ../README.md.
package hudson;

import java.util.Map;
import java.util.TreeMap;

public class EnvVars extends TreeMap<String, String> {
    public EnvVars() { throw new UnsupportedOperationException(); }
    public EnvVars(Map<String, String> m) { throw new UnsupportedOperationException(); }
    public void override(String key, String value) { throw new UnsupportedOperationException(); }
    public String get(String key, String defaultValue) { throw new UnsupportedOperationException(); }
    public String expand(String s) { throw new UnsupportedOperationException(); }
}
