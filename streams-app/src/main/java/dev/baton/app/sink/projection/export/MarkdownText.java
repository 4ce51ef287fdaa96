package dev.baton.app.sink.projection.export;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Escapes agent-written text for Markdown so that it is shown, never interpreted: no agent can open
 * a heading, list, quote, code span or block, link, table or raw HTML in a document Baton writes.
 * Characters that mean something inline ({@code \ ` * _ [ ] | ~ #}) are backslash-escaped, {@code <
 * > &} become HTML entities, and a character that means something only at the start of a line
 * ({@code - + =}, {@code 1.}) is escaped there. Control characters are dropped.
 *
 * <p>What the agent wrote is kept otherwise: leading spaces of a line become {@code &nbsp;} (so
 * they show, and four of them never start a code block), and the Unicode line and paragraph
 * separators (U+2028, U+2029) stay in the text; only spaces and tabs are trimmed from line ends.
 */
public final class MarkdownText {
  private static final Pattern ORDERED_ITEM = Pattern.compile("^(\\d{1,9})([.)])");

  private MarkdownText() {}

  /** One line of text (headings, list values): line breaks become spaces. */
  public static String inline(String text) {
    if (text == null) {
      return "";
    }
    return line(trim(text.replace("\r\n", " ").replace('\r', ' ').replace('\n', ' ')));
  }

  /**
   * A block of text: each line escaped, line breaks kept as hard breaks, runs of blank lines kept
   * as one paragraph break.
   */
  public static String block(String text) {
    if (text == null || trim(text.replace('\n', ' ').replace('\r', ' ')).isEmpty()) {
      return "";
    }
    String[] lines = text.replace("\r\n", "\n").replace('\r', '\n').split("\n", -1);
    List<List<String>> paragraphs = new ArrayList<>();
    List<String> current = new ArrayList<>();
    for (String raw : lines) {
      String l = trimEnd(raw);
      int indent = 0;
      StringBuilder lead = new StringBuilder();
      while (indent < l.length() && (l.charAt(indent) == ' ' || l.charAt(indent) == '\t')) {
        lead.append(l.charAt(indent) == '\t' ? "&nbsp;&nbsp;&nbsp;&nbsp;" : "&nbsp;");
        indent++;
      }
      if (indent == l.length()) {
        if (!current.isEmpty()) {
          paragraphs.add(current);
          current = new ArrayList<>();
        }
      } else {
        current.add(lead + line(l.substring(indent)));
      }
    }
    if (!current.isEmpty()) {
      paragraphs.add(current);
    }
    StringBuilder out = new StringBuilder();
    for (List<String> p : paragraphs) {
      if (out.length() > 0) {
        out.append("\n\n");
      }
      out.append(String.join("\\\n", p));
    }
    return out.toString();
  }

  /** Without spaces and tabs at either end (not {@link String#strip}: it drops U+2028 too). */
  private static String trim(String s) {
    int from = 0;
    while (from < s.length() && (s.charAt(from) == ' ' || s.charAt(from) == '\t')) {
      from++;
    }
    return trimEnd(s.substring(from));
  }

  private static String trimEnd(String s) {
    int to = s.length();
    while (to > 0 && (s.charAt(to - 1) == ' ' || s.charAt(to - 1) == '\t')) {
      to--;
    }
    return s.substring(0, to);
  }

  private static String line(String l) {
    StringBuilder out = new StringBuilder(l.length() + 16);
    for (int i = 0; i < l.length(); i++) {
      char c = l.charAt(i);
      switch (c) {
        case '\\', '`', '*', '_', '[', ']', '|', '~', '#' -> out.append('\\').append(c);
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '\t' -> out.append(' ');
        default -> {
          if (!Character.isISOControl(c)) {
            out.append(c);
          }
        }
      }
    }
    String escaped = trim(out.toString());
    if (escaped.isEmpty()) {
      return escaped;
    }
    char first = escaped.charAt(0);
    if (first == '-' || first == '+' || first == '=') {
      return "\\" + escaped;
    }
    var m = ORDERED_ITEM.matcher(escaped);
    if (m.find()) {
      return m.group(1) + "\\" + m.group(2) + escaped.substring(m.end());
    }
    return escaped;
  }
}
