package dev.baton.app.http;

import dev.baton.sdk.protocol.Task;
import java.util.List;

/**
 * Answer of {@code GET /v1/tasks}: tasks in id order and the cursor of the next page ({@code
 * after}), null when nothing follows. {@code next} is always present.
 */
public record TaskListResponse(List<Task> tasks, String next) {}
