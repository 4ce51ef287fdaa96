// Baton plugin for OpenCode, written by `baton agent setup opencode`.
// Before OpenCode edits a file (edit, write, and every path of apply_patch) it asks Baton to lock
// file/<path>; when Baton denies, or cannot be reached, it throws and the edit does not happen.
// Environment: BATON_SERVER (default below), BATON_AGENT, BATON_WORKSPACE, BATON_TOKEN (bearer
// token when Baton requires one).
const SERVER = process.env.BATON_SERVER || "@SERVER@";

/** The files a tool call would write, relative or absolute as the tool got them. */
export function editedPaths(tool, args) {
  if (!args || typeof args !== "object") return [];
  if (tool === "edit" || tool === "write") {
    return typeof args.filePath === "string" ? [args.filePath] : [];
  }
  if (tool === "apply_patch" || tool === "patch") {
    const text = [args.patchText, args.patch, args.input].find((v) => typeof v === "string");
    if (!text) return [];
    const markers = ["*** Add File:", "*** Update File:", "*** Delete File:", "*** Move to:"];
    const paths = [];
    for (const raw of text.split("\n")) {
      const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
      for (const m of markers) {
        if (line.startsWith(m)) {
          const p = line.slice(m.length).trim();
          if (p && !paths.includes(p)) paths.push(p);
        }
      }
    }
    return paths;
  }
  return [];
}

async function ask(body) {
  let response;
  try {
    response = await fetch(`${SERVER}/v1/hooks/opencode`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "X-Baton-Agent": process.env.BATON_AGENT || "",
        ...(process.env.BATON_TOKEN ? { Authorization: `Bearer ${process.env.BATON_TOKEN}` } : {}),
        "X-Baton-Workspace": process.env.BATON_WORKSPACE || "default",
      },
      body: JSON.stringify(body),
    });
  } catch (e) {
    throw new Error(`baton: cannot reach Baton at ${SERVER} (${e.message}); edit blocked`);
  }
  const text = await response.text();
  if (!response.ok) throw new Error(`baton: HTTP ${response.status}: ${text}; edit blocked`);
  return JSON.parse(text);
}

export const BatonPlugin = async ({ directory, worktree }) => ({
  "tool.execute.before": async (input, output) => {
    const paths = editedPaths(input.tool, output.args);
    if (paths.length === 0) return;
    const answer = await ask({
      event: "tool.execute.before",
      sessionID: input.sessionID,
      tool: input.tool,
      paths,
      directory,
      worktree,
    });
    if (answer.decision !== "allow") throw new Error(answer.reason || "baton: edit denied");
  },
  event: async ({ event }) => {
    if (event.type === "session.deleted" && event.properties?.info?.id) {
      await ask({ event: "session.deleted", sessionID: event.properties.info.id }).catch(() => {});
    }
  },
});
