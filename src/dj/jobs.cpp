#include "dj/jobs.hpp"

#include <signal.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "dj/blob.hpp"
#include "dj/declare.hpp"
#include "text.hpp"
#include "value_sql.hpp"

namespace dj {
namespace {

const std::vector<std::string> kStatusValues = {"pending", "reserved", "success", "error",
                                                "ignore"};
/// error_message's length, as datajoint-python's ERROR_MESSAGE_LENGTH.
constexpr size_t kErrorMessageLength = 2047;

std::string host_name() {
  std::array<char, 256> buffer{};
  if (gethostname(buffer.data(), buffer.size() - 1) != 0) return "";
  return buffer.data();
}

/// 64-bit FNV-1a: a stable advisory-lock id for a key (the same in every worker process).
long long lock_id(const std::string& text) {
  std::uint64_t hash = 1469598103934665603ull;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return static_cast<long long>(hash);
}

/// A key attribute's type as definition text: its DataJoint type, or, for a column that another
/// client declared without one, its catalog type under the name the definition language knows.
std::string declared_type(const Attribute& a) {
  if (!a.core_type.empty()) return a.core_type;
  if (a.category == TypeCategory::enumeration) return "enum('" + join(a.enum_values, "', '") + "')";
  if (a.sql_type.rfind("timestamp", 0) == 0) return "timestamp";
  if (a.sql_type.rfind("time", 0) == 0) return "time";
  return a.sql_type;
}

/// The job table of `target` in the definition language, as datajoint-python's
/// JobTable._generate_definition writes it: the target's primary key (types copied, no foreign
/// key: a job exists before its result), then the queue's own attributes.
std::string job_definition(const Table& target) {
  std::string text =
      "# Job queue for " + qualified_name(target.schema_name(), target.table_name()) + "\n";
  for (const auto& name : target.heading().primary_key())
    text += name + " : " + declared_type(target.heading().at(name)) + "\n";
  text += "---\nstatus : enum('" + join(kStatusValues, "', '") + "')\n";
  text += R"(priority : int8
created_time=CURRENT_TIMESTAMP(3) : datetime(3)
scheduled_time=CURRENT_TIMESTAMP(3) : datetime(3)
reserved_time=null : datetime(3)
completed_time=null : datetime(3)
duration=null : float64
error_message="" : varchar()" +
          std::to_string(kErrorMessageLength) + R"()
error_stack=null : <blob>
user="" : varchar(255)
host="" : varchar(255)
pid=0 : int32
connection_id=0 : int64
version="" : varchar(64)
INDEX (status, priority, scheduled_time)
)";
  return text;
}

/// The definition language declares an enum type in the table's own schema. A target's enum key
/// whose type lives in another schema (a parent's, inherited through a foreign key) cannot be
/// named there, so that column alone is retyped by hand to the target's type: job keys must
/// compare with the target's keys, and two enum types do not compare.
void keep_foreign_enum_types(pqxx::transaction_base& tx, const Heading& target,
                             const std::string& schema, const std::string& job_table) {
  for (const auto& name : target.primary_key()) {
    const Attribute& a = target.at(name);
    if (a.category != TypeCategory::enumeration) continue;
    if (resolve_type(declared_type(a), schema).sql == a.sql_type) continue;
    const std::string column = quote_identifier(name);
    tx.exec("ALTER TABLE " + qualified_name(schema, job_table) + " ALTER COLUMN " + column +
            " TYPE " + a.sql_type + " USING " + column + "::text::" + a.sql_type);
  }
}

std::string truncate_message(const std::string& message) {
  constexpr size_t kLimit = kErrorMessageLength;
  if (message.size() <= kLimit) return message;
  const std::string tail = "...truncated";
  return message.substr(0, kLimit - tail.size()) + tail;
}

}  // namespace

std::string job_table_name(const std::string& target_table) {
  size_t start = target_table.find_first_not_of('_');
  return "~~" + target_table.substr(start == std::string::npos ? 0 : start);
}

std::string to_string(JobStatus status) {
  return kStatusValues[static_cast<size_t>(status)];
}

