#pragma once
// Restrictions: what `query & restriction` and `query - restriction` accept.
//   - a key (Row): equality on the attributes the query has (others are ignored, as in DataJoint);
//   - any_of(keys): rows matching any of the keys;
//   - an SQL condition with $1..$n placeholders bound to values: sql("x > $1", {5});
//   - another query or relation (semijoin on the namesake attributes);
//   - AND lists, and negation (operator!).

#include <memory>
#include <string>
#include <vector>

#include "dj/heading.hpp"
#include "dj/sql.hpp"
#include "dj/value.hpp"

namespace dj {

class Relation;

/// One restriction; cheap to copy.
class Restriction {
 public:
  /// Equality on the key's attributes that the restricted query has.
  Restriction(Row key);  // NOLINT: a key restricts implicitly, as in DataJoint
  /// A semijoin: rows with a match in `relation` (a Query, say) on their namesake attributes.
  Restriction(const Relation& relation);  // NOLINT
  /// An SQL condition without parameters, e.g. "session_id > 3". Throws std::invalid_argument
  /// when check_sql_condition() refuses it.
  Restriction(const char* condition);         // NOLINT
  Restriction(const std::string& condition);  // NOLINT

  /// An SQL condition whose $1..$n placeholders take `values` (sent as parameters); checked
  /// like a condition without parameters.
  static Restriction sql(const std::string& condition, std::vector<Value> values);
  /// Rows matching any of the keys (an empty list matches nothing).
  static Restriction any_of(std::vector<Row> keys);
  /// Rows matching all of the restrictions (an empty list matches everything).
  static Restriction all_of(std::vector<Restriction> restrictions);
  /// The negation.
  Restriction operator!() const;

  /// The condition on a relation aliased `alias` with heading `heading`.
  SqlFragment compile(const Heading& heading, const std::string& alias) const;
  /// For error messages.
  std::string describe() const;

  struct Node;

 private:
  explicit Restriction(std::shared_ptr<const Node> node) : node_(std::move(node)) {}
  std::shared_ptr<const Node> node_;
};

/// Throws std::invalid_argument naming `condition` and the reason unless it is one expression
/// that stays inside the parentheses it is placed in: quotes closed, parentheses balanced, and
/// no ';', SQL comment, dollar-quoted text or NUL outside quotes. The condition is still SQL
/// that its author chose (it may read any column); what this prevents is text that escapes its
/// place in the statement, e.g. "1=1) OR (1=1" widening a restriction it is combined with.
void check_sql_condition(const std::string& condition);

}  // namespace dj
