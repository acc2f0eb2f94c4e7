package dev.promptopt.core.internal.engine;

import dev.promptopt.OptimizationEvent;
import dev.promptopt.OptimizationListener;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Delivers events to a run's listeners. */
public final class Listeners {
    private static final Logger log = LoggerFactory.getLogger(Listeners.class);

    private Listeners() {
    }

    public static void emit(List<OptimizationListener> listeners, OptimizationEvent event) {
        for (OptimizationListener l : listeners) {
            try {
                l.onEvent(event);
            } catch (RuntimeException e) {
                // A broken progress bar must not kill an optimization that may have cost real money.
                log.warn("listener {} failed on {}", l, event.getClass().getSimpleName(), e);
            }
        }
    }
}
