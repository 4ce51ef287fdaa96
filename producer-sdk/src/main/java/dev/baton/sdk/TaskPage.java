package dev.baton.sdk;

import dev.baton.sdk.protocol.Task;
import java.util.List;

/**
 * One page of {@link TaskOperations#list(TaskQuery)}.
 *
 * @param tasks the tasks, in id order
 * @param next the cursor of the next page ({@link TaskQuery#after(String)}); null when nothing
 *     follows
 */
public record TaskPage(List<Task> tasks, String next) {}
