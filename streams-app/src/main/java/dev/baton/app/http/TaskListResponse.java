package dev.baton.app.http;

import dev.baton.sdk.protocol.Task;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Answer of {@code GET /v1/tasks}: tasks in id order and the cursor of the next page ({@code
 * after}), null when nothing follows. {@code next} is always present.
 */
public record TaskListResponse(List<Task> tasks, String next) {

  /**
   * One page from the pages of several nodes, each read with the same {@code after} and {@code
   * limit}: their tasks in id order, up to {@code limit}. A node's {@code next} says it has not
   * looked past that id, so the merged page stops there too (at the smallest such cursor) and hands
   * it on; the cursor is a task id and so works on any node.
   */
  static TaskListResponse merge(List<TaskListResponse> pages, int limit) {
    String bound = null;
    for (TaskListResponse page : pages) {
      if (page.next() != null && (bound == null || page.next().compareTo(bound) < 0)) {
        bound = page.next();
      }
    }
    Map<String, Task> byId = new LinkedHashMap<>();
    for (TaskListResponse page : pages) {
      for (Task task : page.tasks()) {
        if (bound == null || task.id().compareTo(bound) <= 0) {
          byId.putIfAbsent(task.id(), task);
        }
      }
    }
    List<Task> sorted = new ArrayList<>(byId.values());
    sorted.sort(Comparator.comparing(Task::id));
    if (sorted.size() > limit) {
      List<Task> page = List.copyOf(sorted.subList(0, limit));
      return new TaskListResponse(page, page.get(limit - 1).id());
    }
    return new TaskListResponse(List.copyOf(sorted), bound);
  }
}
