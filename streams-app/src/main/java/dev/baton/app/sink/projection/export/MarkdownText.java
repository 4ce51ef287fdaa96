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
 */
public final class MarkdownText {
  private static final Pattern ORDERED_ITEM = Pattern.compile("^(\\d{1,9})([.)])");

  private MarkdownText() {}

  /** One line of text (headings, list values): line breaks become spaces. */
  public static String inline(String text) {
    if (text == null) {
      return "";
    }
    return line(text.replace("\r\n", " ").replace('\r', ' ').replace('\n', ' ').strip());
  }

  /**
   * A block of text: each line escaped, line breaks kept as hard breaks, runs of blank lines kept
   * as one paragraph break.
   */
  public static String block(String text) {
    if (text == null || text.isBlank()) {
      return "";
    }
    String[] lines = text.replace("\r\n", "\n").replace('\r', '\n').split("\n", -1);
    List<List<String>> paragraphs = new ArrayList<>();
    List<String> current = new ArrayList<>();
    for (String raw : lines) {
      String l = raw.strip();
      if (l.isEmpty()) {
        if (!current.isEmpty()) {
          paragraphs.add(current);
          current = new ArrayList<>();
        }
      } else {
        current.add(line(l));
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
    String escaped = out.toString().strip();
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
