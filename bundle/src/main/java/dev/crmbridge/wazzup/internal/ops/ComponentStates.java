package dev.crmbridge.wazzup.internal.ops;

import java.util.stream.Collectors;
import org.osgi.framework.Bundle;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/** What SCR says of the connector's component when it does not run (loaded only where the DS runtime API is). */
final class ComponentStates {

    private ComponentStates() {
    }

    /** Why the component does not run although configured, in words; null when it has no configuration. */
    static String whyNotRunning(Object runtime, Bundle bundle, String name) {
        ServiceComponentRuntime scr = (ServiceComponentRuntime) runtime;
        ComponentDescriptionDTO d = scr.getComponentDescriptionDTO(bundle, name);
        if (d == null) {
            return null;
        }
        if (!scr.isComponentEnabled(d)) {
            return "the component " + name + " is disabled (scr:enable " + name + ")";
        }
        for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
            switch (c.state) {
                case ComponentConfigurationDTO.UNSATISFIED_REFERENCE:
                    return "it waits for " + java.util.Arrays.stream(c.unsatisfiedReferences)
                            .map(r -> r.name + (r.target == null ? "" : " " + r.target)).collect(Collectors.joining(", "));
                case ComponentConfigurationDTO.FAILED_ACTIVATION:
                    return "its activation failed: " + rootCause(c.failure);
                case ComponentConfigurationDTO.SATISFIED:
                case ComponentConfigurationDTO.ACTIVE:
                    return "it is starting";
                default:
                    break; // UNSATISFIED_CONFIGURATION: no configuration
            }
        }
        return null;
    }

    /**
     * The failure's root cause (the last "Caused by:" of SCR's stack trace, else its first line: an exception and
     * its message, in which the connector puts no secret), bounded.
     */
    static String rootCause(String failure) {
        if (failure == null || failure.isBlank()) {
            return "see the log";
        }
        String line = failure.lines().filter(l -> l.trim().startsWith("Caused by: ")).reduce((a, b) -> b)
                .map(l -> l.trim().substring("Caused by: ".length())).orElse(failure.lines().findFirst().orElse("").trim());
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }
}
