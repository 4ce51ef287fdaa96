package dev.baton.app.agent.hooks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The file locks this node's hook endpoints granted, per agent session, so that a session's end can
 * release exactly those. Kept in memory: after a restart (or for a session whose end never comes)
 * the leases run out on their own. At most {@value #MAX_SESSIONS} sessions are remembered; the
 * oldest is forgotten first (its leases still run out).
 */
final class HookSessions {
  static final int MAX_SESSIONS = 10_000;

  /** One granted lock. */
  record Held(String agent, String workspace, String resource) {}

  private final Map<String, Set<Held>> sessions =
      new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Set<Held>> eldest) {
          return size() > MAX_SESSIONS;
        }
      };

  synchronized void add(String session, Held held) {
    sessions.computeIfAbsent(session, s -> new LinkedHashSet<>()).add(held);
  }

  /** Forgets the session and returns what it held. */
  synchronized List<Held> end(String session) {
    Set<Held> held = sessions.remove(session);
    return held == null ? List.of() : new ArrayList<>(held);
  }
}
