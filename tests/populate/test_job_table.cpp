// The job table is declared through the definition language, as datajoint-python's JobTable
// declares it: its catalog is the one datajoint-python 2.x reads (the target's key with its
// types, the queue's columns with their types, defaults and ":type:" comments, the key, the
// status index and the table comment), also for an enum key whose type is another schema's.

#include <gtest/gtest.h>

#include "dj/jobs.hpp"
#include "support/test_database.hpp"

namespace {

class JobTableLayout : public fmtest::DatabaseTest {
 protected:
  /// "name|type|not null|default|comment" of each column of `table` in `schema`, in order.
  std::vector<std::string> columns(const std::string& schema, const std::string& table) {
    std::vector<std::string> out;
    connection->read([&](pqxx::transaction_base& tx) {
      for (const auto& row :
           tx.exec_params("SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
                          "coalesce(pg_get_expr(d.adbin, d.adrelid), ''), "
                          "coalesce(col_description(c.oid, a.attnum), '') "
                          "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                          "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 "
                          "LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum "
                          "WHERE n.nspname = $1 AND c.relname = $2 ORDER BY a.attnum",
                          schema, table)) {
        out.push_back(row[0].as<std::string>() + "|" + row[1].as<std::string>() + "|" +
                      (row[2].as<bool>() ? "not null" : "null") + "|" + row[3].as<std::string>() +
                      "|" + row[4].as<std::string>());
      }
    });
    return out;
  }
  /// One value of a catalog query with the schema and table as $1 and $2.
  std::string catalog(const std::string& sql, const std::string& schema, const std::string& table) {
    std::string value;
    connection->read([&](pqxx::transaction_base& tx) {
      value = tx.exec_params1(sql, schema, table)[0].as<std::string>();
    });
    return value;
  }
};

}  // namespace

TEST_F(JobTableLayout, IsDataJointsJobTable) {
  auto schema = make_schema("dj_job_layout");
  schema.declare("Source", dj::Tier::manual,
                 "item : int32\nname : varchar(8)\nwhen : datetime\n---\nv : float64");
  const auto result = schema.declare("Result", dj::Tier::computed, "-> Source\n---\nd : float64");
  const dj::JobTable jobs(result);
  EXPECT_EQ(jobs.name(), "~~result");
  // format_type() quotes only names that need it.
  const std::string status_type = schema.name() + ".enum_609a743e";
  EXPECT_EQ(
      columns(schema.name(), "~~result"),
      (std::vector<std::string>{
          "item|integer|not null||:int32:", "name|character varying(8)|not null||:varchar(8):",
          "when|timestamp without time zone|not null||:datetime:",
          "status|" + status_type +
              "|not null||:enum('pending', 'reserved', 'success', 'error', 'ignore'):",
          "priority|smallint|not null||:int8:",
          "created_time|timestamp(3) without time zone|not null|CURRENT_TIMESTAMP(3)|"
          ":datetime(3):",
          "scheduled_time|timestamp(3) without time zone|not null|CURRENT_TIMESTAMP(3)|"
          ":datetime(3):",
          "reserved_time|timestamp(3) without time zone|null|NULL::timestamp without time "
          "zone|:datetime(3):",
          "completed_time|timestamp(3) without time zone|null|NULL::timestamp without time "
          "zone|:datetime(3):",
          "duration|double precision|null||:float64:",
          "error_message|character varying(2047)|not null|''::character "
          "varying|:varchar(2047):",
          "error_stack|bytea|null||:<blob>:",
          "user|character varying(255)|not null|''::character varying|:varchar(255):",
          "host|character varying(255)|not null|''::character varying|:varchar(255):",
          "pid|integer|not null|0|:int32:", "connection_id|bigint|not null|'0'::bigint|:int64:",
          "version|character varying(64)|not null|''::character varying|:varchar(64):"}));
  EXPECT_EQ(catalog("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = "
                    "(quote_ident($1) || '.' || quote_ident($2))::regclass AND contype = 'p'",
                    schema.name(), "~~result"),
            "PRIMARY KEY (item, name, \"when\")");
  EXPECT_EQ(catalog("SELECT string_agg(indexname || ' ' || substring(indexdef from 'USING .*$'), "
                    "'; ') FROM pg_indexes WHERE schemaname = $1 AND tablename = $2 AND "
                    "indexname NOT LIKE '%pkey'",
                    schema.name(), "~~result"),
            "idx_~~result_status_priority_scheduled_time USING btree (status, priority, "
            "scheduled_time)");
  EXPECT_EQ(catalog("SELECT obj_description((quote_ident($1) || '.' || quote_ident($2))::regclass, "
                    "'pg_class')",
                    schema.name(), "~~result"),
            "Job queue for \"" + schema.name() + "\".\"__result\"");
  std::string lineage;
  connection->read([&](pqxx::transaction_base& tx) {
    lineage = tx.exec_params1(
                    "SELECT string_agg(attribute_name || '=' || lineage, ', ' ORDER BY "
                    "attribute_name) FROM \"" +
                        schema.name() + "\".\"~lineage\" WHERE table_name = $1",
                    "~~result")[0]
                  .as<std::string>();
  });
  EXPECT_EQ(lineage, "item=" + schema.name() + ".~~result.item, name=" + schema.name() +
                         ".~~result.name, when=" + schema.name() + ".~~result.when");
}

TEST_F(JobTableLayout, AnEnumKeyKeepsItsSchemasType) {
  auto kinds = make_schema("dj_job_kinds");
  const auto kind = kinds.declare("Kind", dj::Tier::manual, "kind : enum('a', 'b')");
  kind.insert({{{"kind", "a"}}, {{"kind", "b"}}});
  auto schema = make_schema("dj_job_enum");
  schema.link("k", kinds);
  const auto result = schema.declare("Result", dj::Tier::computed, "-> k.Kind\n---\nd : float64");
  dj::JobTable jobs(result);
  const std::string type = catalog(
      "SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a WHERE a.attrelid = "
      "(quote_ident($1) || '.' || quote_ident($2))::regclass AND a.attname = 'kind'",
      schema.name(), "~~result");
  EXPECT_EQ(type.rfind(kinds.name() + ".enum_", 0), 0u) << type;
  // Job keys compare with the target's keys.
  jobs.ignore({{{"kind", "a"}}});
  EXPECT_EQ((kind - jobs.blocked_keys()).fetch_keys(), (std::vector<dj::Row>{{{"kind", "b"}}}));
}
