// Internal to the core: reading TOML tables with typed getters that report
// every problem with its file, position and key path. Shared by the loaders of
// the protocol and the triage data. Not thread-safe: one Checker per load.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hipcoach/core/protocol.h"
#include "hipcoach/core/validate.h"

#include <toml++/toml.h>

namespace hipcoach::core::detail {

struct Position {
  int line = 0;
  int column = 0;
};

inline Position position_of(const toml::source_region& region) {
  return {static_cast<int>(region.begin.line), static_cast<int>(region.begin.column)};
}

inline std::string join_path(std::string_view prefix, std::string_view key) {
  if (prefix.empty()) return std::string(key);
  return std::string(prefix) + "." + std::string(key);
}

inline std::string index_path(std::string_view prefix, std::size_t index) {
  return std::string(prefix) + "[" + std::to_string(index) + "]";
}

inline bool is_valid_id(std::string_view id) {
  if (id.empty() || id.front() == '-' || id.back() == '-') return false;
  char previous = '\0';
  for (const char c : id) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && c != '-') return false;
    if (c == '-' && previous == '-') return false;
    previous = c;
  }
  return true;
}

inline bool is_blank(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

// Describes a node's type for "expected X, got Y" messages.
inline std::string_view type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

// An id mentioned somewhere that must resolve once every file is read.
enum class RefKind { kSource, kView, kLandmark, kArea, kGroup };

struct Reference {
  RefKind kind;
  std::string id;
  std::string file;
  Position where;
  std::string path;
};

struct Definition {
  std::string file;
  Position where;
};

// Collects diagnostics and cross-file facts while the files are read.
class Checker {
 public:
  explicit Checker(std::vector<Diagnostic>& out) : out_(out) {}

  void report(std::string_view file, Position where, std::string path, std::string message) {
    out_.push_back({std::string(file), where.line, where.column, std::move(path),
                    std::move(message)});
  }

  // Records a definition of `id` in namespace `kind`; reports a duplicate.
  void define(std::string_view kind, const std::string& id, std::string_view file,
              Position where, const std::string& path) {
    auto& defined = definitions_[std::string(kind)];
    const auto [it, inserted] = defined.try_emplace(id, Definition{std::string(file), where});
    if (!inserted) {
      report(file, where, path,
             "duplicate " + std::string(kind) + " id \"" + id + "\" (first defined at " +
                 it->second.file + ":" + std::to_string(it->second.where.line) + ":" +
                 std::to_string(it->second.where.column) + ")");
    }
  }

  void refer(Reference reference) { references_.push_back(std::move(reference)); }

  const std::vector<Reference>& references() const { return references_; }

 private:
  std::vector<Diagnostic>& out_;
  std::map<std::string, std::map<std::string, Definition>> definitions_;
  std::vector<Reference> references_;
};

// Reads one TOML table: typed getters that report problems with their key
// path, and finish() reports the keys nobody asked for.
class TableReader {
 public:
  TableReader(Checker& checker, std::string_view file, const toml::table& table, std::string path)
      : checker_(checker), file_(file), table_(table), path_(std::move(path)) {}

  TableReader(const TableReader&) = delete;
  TableReader& operator=(const TableReader&) = delete;

  const std::string& path() const { return path_; }
  std::string_view file() const { return file_; }
  Position where() const { return position_of(table_.source()); }
  Checker& checker() { return checker_; }

  // Returns the node at `key`, or nullptr (after reporting it when `required`).
  const toml::node* node(std::string_view key, bool required, std::string_view expected) {
    known_.insert(std::string(key));
    const toml::node* found = table_.get(key);
    if (found == nullptr && required) {
      checker_.report(file_, where(), join_path(path_, key),
                      "missing; expected " + std::string(expected));
    }
    return found;
  }

  std::optional<std::string> string(std::string_view key, bool required = true) {
    const toml::node* found = node(key, required, "a string");
    if (found == nullptr) return std::nullopt;
    return string_value(*found, join_path(path_, key));
  }

  std::optional<std::string> id(std::string_view key, bool required = true) {
    const toml::node* found = node(key, required, "an id");
    if (found == nullptr) return std::nullopt;
    return id_value(*found, join_path(path_, key));
  }

  std::optional<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max,
                                      bool required = true) {
    const std::string range = std::to_string(min) + ".." + std::to_string(max);
    const toml::node* found = node(key, required, "an integer " + range);
    if (found == nullptr) return std::nullopt;
    const auto* value = found->as_integer();
    const std::string key_path = join_path(path_, key);
    if (value == nullptr) {
      report(*found, key_path,
             "expected an integer " + range + ", got " + std::string(type_name(*found)));
      return std::nullopt;
    }
    const std::int64_t number = value->get();
    if (number < min || number > max) {
      report(*found, key_path, "must be " + range + ", got " + std::to_string(number));
      return std::nullopt;
    }
    return number;
  }

  std::optional<bool> boolean(std::string_view key, bool required = true) {
    const toml::node* found = node(key, required, "true or false");
    if (found == nullptr) return std::nullopt;
    const auto* value = found->as_boolean();
    if (value == nullptr) {
      report(*found, join_path(path_, key),
             "expected true or false, got " + std::string(type_name(*found)));
      return std::nullopt;
    }
    return value->get();
  }

  // An array of non-empty strings, each with its node (for positions).
  std::vector<std::pair<std::string, const toml::node*>> string_list(std::string_view key,
                                                                     bool required = true) {
    std::vector<std::pair<std::string, const toml::node*>> out;
    const toml::node* found = node(key, required, "an array of strings");
    if (found == nullptr) return out;
    const std::string key_path = join_path(path_, key);
    const auto* array = found->as_array();
    if (array == nullptr) {
      report(*found, key_path,
             "expected an array of strings, got " + std::string(type_name(*found)));
      return out;
    }
    if (array->empty()) {
      report(*found, key_path, "must not be empty");
      return out;
    }
    for (std::size_t i = 0; i < array->size(); ++i) {
      const toml::node& element = *array->get(i);
      if (auto value = string_value(element, index_path(key_path, i))) {
        out.emplace_back(std::move(*value), &element);
      }
    }
    return out;
  }

  const toml::table* table(std::string_view key, bool required = true) {
    const toml::node* found = node(key, required, "a table");
    if (found == nullptr) return nullptr;
    const auto* value = found->as_table();
    if (value == nullptr) {
      report(*found, join_path(path_, key),
             "expected a table, got " + std::string(type_name(*found)));
    }
    return value;
  }

  // An array of tables ([[key]]); `at_least` is the minimum length.
  std::vector<const toml::table*> tables(std::string_view key, std::size_t at_least) {
    std::vector<const toml::table*> out;
    const toml::node* found = node(key, at_least > 0, "an array of tables ([[" +
                                                          join_path(path_, key) + "]])");
    if (found == nullptr) return out;
    const std::string key_path = join_path(path_, key);
    const auto* array = found->as_array();
    if (array == nullptr) {
      report(*found, key_path,
             "expected an array of tables, got " + std::string(type_name(*found)));
      return out;
    }
    for (std::size_t i = 0; i < array->size(); ++i) {
      const toml::node& element = *array->get(i);
      if (const auto* table = element.as_table()) {
        out.push_back(table);
      } else {
        report(element, index_path(key_path, i),
               "expected a table, got " + std::string(type_name(element)));
      }
    }
    if (out.size() < at_least && array->size() >= at_least) return out;
    if (array->size() < at_least) {
      report(*found, key_path,
             "must have at least " + std::to_string(at_least) + " entr" +
                 (at_least == 1 ? "y" : "ies") + ", got " + std::to_string(array->size()));
    }
    return out;
  }

  // A non-empty array of ids; each one checked.
  std::vector<std::string> id_list(std::string_view key, bool required = true) {
    std::vector<std::string> out;
    const toml::node* found = node(key, required, "a non-empty array of ids");
    if (found == nullptr) return out;
    const std::string key_path = join_path(path_, key);
    const auto* array = found->as_array();
    if (array == nullptr) {
      report(*found, key_path,
             "expected an array of ids, got " + std::string(type_name(*found)));
      return out;
    }
    if (array->empty()) {
      report(*found, key_path, "must not be empty");
      return out;
    }
    for (std::size_t i = 0; i < array->size(); ++i) {
      if (auto value = id_value(*array->get(i), index_path(key_path, i))) {
        out.push_back(std::move(*value));
      }
    }
    return out;
  }

  // Reports every key that no getter asked for.
  void finish() {
    for (const auto& [key, value] : table_) {
      if (known_.count(std::string(key.str())) == 0) {
        checker_.report(file_, position_of(key.source()), join_path(path_, key.str()),
                        "unknown key");
      }
    }
  }

  void report(const toml::node& node, std::string path, std::string message) {
    checker_.report(file_, position_of(node.source()), std::move(path), std::move(message));
  }

 private:
  std::optional<std::string> string_value(const toml::node& node, const std::string& path) {
    const auto* value = node.as_string();
    if (value == nullptr) {
      report(node, path, "expected a string, got " + std::string(type_name(node)));
      return std::nullopt;
    }
    if (is_blank(value->get())) {
      report(node, path, "must not be empty");
      return std::nullopt;
    }
    return value->get();
  }

  std::optional<std::string> id_value(const toml::node& node, const std::string& path) {
    auto value = string_value(node, path);
    if (!value) return std::nullopt;
    if (!is_valid_id(*value)) {
      report(node, path,
             "\"" + *value +
                 "\" is not a valid id (lowercase letters and digits joined by single '-')");
      return std::nullopt;
    }
    return value;
  }

  Checker& checker_;
  std::string_view file_;
  const toml::table& table_;
  std::string path_;
  std::set<std::string> known_;
};

