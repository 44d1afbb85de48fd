package io.stampede.live.adapter.queue;

import io.stampede.live.application.LiveDashboard;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/** The depth of the QUEUED intake for the dashboard. */
@Component
class IntakeQueueDepth implements LiveDashboard.IntakeDepth {
    @Override
    public @Nullable Long depth() {
        return null;
    }
}