JobTable::JobTable(const Table& target)
    : target_(target), schema_(target.schema_name()), name_(job_table_name(target.table_name())) {
  if (target.tier() != Tier::imported && target.tier() != Tier::computed) {
    throw std::invalid_argument("job tables are for imported and computed tables; " +
                                target.class_name() + " is " + tier_name(target.tier()));
  }
  key_ = target.heading().primary_key();
  std::vector<std::string> quoted;
  for (const auto& k : key_) quoted.push_back(quote_identifier(k));
  key_columns_ = join(quoted, ", ");
  target.connection().run([&](pqxx::transaction_base& tx) {
    if (table_exists(tx, schema_, name_)) return;
    // Tier::manual: a job table has its own key attributes and no tier of its own.
    const TableDeclaration declaration = compile_declaration(
        schema_, name_, Tier::manual, parse_definition(name_, job_definition(target)),
        [](const std::string& reference) -> ReferencedTable {
          throw std::logic_error("a job table's definition names no table, yet names " + reference);
        });
    if (!create_declared_table(tx, declaration, name_)) return;
    keep_foreign_enum_types(tx, target.heading(), schema_, name_);
    // A schema that another client created may lack ~lineage; the job table does without.
    if (table_exists(tx, schema_, "~lineage")) record_lineage(tx, declaration);
  });
}

SqlFragment JobTable::key_condition(const Row& key) const {
  std::vector<SqlFragment> terms;
  for (const auto& name : key_) {
    SqlFragment term(quote_identifier(name) + " = ");
    term.param(detail::to_param(key[name], target_.heading().at(name)));
    terms.push_back(std::move(term));
  }
  return join_fragments(terms, " AND ");
}

namespace {
/// The lock id of a key as fetched from the job table (canonical text of every key value).
long long key_lock_id(const std::string& relation, const Row& key, const Heading& heading) {
  std::string text = relation;
  for (size_t i = 0; i < key.size(); ++i) {
    const auto param = detail::to_param(key.values()[i], heading.at(key.names()[i]));
    text += '\x1f';
    text += param.value_or("\\N");
  }
  return lock_id(text);
}

std::vector<Row> fetch_keys(pqxx::transaction_base& tx, const SqlFragment& sql,
                            const Heading& heading, const std::string& context) {
  const pqxx::result result = execute(tx, sql, context);
  auto names = std::make_shared<std::vector<std::string>>();
  for (pqxx::row::size_type c = 0; c < result.columns(); ++c)
    names->push_back(result.column_name(c));
  std::vector<Row> rows;
  for (const auto& r : result) {
    std::vector<Value> values;
    for (pqxx::row::size_type c = 0; c < r.size(); ++c) {
      values.push_back(detail::from_field(r[c], &heading.at((*names)[c])));
    }
    rows.emplace_back(names, std::move(values));
  }
  return rows;
}
}  // namespace

long long JobTable::refresh(const std::vector<Row>& keys, int priority) {
  const std::string relation = qualified_name(schema_, name_);
  const std::string& columns = key_columns_;
  target_.connection().run([&](pqxx::transaction_base& tx) {
    constexpr size_t kRowsPerStatement = 1000;
    for (size_t start = 0; start < keys.size(); start += kRowsPerStatement) {
      SqlFragment insert("INSERT INTO " + relation + " (" + columns +
                         ", \"status\", \"priority\", \"scheduled_time\") VALUES ");
      for (size_t i = start; i < std::min(keys.size(), start + kRowsPerStatement); ++i) {
        insert += i == start ? "(" : ", (";
        for (const auto& name : key_) {
          insert.param(detail::to_param(keys[i][name], target_.heading().at(name)));
          insert += ", ";
        }
        insert += "'pending', ";
        insert.param(std::to_string(priority));
        // Scheduled a second in the past so that a worker may take it at once (as DataJoint).
        insert += ", CURRENT_TIMESTAMP(3) - interval '1 second')";
      }
      // A key kept as done with warnings whose result was deleted since is due again.
      execute(tx,
              insert + " ON CONFLICT (" + columns +
                  ") DO UPDATE SET \"status\" = 'pending', \"priority\" = EXCLUDED.priority, "
                  "\"scheduled_time\" = EXCLUDED.scheduled_time, \"completed_time\" = NULL, "
                  "\"error_message\" = '' WHERE " +
                  relation + ".\"status\" = 'success'",
              "refresh of " + relation);
    }
  });
  return recover_orphans();
}

