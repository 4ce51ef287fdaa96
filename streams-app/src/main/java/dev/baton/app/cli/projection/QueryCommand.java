package dev.baton.app.cli.projection;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.app.cli.BatonCli;
import dev.baton.app.config.Redaction;
import dev.baton.app.sink.projection.Dialect;
import dev.baton.app.sink.projection.ProjectionDatabase;
import dev.baton.sdk.protocol.Json;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code baton query "<SQL>"}: read-only SQL against the projection. */
@Command(
    name = "query",
    mixinStandardHelpOptions = true,
    description = {
      "Run one read-only SQL statement against the projection and print the rows.",
      "Tables: tasks, task_labels, locks, decisions, projection_offsets, schema_version"
          + " (see docs/operations.md). The connection is read-only: writes fail.",
      "Example: baton query \"select id,status,version from tasks order by id\""
    })
public final class QueryCommand implements Callable<Integer> {
  @Mixin ProjectionOptions projection;

  @Parameters(index = "0", paramLabel = "SQL", description = "The statement to run.")
  String sql;

  @Option(names = "--json", description = "Print a JSON array of row objects.")
  boolean json;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String statement = sql.strip().replaceAll(";+\\s*$", "");
    if (statement.isEmpty() || statement.contains(";")) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "give exactly one SQL statement (no ';' inside)");
    }
    String url = projection.jdbcUrl();
    try (ProjectionDatabase db = ProjectionDatabase.openReadOnly(url)) {
      Connection c = db.connection();
      try (Statement st = c.createStatement()) {
        if (db.dialect() == Dialect.SQLITE) {
          st.execute("PRAGMA query_only = 1");
        } else {
          c.setAutoCommit(false);
          st.execute("SET TRANSACTION READ ONLY");
          // A query has now run, so the transaction can no longer be switched to read-write.
          st.execute("SELECT 1");
        }
        try {
          if (!st.execute(statement)) {
            err.println("error: the statement returned no rows (only queries are allowed)");
            return BatonCli.FAILED;
          }
          try (ResultSet rs = st.getResultSet()) {
            if (json) {
              printJson(rs, out);
            } else {
              printTable(rs, out);
            }
          }
        } finally {
          if (!c.getAutoCommit()) {
            c.rollback();
          }
        }
      }
      out.flush();
      return BatonCli.OK;
    } catch (SQLException e) {
      err.println("error: " + Redaction.secretsIn(e.getMessage()));
      return BatonCli.FAILED;
    }
  }

  private static void printJson(ResultSet rs, PrintWriter out) throws SQLException {
    ResultSetMetaData md = rs.getMetaData();
    ArrayNode rows = Json.mapper().createArrayNode();
    while (rs.next()) {
      ObjectNode row = rows.addObject();
      for (int i = 1; i <= md.getColumnCount(); i++) {
        String name = md.getColumnLabel(i);
        Object v = rs.getObject(i);
        if (v == null) {
          row.putNull(name);
        } else if (v instanceof Integer n) {
          row.put(name, n);
        } else if (v instanceof Long n) {
          row.put(name, n);
        } else if (v instanceof Short n) {
          row.put(name, n);
        } else if (v instanceof Double n) {
          row.put(name, n);
        } else if (v instanceof Float n) {
          row.put(name, n);
        } else if (v instanceof BigDecimal n) {
          row.put(name, n);
        } else if (v instanceof Boolean b) {
          row.put(name, b);
        } else if (v instanceof byte[] bytes) {
          row.put(name, Base64.getEncoder().encodeToString(bytes));
        } else {
          row.put(name, v.toString());
        }
      }
    }
    out.println(rows.toPrettyString());
  }

  private static void printTable(ResultSet rs, PrintWriter out) throws SQLException {
    ResultSetMetaData md = rs.getMetaData();
    int n = md.getColumnCount();
    List<String[]> rows = new ArrayList<>();
    String[] header = new String[n];
    int[] width = new int[n];
    for (int i = 0; i < n; i++) {
      header[i] = md.getColumnLabel(i + 1);
      width[i] = header[i].length();
    }
    while (rs.next()) {
      String[] row = new String[n];
      for (int i = 0; i < n; i++) {
        Object v = rs.getObject(i + 1);
        row[i] = v == null ? "" : v instanceof byte[] b ? "<" + b.length + " bytes>" : cell(v);
        width[i] = Math.max(width[i], row[i].length());
      }
      rows.add(row);
    }
    out.println(line(header, width));
    StringBuilder rule = new StringBuilder();
    for (int i = 0; i < n; i++) {
      rule.append(i == 0 ? "" : "-+-").append("-".repeat(width[i]));
    }
    out.println(rule);
    for (String[] row : rows) {
      out.println(line(row, width));
    }
    out.println("(" + rows.size() + (rows.size() == 1 ? " row)" : " rows)"));
  }

  private static String cell(Object v) {
    String s = v.toString();
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      b.append(Character.isISOControl(c) ? ' ' : c);
    }
    return b.toString();
  }

  private static String line(String[] cells, int[] width) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < cells.length; i++) {
      b.append(i == 0 ? "" : " | ");
      b.append(cells[i]);
      if (i < cells.length - 1) {
        b.append(" ".repeat(width[i] - cells[i].length()));
      }
    }
    return b.toString();
  }
}
