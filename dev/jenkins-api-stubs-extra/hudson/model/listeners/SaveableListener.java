// Declaration-only stub of hudson.model.listeners.SaveableListener (Jenkins 2.555 public API), for
// the stub-kit compile check only; see ../../../README.md.
package hudson.model.listeners;

import hudson.ExtensionPoint;
import hudson.XmlFile;
import hudson.model.Saveable;

public abstract class SaveableListener implements ExtensionPoint {
    public void onChange(Saveable o, XmlFile file) { }
    public void onDeleted(Saveable o, XmlFile file) { }
}
