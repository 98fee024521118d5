// A small validator for the JSON Schema subset the chat-service shapes in shapes/ use:
// type, const, enum, required, properties, additionalProperties (false), items, minItems,
// maxItems, minLength, maxLength (in characters), oneOf. Returns the first problem, with its
// JSON path, or "" when the document fits.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace canarytrap::testing {

inline std::size_t utf8_chars(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

inline std::string shape_problem(const nlohmann::json& doc, const nlohmann::json& schema, const std::string& path = "$") {
  using nlohmann::json;
  if (schema.contains("oneOf")) {
    int matches = 0;
    std::string last;
    for (const auto& s : schema["oneOf"]) {
      std::string p = shape_problem(doc, s, path);
      if (p.empty()) {
        ++matches;
      } else {
        last = p;
      }
    }
    if (matches == 1) return "";
    return matches == 0 ? path + ": matches no allowed shape (" + last + ")" : path + ": matches several shapes";
  }
  if (schema.contains("type")) {
    const std::string t = schema["type"];
    const bool ok = (t == "object" && doc.is_object()) || (t == "array" && doc.is_array()) ||
                    (t == "string" && doc.is_string()) || (t == "integer" && doc.is_number_integer()) ||
                    (t == "number" && doc.is_number()) || (t == "boolean" && doc.is_boolean()) ||
                    (t == "null" && doc.is_null());
    if (!ok) return path + ": want " + t + ", got " + doc.type_name();
  }
  if (schema.contains("const") && doc != schema["const"]) return path + ": want " + schema["const"].dump();
  if (schema.contains("enum")) {
    bool found = false;
    for (const auto& e : schema["enum"]) found = found || e == doc;
    if (!found) return path + ": " + doc.dump() + " is not one of " + schema["enum"].dump();
  }
  if (doc.is_string()) {
    const std::size_t n = utf8_chars(doc.get<std::string>());
    if (schema.contains("maxLength") && n > schema["maxLength"].get<std::size_t>()) {
      return path + ": longer than " + schema["maxLength"].dump();
    }
    if (schema.contains("minLength") && n < schema["minLength"].get<std::size_t>()) {
      return path + ": shorter than " + schema["minLength"].dump();
    }
  }
  if (doc.is_object()) {
    for (const auto& r : schema.value("required", json::array())) {
      if (!doc.contains(r.get<std::string>())) return path + ": missing " + r.get<std::string>();
    }
    const json props = schema.value("properties", json::object());
    for (const auto& [k, v] : doc.items()) {
      if (props.contains(k)) {
        std::string p = shape_problem(v, props[k], path + "." + k);
        if (!p.empty()) return p;
      } else if (schema.contains("additionalProperties") && schema["additionalProperties"] == false) {
        return path + ": unexpected key " + k;
      }
    }
  }
  if (doc.is_array()) {
    if (schema.contains("maxItems") && doc.size() > schema["maxItems"].get<std::size_t>()) {
      return path + ": more than " + schema["maxItems"].dump() + " items";
    }
    if (schema.contains("minItems") && doc.size() < schema["minItems"].get<std::size_t>()) {
      return path + ": fewer than " + schema["minItems"].dump() + " items";
    }
    if (schema.contains("items")) {
      for (std::size_t i = 0; i < doc.size(); ++i) {
        std::string p = shape_problem(doc[i], schema["items"], path + "[" + std::to_string(i) + "]");
        if (!p.empty()) return p;
      }
    }
  }
  return "";
}

}  // namespace canarytrap::testing