long long JobTable::recover_orphans() {
  const std::string relation = qualified_name(schema_, name_);
  long long recovered = 0;
  target_.connection().run([&](pqxx::transaction_base& tx) {
    // Reservations of other sessions, with who made them and whether that session still
    // exists (a worker of another client, which takes no lock, is stale only once it is gone).
    SqlFragment sql("SELECT " + key_columns_ +
                    ", \"host\", \"pid\", \"connection_id\", EXISTS (SELECT FROM "
                    "pg_stat_activity WHERE pid = \"connection_id\") FROM " +
                    relation +
                    " WHERE \"status\" = 'reserved' AND \"connection_id\" <> pg_backend_pid() "
                    "FOR UPDATE SKIP LOCKED");
    const pqxx::result reserved = execute(tx, sql, "orphan check of " + relation);
    const std::string this_host = host_name();
    for (const auto& r : reserved) {
      std::vector<Value> values;
      for (size_t c = 0; c < key_.size(); ++c)
        values.push_back(
            detail::from_field(r[static_cast<int>(c)], &target_.heading().at(key_[c])));
      const Row key(std::make_shared<std::vector<std::string>>(key_), std::move(values));
      const size_t base = key_.size();
      const std::string host = r[static_cast<int>(base)].as<std::string>();
      const int pid = r[static_cast<int>(base + 1)].as<int>();
      const long long connection = r[static_cast<int>(base + 2)].as<long long>();
      const bool session_alive = r[static_cast<int>(base + 3)].as<bool>();
      const bool process_gone = host == this_host && pid > 0 && kill(pid, 0) != 0 && errno == ESRCH;
      if (session_alive && !process_gone) continue;
      // A worker of ours holds the key's session lock for as long as it lives.
      const long long id = key_lock_id(relation, key, target_.heading());
      if (!tx.exec_params("SELECT pg_try_advisory_lock($1)", id)[0][0].as<bool>()) continue;
      execute(tx,
              "UPDATE " + relation +
                  " SET \"status\" = 'pending', \"reserved_time\" = NULL, \"connection_id\" = 0 "
                  "WHERE " +
                  key_condition(key),
              "returning an orphaned key to pending");
      tx.exec_params("SELECT pg_advisory_unlock($1)", id);
      spdlog::info("{}: the reservation of {} by {}:{} was stale ({}); the key is pending again",
                   target_.class_name(), key.to_display(), host, pid,
                   session_alive
                       ? "the process is gone"
                       : "database connection " + std::to_string(connection) + " is gone");
      ++recovered;
    }
  });
  return recovered;
}

std::optional<Row> JobTable::reserve_first(const SqlFragment& candidates) {
  const std::string relation = qualified_name(schema_, name_);
  std::optional<Row> reserved;
  target_.connection().run([&](pqxx::transaction_base& tx) {
    // FOR UPDATE SKIP LOCKED: two workers never look at the same pending row at once.
    for (const auto& key : fetch_keys(tx, candidates + " FOR UPDATE SKIP LOCKED", target_.heading(),
                                      "reservation in " + relation)) {
      const long long id = key_lock_id(relation, key, target_.heading());
      // The session lock is taken in the reserving transaction, so nobody ever sees the job
      // reserved without its lock held.
      if (!tx.exec_params("SELECT pg_try_advisory_lock($1)", id)[0][0].as<bool>()) continue;
      SqlFragment update(
          "UPDATE " + relation +
          " SET \"status\" = 'reserved', \"connection_id\" = pg_backend_pid(), "
          "\"user\" = current_user, \"reserved_time\" = CURRENT_TIMESTAMP(3), \"host\" = ");
      update.param(host_name());
      update += ", \"pid\" = ";
      update.param(std::to_string(getpid()));
      update += " WHERE " + key_condition(key);
      execute(tx, update, "reservation in " + relation);
      reserved = key;
      return;
    }
  });
  return reserved;
}

std::optional<Row> JobTable::reserve_next() {
  return reserve_first(
      SqlFragment("SELECT " + key_columns_ + " FROM " + qualified_name(schema_, name_) +
                  " WHERE \"status\" = 'pending' AND \"scheduled_time\" <= CURRENT_TIMESTAMP(3) "
                  "ORDER BY \"priority\", \"scheduled_time\" LIMIT 16"));
}

bool JobTable::reserve(const Row& key) {
  return reserve_first("SELECT " + key_columns_ + " FROM " + qualified_name(schema_, name_) +
                       " WHERE \"status\" = 'pending' AND " + key_condition(key))
      .has_value();
}

