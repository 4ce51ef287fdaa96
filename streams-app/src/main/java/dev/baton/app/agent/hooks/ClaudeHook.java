package dev.baton.app.agent.hooks;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What Claude Code (and Codex, which sends the same shape) asks of a hook: the event, the session,
 * the directory, the tool and the files the tool would write.
 *
 * <p>Files: {@code tool_input.file_path} ({@code Edit}, {@code MultiEdit}, {@code Write}), {@code
 * tool_input.notebook_path} ({@code NotebookEdit}), and for {@code apply_patch} the paths named in
 * the patch ({@code tool_input.command}, {@code .patch} or {@code .input}, a string or an array of
 * strings).
 */
record ClaudeHook(String event, String sessionId, String cwd, String tool, List<String> paths) {
  static final String PRE_TOOL_USE = "PreToolUse";
  static final String SESSION_START = "SessionStart";
  static final String SESSION_END = "SessionEnd";

  /** The tools that write files, and so take a lock first. */
  static final Set<String> EDIT_TOOLS =
      Set.of("Edit", "MultiEdit", "Write", "NotebookEdit", "apply_patch");

  static ClaudeHook parse(JsonNode body) {
    HookRequest request = new HookRequest(body);
    String event = request.required("hook_event_name");
    String session = request.string("session_id");
    String cwd = request.string("cwd");
    String tool = request.string("tool_name");
    List<String> paths = List.of();
    if (PRE_TOOL_USE.equals(event) && tool != null && EDIT_TOOLS.contains(tool)) {
      JsonNode input = request.object("tool_input");
      if (input == null) {
        throw new HookRejection("field 'tool_input' is required for " + tool);
      }
      paths = paths(tool, input);
    }
    return new ClaudeHook(event, session, cwd, tool, paths);
  }

  boolean isEdit() {
    return PRE_TOOL_USE.equals(event) && tool != null && EDIT_TOOLS.contains(tool);
  }

  private static List<String> paths(String tool, JsonNode input) {
    if ("apply_patch".equals(tool)) {
      List<String> found = new ArrayList<>();
      for (String field : List.of("command", "patch", "input")) {
        JsonNode v = input.get(field);
        if (v != null && v.isTextual()) {
          found.addAll(PatchPaths.of(v.asText()));
        } else if (v != null && v.isArray()) {
          for (JsonNode item : v) {
            if (item.isTextual()) {
              found.addAll(PatchPaths.of(item.asText()));
            }
          }
        }
      }
      if (found.isEmpty()) {
        throw new HookRejection("tool_input of apply_patch names no file (*** Update File: ...)");
      }
      return found;
    }
    String field = "NotebookEdit".equals(tool) ? "notebook_path" : "file_path";
    String path = HookRequest.string(input, field, "tool_input." + field);
    if (path == null) {
      throw new HookRejection("field 'tool_input." + field + "' is required for " + tool);
    }
    return List.of(path);
  }
}
