#include "dj/table.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "dj/dependencies.hpp"
#include "insert_check.hpp"
#include "text.hpp"
#include "value_sql.hpp"

namespace dj {
namespace {

std::shared_ptr<const Heading> load_table_heading(Connection& connection, const std::string& schema,
                                                  const std::string& table) {
  validate_schema_name(schema);
  auto heading = std::make_shared<Heading>();
  connection.read([&](pqxx::transaction_base& tx) { *heading = load_heading(tx, schema, table); });
  return heading;
}

// A statement carries at most 65535 parameters; keep each under that and under a size that
// keeps the server's parse buffer reasonable for large blobs.
constexpr size_t kMaxParamsPerStatement = 60000;
constexpr size_t kMaxBytesPerStatement = 256u << 20;

}  // namespace

Table::Table(Connection& connection, const std::string& schema, const std::string& table)
    : Table(connection, load_table_heading(connection, schema, table)) {}

Table::Table(Connection& connection, std::shared_ptr<const Heading> heading)
    : Query(connection, Relation::of_table(heading)),
      tier_(tier_of_table_name(heading->table, &master_)) {
  set_base_table(heading->schema, heading->table);
}

std::string Table::class_name() const {
  return class_name_of_table(table_name());
}

void Table::insert1(const Row& row, const InsertOptions& options) const {
  insert({row}, options);
}

void Table::insert(const std::vector<Row>& rows, const InsertOptions& options) const {
  if (rows.empty()) return;
  const bool auto_populated = tier_ == Tier::imported || tier_ == Tier::computed ||
                              (tier_ == Tier::part && (master_.rfind("_", 0) == 0));
  if (auto_populated && !options.allow_direct_insert) {
    throw std::logic_error("inserting into " + class_name() +
                           " outside make() is refused: it is filled by populate()");
  }
  if (options.skip_duplicates && options.replace) {
    throw std::invalid_argument("insert into " + class_name() +
                                ": skip_duplicates and replace exclude each other");
  }
  const Heading& h = heading();
  std::vector<std::string> quoted_key;
  for (const auto& k : h.primary_key()) quoted_key.push_back(quote_identifier(k));

  /// Rows with the same attribute names share one statement; a row with other names starts
  /// the next statement, so rows may leave out attributes that have defaults.
  struct Statement {
    std::vector<std::string> names;  // as given in the rows (extra fields included)
    std::vector<std::string> columns;
    std::vector<const Attribute*> attributes;
    std::string head, conflict;
  };
  const auto prepare = [&](const Row& row) {
    Statement st;
    st.names = row.names();
    for (const auto& name : st.names) {
      if (h.has(name)) {  // the others were refused before, unless ignore_extra_fields is set
        st.columns.push_back(name);
        st.attributes.push_back(&h.at(name));
      }
    }
    if (st.columns.empty())
      throw std::invalid_argument("insert into " + class_name() + ": no known attributes");
    std::vector<std::string> quoted, updates;
    for (const auto& name : st.columns) {
      quoted.push_back(quote_identifier(name));
      if (!h.at(name).in_key)
        updates.push_back(quote_identifier(name) + " = EXCLUDED." + quote_identifier(name));
    }
    st.head = "INSERT INTO " + qualified_name(h.schema, h.table) + " (" + dj::join(quoted, ", ") +
              ") VALUES ";
    if (options.skip_duplicates) {
      st.conflict = " ON CONFLICT (" + dj::join(quoted_key, ", ") + ") DO NOTHING";
    } else if (options.replace) {
      st.conflict = " ON CONFLICT (" + dj::join(quoted_key, ", ") + ") DO " +
                    (updates.empty() ? "NOTHING" : "UPDATE SET " + dj::join(updates, ", "));
    }
    return st;
  };

  const std::string table_class = class_name();
  for (const auto& row : rows) {
    for (const auto& name : row.names()) {
      if (!options.ignore_extra_fields && !h.has(name))
        throw std::invalid_argument("insert into " + table_class + ": it has no attribute '" +
                                    name + "'");
    }
  }
  detail::check_values(h, table_class, rows);

  connection().run([&](pqxx::transaction_base& tx) {
    detail::check_parents(tx, h, table_class, rows);
    Statement current = prepare(rows.front());
    SqlFragment statement(current.head);
    size_t rows_in_statement = 0, bytes = 0;
    const auto flush = [&] {
      if (!rows_in_statement) return;
      execute(tx, statement + current.conflict, "insert into " + class_name());
      statement = SqlFragment(current.head);
      rows_in_statement = bytes = 0;
    };
    for (const auto& row : rows) {
      if (row.names() != current.names) {
        flush();
        current = prepare(row);
        statement = SqlFragment(current.head);
      } else if (rows_in_statement &&
                 (statement.params.size() + current.columns.size() > kMaxParamsPerStatement ||
                  bytes > kMaxBytesPerStatement)) {
        flush();
      }
      statement += rows_in_statement ? ", (" : "(";
      for (size_t c = 0; c < current.columns.size(); ++c) {
        if (c) statement += ", ";
        const Attribute& attribute = *current.attributes[c];
        const Value& value = row[current.columns[c]];
        if (value.is_null() && !attribute.nullable && attribute.default_sql) {
          statement += "DEFAULT";  // DataJoint's meaning of None for such an attribute
          continue;
        }
        SqlParam param = detail::to_param(value, attribute);
        bytes += param ? param->size() : 0;
        statement.param(std::move(param));
      }
      statement += ")";
      ++rows_in_statement;
    }
    flush();
  });
}

void Table::update1(const Row& row) const {
  const Heading& h = heading();
  std::vector<SqlFragment> sets, where;
  for (const auto& name : h.primary_key()) {
    if (!row.has(name)) {
      throw std::invalid_argument("update1 of " + class_name() + ": the row lacks key attribute '" +
                                  name + "'");
    }
    SqlFragment term(quote_identifier(name) + " = ");
    term.param(detail::to_param(row[name], h.at(name)));
    where.push_back(std::move(term));
  }
  for (const auto& name : row.names()) {
    const Attribute& a = h.at(name);
    if (a.in_key) continue;
    SqlFragment term(quote_identifier(name) + " = ");
    term.param(detail::to_param(row[name], a));
    sets.push_back(std::move(term));
  }
  if (sets.empty())
    throw std::invalid_argument("update1 of " + class_name() + ": nothing to update");
  SqlFragment sql("UPDATE " + qualified_name(h.schema, h.table) + " SET ");
  sql += join_fragments(sets, ", ") + " WHERE " + join_fragments(where, " AND ");
  connection().run([&](pqxx::transaction_base& tx) {
    const auto result = execute(tx, sql, "update1 of " + class_name());
    if (result.affected_rows() != 1) {
      throw std::runtime_error("update1 of " + class_name() + ": no row with key " +
                               row.project(h.primary_key()).to_display());
    }
  });
}

void Table::drop() const {
  connection().run([&](pqxx::transaction_base& tx) {
    const auto graph = Dependencies::load(tx);
    auto doomed = graph.descendants({schema_name(), table_name()});
    std::reverse(doomed.begin(), doomed.end());
    for (const auto& ref : doomed) {
      tx.exec("DROP TABLE " + ref.quoted());
      // Keep ~lineage in sync; enum types stay (they may be shared, and dropping them with
      // CASCADE would remove other tables' columns).
      if (table_exists(tx, ref.schema, "~lineage")) {
        tx.exec_params(
            "DELETE FROM " + qualified_name(ref.schema, "~lineage") + " WHERE table_name = $1",
            ref.table);
      }
    }
  });
}

}  // namespace dj