void JobTable::complete(pqxx::transaction_base& tx, const Row& key,
                        const std::vector<std::string>& warnings) {
  if (warnings.empty()) {
    execute(tx, "DELETE FROM " + qualified_name(schema_, name_) + " WHERE " + key_condition(key),
            "completing a job");
    return;
  }
  std::string note;
  for (const auto& warning : warnings)
    note += (note.empty() ? "warning: " : "; warning: ") + warning;
  execute(tx, finished_row(key, "success", note, std::nullopt), "completing a job with warnings");
}

void JobTable::unlock(const Row& key) {
  const std::string relation = qualified_name(schema_, name_);
  const long long id = key_lock_id(relation, key.project(key_), target_.heading());
  target_.connection().read(
      [&](pqxx::transaction_base& tx) { tx.exec_params("SELECT pg_advisory_unlock($1)", id); });
}

SqlFragment JobTable::finished_row(const Row& key, const std::string& status,
                                   const std::string& message,
                                   const std::optional<std::string>& stack) const {
  SqlFragment sql("INSERT INTO " + qualified_name(schema_, name_) + " (" + key_columns_ +
                  ", \"status\", \"priority\", \"completed_time\", \"error_message\", "
                  "\"error_stack\", \"host\", "
                  "\"pid\", \"connection_id\", \"user\") VALUES (");
  for (const auto& name : key_) {
    sql.param(detail::to_param(key[name], target_.heading().at(name)));
    sql += ", ";
  }
  sql.param(status);
  sql += ", 5, CURRENT_TIMESTAMP(3), ";
  sql.param(truncate_message(message));
  sql += ", ";
  if (stack) {
    sql.param(detail::to_bytea_hex(pack_blob(BlobValue(*stack))));
  } else {
    sql += "NULL";
  }
  sql += ", ";
  sql.param(host_name());
  sql += ", ";
  sql.param(std::to_string(getpid()));
  sql += ", pg_backend_pid(), current_user) ON CONFLICT (" + key_columns_ +
         ") DO UPDATE SET \"status\" = EXCLUDED.status, \"completed_time\" = "
         "EXCLUDED.completed_time, \"error_message\" = EXCLUDED.error_message, "
         "\"error_stack\" = EXCLUDED.error_stack, \"host\" = EXCLUDED.host, \"pid\" = "
         "EXCLUDED.pid";
  return sql;
}

void JobTable::fail(const Row& key, const std::string& message, const std::string& stack) {
  const SqlFragment sql = finished_row(key, "error", message, stack);
  target_.connection().run([&](pqxx::transaction_base& tx) {
    execute(tx, sql, "recording an error in " + qualified_name(schema_, name_));
  });
  unlock(key);
}

void JobTable::release(const Row& key) {
  const std::string relation = qualified_name(schema_, name_);
  target_.connection().run([&](pqxx::transaction_base& tx) {
    execute(
        tx,
        "UPDATE " + relation +
            " SET \"status\" = 'pending', \"reserved_time\" = NULL, \"connection_id\" = 0 WHERE "
            "\"status\" = 'reserved' AND " +
            key_condition(key),
        "releasing a job");
  });
  unlock(key);
}

void JobTable::ignore(const std::vector<Row>& keys) {
  const std::string relation = qualified_name(schema_, name_);
  target_.connection().run([&](pqxx::transaction_base& tx) {
    for (const auto& key : keys) {
      SqlFragment sql("INSERT INTO " + relation + " (" + key_columns_ +
                      ", \"status\", \"priority\") VALUES (");
      for (const auto& name : key_) {
        sql.param(detail::to_param(key[name], target_.heading().at(name)));
        sql += ", ";
      }
      sql += "'ignore', 5) ON CONFLICT (" + key_columns_ + ") DO UPDATE SET \"status\" = 'ignore'";
      execute(tx, sql, "ignoring a key in " + relation);
    }
  });
}

long long JobTable::reset_errors(const std::vector<Restriction>& restrictions) {
  Heading heading = target_.heading();
  heading.table = name_;
  SqlFragment sql(
      "UPDATE " + qualified_name(schema_, name_) +
      " AS _r SET \"status\" = 'pending', \"error_message\" = '', \"error_stack\" = NULL, "
      "\"scheduled_time\" = CURRENT_TIMESTAMP(3) - interval '1 second' WHERE \"status\" = 'error'");
  for (const auto& restriction : restrictions) sql += " AND " + restriction.compile(heading, "_r");
  long long n = 0;
  target_.connection().run([&](pqxx::transaction_base& tx) {
    n = static_cast<long long>(execute(tx, sql, "resetting errors of " + name_).affected_rows());
  });
  return n;
}

