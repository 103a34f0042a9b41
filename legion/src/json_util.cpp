#include "json_util.hpp"

#include <array>
#include <charconv>

#include "legion/hash.hpp"

namespace legion::detail {
namespace {

// Extra bytes dump() spends escaping each byte: 1 for \" \\ \b \f \n \r \t, 5 for other
// control characters (\u00XX), 0 for everything else.
constexpr std::array<unsigned char, 256> kEscapeExtra = [] {
  std::array<unsigned char, 256> table{};
  for (int c = 0; c < 0x20; ++c) table[c] = 5;
  for (unsigned char c : {'"', '\\', '\b', '\f', '\n', '\r', '\t'}) table[c] = 1;
  return table;
}();

std::size_t escaped_size(const std::string& text) {
  std::size_t size = text.size() + 2;  // the quotes
  for (unsigned char c : text) size += kEscapeExtra[c];
  return size;
}

template <typename Integer>
std::size_t integer_size(Integer value) {
  char buffer[24];
  return static_cast<std::size_t>(std::to_chars(buffer, buffer + sizeof buffer, value).ptr -
                                  buffer);
}

std::uint64_t mix(std::uint64_t hash, const void* data, std::size_t size) {
  return fnv1a(std::string_view(static_cast<const char*>(data), size), hash);
}

}  // namespace

std::size_t dumped_size(const Json& json) {
  switch (json.type()) {
    case Json::value_t::null:
      return 4;
    case Json::value_t::boolean:
      return json.get<bool>() ? 4 : 5;
    case Json::value_t::string:
      return escaped_size(json.get_ref<const std::string&>());
    case Json::value_t::number_integer:
      return integer_size(json.get<std::int64_t>());
    case Json::value_t::number_unsigned:
      return integer_size(json.get<std::uint64_t>());
    // The containers are walked directly: nlohmann's iterators cost more than the counting.
    case Json::value_t::object: {
      const auto& object = json.get_ref<const Json::object_t&>();
      std::size_t size = 2 + (object.empty() ? 0 : object.size() - 1);  // braces and commas
      for (const auto& [key, value] : object) size += escaped_size(key) + 1 + dumped_size(value);
      return size;
    }
    case Json::value_t::array: {
      const auto& array = json.get_ref<const Json::array_t&>();
      std::size_t size = 2 + (array.empty() ? 0 : array.size() - 1);
      for (const Json& item : array) size += dumped_size(item);
      return size;
    }
    default:
      // Floats (nlohmann's shortest round-trip format) and binary are rare in arguments and
      // schemas; measuring their real text keeps the rule exact.
      return json.dump(-1, ' ', false, Json::error_handler_t::replace).size();
  }
}

std::uint64_t hash_json(const Json& json, std::uint64_t hash) {
  const auto tag = static_cast<unsigned char>(json.type());
  hash = mix(hash, &tag, 1);
  switch (json.type()) {
    case Json::value_t::string:
      return fnv1a(json.get_ref<const std::string&>(), hash);
    case Json::value_t::boolean: {
      const unsigned char value = json.get<bool>() ? 1 : 0;
      return mix(hash, &value, 1);
    }
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned: {
      // Little-endian bytes by hand so the hash is the same on every platform.
      std::uint64_t value = json.get<std::uint64_t>();
      unsigned char bytes[8];
      for (unsigned char& byte : bytes) {
        byte = static_cast<unsigned char>(value & 0xff);
        value >>= 8;
      }
      return mix(hash, bytes, sizeof bytes);
    }
    case Json::value_t::object:
      for (auto it = json.begin(); it != json.end(); ++it) {
        hash = fnv1a(it.key(), hash);
        hash = hash_json(it.value(), hash);
      }
      return fnv1a("}", hash);
    case Json::value_t::array:
      for (const Json& item : json) hash = hash_json(item, hash);
      return fnv1a("]", hash);
    case Json::value_t::null:
      return hash;
    default:
      return fnv1a(json.dump(-1, ' ', false, Json::error_handler_t::replace), hash);
  }
}

}  // namespace legion::detail