inline Position where_of(const toml::node* node, const TableReader& parent) {
  return node != nullptr ? position_of(node->source()) : parent.where();
}

// Records each citation for resolution once sources.toml is known.
inline void refer_citations(TableReader& reader, const std::vector<std::string>& cite,
                     const toml::node* cite_node, const std::string& cite_path) {
  const auto* array = cite_node != nullptr ? cite_node->as_array() : nullptr;
  for (std::size_t i = 0; i < cite.size(); ++i) {
    Position where = where_of(cite_node, reader);
    if (array != nullptr && i < array->size()) where = position_of(array->get(i)->source());
    reader.checker().refer(
        {RefKind::kSource, cite[i], std::string(reader.file()), where, index_path(cite_path, i)});
  }
}

inline std::vector<std::string> read_cite(TableReader& reader) {
  std::vector<std::string> cite = reader.id_list("cite");
  refer_citations(reader, cite, reader.node("cite", false, ""), join_path(reader.path(), "cite"));
  return cite;
}

inline Statement read_statement_table(Checker& checker, std::string_view file, const toml::table& table,
                               const std::string& path) {
  TableReader reader(checker, file, table, path);
  Statement statement;
  statement.text = reader.string("text").value_or("");
  statement.cite = read_cite(reader);
  reader.finish();
  return statement;
}

