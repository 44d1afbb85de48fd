package io.stampede.live.adapter.queue;

import io.stampede.live.application.LiveDashboard;
import io.stampede.order.port.IntakeQueue;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/** The depth of the QUEUED intake for the dashboard: accepted order requests not yet written, where it is known. */
@Component
class IntakeQueueDepth implements LiveDashboard.IntakeDepth {
    private final ObjectProvider<IntakeQueue> queue;

    IntakeQueueDepth(ObjectProvider<IntakeQueue> queue) {
        this.queue = queue;
    }

    @Override
    public @Nullable Long depth() {
        IntakeQueue q = queue.getIfUnique();
        if (q == null) {
            return null;
        }
        OptionalLong depth = q.depth();
        return depth.isPresent() ? depth.getAsLong() : null;
    }
}
