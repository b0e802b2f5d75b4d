#include "dj/condition.hpp"

#include <variant>

#include "dj/identifiers.hpp"
#include "dj/relation.hpp"
#include "value_sql.hpp"

namespace dj {

struct Restriction::Node {
  struct Key {
    Row key;
  };
  struct AnyOf {
    std::vector<Row> keys;
  };
  struct Sql {
    std::string condition;
    std::vector<Value> values;
  };
  struct Semijoin {
    std::shared_ptr<const Relation> relation;
  };
  struct AllOf {
    std::vector<Restriction> items;
  };
  struct Not {
    Restriction inner;
  };
  std::variant<Key, AnyOf, Sql, Semijoin, AllOf, Not> kind;
};

Restriction::Restriction(Row key)
    : node_(std::make_shared<Node>(Node{Node::Key{std::move(key)}})) {}
Restriction::Restriction(const Relation& relation)
    : node_(std::make_shared<Node>(Node{Node::Semijoin{std::make_shared<Relation>(relation)}})) {}
Restriction::Restriction(const char* condition) : Restriction(std::string(condition)) {}
Restriction::Restriction(const std::string& condition) : Restriction(sql(condition, {})) {}

Restriction Restriction::sql(const std::string& condition, std::vector<Value> values) {
  check_sql_condition(condition);
  return Restriction(std::make_shared<Node>(Node{Node::Sql{condition, std::move(values)}}));
}
Restriction Restriction::any_of(std::vector<Row> keys) {
  return Restriction(std::make_shared<Node>(Node{Node::AnyOf{std::move(keys)}}));
}
Restriction Restriction::all_of(std::vector<Restriction> restrictions) {
  return Restriction(std::make_shared<Node>(Node{Node::AllOf{std::move(restrictions)}}));
}
Restriction Restriction::operator!() const {
  return Restriction(std::make_shared<Node>(Node{Node::Not{*this}}));
}

namespace {

SqlFragment key_condition(const Row& key, const Heading& heading, const std::string& alias) {
  std::vector<SqlFragment> terms;
  for (size_t i = 0; i < key.size(); ++i) {
    const std::string& name = key.names()[i];
    if (!heading.has(name)) continue;
    const Attribute& attribute = heading.at(name);
    const Value& value = key.values()[i];
    SqlFragment term(alias + "." + quote_identifier(name));
    if (value.is_null()) {
      term += " IS NULL";
    } else {
      term += " = ";
      term.param(detail::to_param(value, attribute));
    }
    terms.push_back(std::move(term));
  }
  if (terms.empty()) return SqlFragment("TRUE");
  return "(" + join_fragments(terms, " AND ") + ")";
}

}  // namespace

SqlFragment Restriction::compile(const Heading& heading, const std::string& alias) const {
  struct Visitor {
    const Heading& heading;
    const std::string& alias;
    SqlFragment operator()(const Node::Key& k) const {
      return key_condition(k.key, heading, alias);
    }
    SqlFragment operator()(const Node::AnyOf& a) const {
      if (a.keys.empty()) return SqlFragment("FALSE");
      std::vector<SqlFragment> terms;
      for (const auto& key : a.keys) terms.push_back(key_condition(key, heading, alias));
      return "(" + join_fragments(terms, " OR ") + ")";
    }
    SqlFragment operator()(const Node::Sql& s) const {
      std::vector<SqlParam> params;
      for (const auto& value : s.values) {
        // Placeholders are untyped: the server infers each from its use in the condition.
        Attribute untyped;
        untyped.name = "$" + std::to_string(params.size() + 1);
        untyped.category = value.holds<Blob>()             ? TypeCategory::blob
                           : value.holds<Bytes>()          ? TypeCategory::bytes
                           : value.holds<Attachment>()     ? TypeCategory::attach
                           : value.holds<nlohmann::json>() ? TypeCategory::json
                                                           : TypeCategory::string;
        params.push_back(detail::to_param(value, untyped));
      }
      return "(" + fragment_from_placeholders(s.condition, params) + ")";
    }
    SqlFragment operator()(const Node::Semijoin& j) const {
      const Heading& other = j.relation->heading();
      std::vector<SqlFragment> matches;
      for (const auto& name : heading.names()) {
        if (!other.has(name)) continue;
        matches.emplace_back("_s." + quote_identifier(name) + " = " + alias + "." +
                             quote_identifier(name));
      }
      SqlFragment sql("EXISTS (SELECT 1 FROM (");
      sql += j.relation->select_sql();
      sql += ") AS _s";
      if (!matches.empty()) sql += " WHERE " + join_fragments(matches, " AND ");
      return sql + ")";
    }
    SqlFragment operator()(const Node::AllOf& a) const {
      if (a.items.empty()) return SqlFragment("TRUE");
      std::vector<SqlFragment> terms;
      for (const auto& item : a.items) terms.push_back(item.compile(heading, alias));
      return "(" + join_fragments(terms, " AND ") + ")";
    }
    SqlFragment operator()(const Node::Not& n) const {
      // A NULL condition counts as not matching; so does its negation, as in DataJoint.
      return "(NOT COALESCE(" + n.inner.compile(heading, alias) + ", FALSE))";
    }
  };
  return std::visit(Visitor{heading, alias}, node_->kind);
}

std::string Restriction::describe() const {
  struct Visitor {
    std::string operator()(const Node::Key& k) const { return k.key.to_display(); }
    std::string operator()(const Node::AnyOf& a) const {
      return "any of " + std::to_string(a.keys.size()) + " keys";
    }
    std::string operator()(const Node::Sql& s) const { return "\"" + s.condition + "\""; }
    std::string operator()(const Node::Semijoin& j) const {
      return "(" + j.relation->description() + ")";
    }
    std::string operator()(const Node::AllOf& a) const {
      std::string out;
      for (const auto& item : a.items) out += (out.empty() ? "" : " AND ") + item.describe();
      return "(" + out + ")";
    }
    std::string operator()(const Node::Not& n) const { return "NOT " + n.inner.describe(); }
  };
  return std::visit(Visitor{}, node_->kind);
}

}  // namespace dj