inline Statement read_statement(TableReader& parent, std::string_view key) {
  const toml::table* table = parent.table(key);
  if (table == nullptr) return {};
  return read_statement_table(parent.checker(), parent.file(), *table,
                              join_path(parent.path(), key));
}

inline std::vector<Statement> read_statements(TableReader& parent, std::string_view key,
                                       std::size_t at_least) {
  std::vector<Statement> out;
  const auto tables = parent.tables(key, at_least);
  const std::string path = join_path(parent.path(), key);
  for (std::size_t i = 0; i < tables.size(); ++i) {
    out.push_back(read_statement_table(parent.checker(), parent.file(), *tables[i],
                                       index_path(path, i)));
  }
  return out;
}

inline Step read_step(TableReader& parent, std::string_view key) {
  Step step;
  const toml::table* table = parent.table(key);
  if (table == nullptr) return step;
  TableReader reader(parent.checker(), parent.file(), *table, join_path(parent.path(), key));
  step.advice = read_statement(reader, "advice");
  step.caveats = read_statements(reader, "caveats", 0);
  reader.finish();
  return step;
}

inline Range read_range(TableReader& parent, std::string_view key, std::int64_t min, std::int64_t max) {
  Range range;
  const toml::table* table = parent.table(key);
  if (table == nullptr) return range;
  TableReader reader(parent.checker(), parent.file(), *table, join_path(parent.path(), key));
  const auto low = reader.integer("min", min, max);
  const auto high = reader.integer("max", min, max);
  range.cite = read_cite(reader);
  reader.finish();
  if (low) range.min = static_cast<int>(*low);
  if (high) range.max = static_cast<int>(*high);
  if (low && high && *high < *low) {
    reader.report(*table->get("max"), join_path(reader.path(), "max"),
                  "(" + std::to_string(*high) + ") is less than min (" + std::to_string(*low) +
                      ")");
  }
  return range;
}

// Reads an id and records it as a definition of `kind`.
inline std::string read_defined_id(TableReader& reader, std::string_view kind) {
  auto id = reader.id("id");
  if (!id) return {};
  const toml::node* node = reader.node("id", false, "");
  reader.checker().define(kind, *id, reader.file(), where_of(node, reader),
                          join_path(reader.path(), "id"));
  return *id;
}

inline void refer(TableReader& reader, RefKind kind, const std::string& id, std::string_view key,
           const toml::node* node = nullptr, std::string path = {}) {
  if (id.empty()) return;
  if (node == nullptr) node = reader.node(key, false, "");
  if (path.empty()) path = join_path(reader.path(), key);
  reader.checker().refer({kind, id, std::string(reader.file()), where_of(node, reader), path});
}

}  // namespace hipcoach::core::detail