std::vector<JobInfo> JobTable::list(std::optional<JobStatus> status) const {
  SqlFragment sql(
      "SELECT " + key_columns_ +
      ", \"status\"::text, \"priority\", \"error_message\", \"error_stack\", \"host\", \"pid\", "
      "\"connection_id\", coalesce(\"reserved_time\"::text, ''), "
      "coalesce(\"completed_time\"::text, ''), "
      "coalesce(extract(epoch FROM LOCALTIMESTAMP(3) - \"reserved_time\"), 0)::float8 "
      "FROM " +
      qualified_name(schema_, name_));
  if (status) {
    sql += " WHERE \"status\"::text = ";
    sql.param(to_string(*status));
  }
  sql += " ORDER BY \"priority\", \"created_time\"";
  std::vector<JobInfo> jobs;
  target_.connection().read([&](pqxx::transaction_base& tx) {
    const pqxx::result result = execute(tx, sql, "listing jobs of " + name_);
    auto names = std::make_shared<std::vector<std::string>>(key_);
    for (const auto& r : result) {
      JobInfo job;
      std::vector<Value> values;
      for (size_t c = 0; c < key_.size(); ++c) {
        values.push_back(
            detail::from_field(r[static_cast<int>(c)], &target_.heading().at(key_[c])));
      }
      job.key = Row(names, std::move(values));
      const size_t base = key_.size();
      const std::string state = r[static_cast<int>(base)].as<std::string>();
      for (size_t s = 0; s < kStatusValues.size(); ++s) {
        if (kStatusValues[s] == state) job.status = static_cast<JobStatus>(s);
      }
      job.priority = r[static_cast<int>(base + 1)].as<int>();
      job.error_message = r[static_cast<int>(base + 2)].as<std::string>();
      const auto& stack = r[static_cast<int>(base + 3)];
      if (!stack.is_null()) {
        const std::string packed = detail::from_bytea_hex(stack.c_str(), stack.size());
        const BlobValue value = unpack_blob(packed);
        if (value.is<std::string>()) job.error_stack = value.as<std::string>();
      }
      job.host = r[static_cast<int>(base + 4)].as<std::string>();
      job.pid = r[static_cast<int>(base + 5)].as<int>();
      job.connection_id = r[static_cast<int>(base + 6)].as<long long>();
      job.reserved_time = r[static_cast<int>(base + 7)].as<std::string>();
      job.completed_time = r[static_cast<int>(base + 8)].as<std::string>();
      job.reserved_seconds = r[static_cast<int>(base + 9)].as<double>();
      jobs.push_back(std::move(job));
    }
  });
  return jobs;
}

JobProgress JobTable::progress() const {
  JobProgress p;
  p.done = target_.count();
  target_.connection().read([&](pqxx::transaction_base& tx) {
    for (const auto& row : tx.exec("SELECT \"status\"::text, count(*) FROM " +
                                   qualified_name(schema_, name_) + " GROUP BY 1")) {
      const std::string state = row[0].as<std::string>();
      const long long n = row[1].as<long long>();
      if (state == "pending") p.pending = n;
      if (state == "reserved") p.reserved = n;
      if (state == "error") p.errors = n;
      if (state == "ignore") p.ignored = n;
      if (state == "success") p.warned = n;
    }
  });
  return p;
}

Query JobTable::keys_with_status(const std::vector<JobStatus>& statuses) const {
  auto heading = std::make_shared<Heading>();
  heading->schema = schema_;
  heading->table = name_;
  for (const auto& k : key_) heading->attributes.push_back(target_.heading().at(k));
  std::vector<std::string> names;
  for (const auto status : statuses) names.push_back(to_string(status));
  SqlFragment sql("SELECT " + key_columns_ + " FROM " + qualified_name(schema_, name_) +
                  " WHERE \"status\"::text = ANY(");
  sql.param("{" + join(names, ",") + "}");
  sql += "::text[])";
  return Query(target_.connection(), heading, std::move(sql),
               name_ + " (" + join(names, ", ") + ")");
}

}  // namespace dj
