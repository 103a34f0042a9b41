#include "simserver/upstream.hpp"

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <memory>

#include "legion/simulated_model.hpp"
#include "legion/tokens.hpp"

namespace legion::simserver {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

constexpr std::size_t kReplyLimit = std::size_t{256} << 20;

class Call : public std::enable_shared_from_this<Call> {
 public:
  Call(net::any_io_executor executor, const UpstreamUrl& upstream, Request request,
       std::chrono::milliseconds timeout, std::function<void(beast::error_code, Response)> done)
      : resolver_(executor),
        stream_(executor),
        upstream_(upstream),
        request_(std::move(request)),
        timeout_(timeout),
        done_(std::move(done)) {}

  void start() {
    request_.target(upstream_.prefix + std::string(request_.target()));
    request_.set(http::field::host, upstream_.host + ":" + upstream_.port);
    request_.keep_alive(false);
    request_.prepare_payload();
    parser_.body_limit(kReplyLimit);
    resolver_.async_resolve(upstream_.host, upstream_.port,
                            [self = shared_from_this()](
                                beast::error_code ec, const tcp::resolver::results_type& results) {
                              if (ec) return self->finish(ec);
                              self->stream_.expires_after(self->timeout_);
                              self->stream_.async_connect(
                                  results, [self](beast::error_code ec, const tcp::endpoint&) {
                                    if (ec) return self->finish(ec);
                                    self->write();
                                  });
                            });
  }

 private:
  void write() {
    http::async_write(
        stream_, request_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
          if (ec) return self->finish(ec);
          http::async_read(self->stream_, self->buffer_, self->parser_,
                           [self](beast::error_code ec, std::size_t) { self->finish(ec); });
        });
  }

  void finish(beast::error_code ec) {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    done_(ec, ec ? Response() : parser_.release());
  }

  tcp::resolver resolver_;
  beast::tcp_stream stream_;
  UpstreamUrl upstream_;
  Request request_;
  std::chrono::milliseconds timeout_;
  std::function<void(beast::error_code, Response)> done_;
  beast::flat_buffer buffer_;
  http::response_parser<http::string_body> parser_;
};

std::optional<TokenUsage> usage_of(const Json& json) {
  if (!json.is_object() || !json.contains("usage") || !json["usage"].is_object()) {
    return std::nullopt;
  }
  const Json& usage = json["usage"];
  if (!usage.value("prompt_tokens", Json()).is_number_unsigned() ||
      !usage.value("completion_tokens", Json()).is_number_unsigned()) {
    return std::nullopt;
  }
  return TokenUsage{usage["prompt_tokens"].get<std::uint64_t>(),
                    usage["completion_tokens"].get<std::uint64_t>()};
}

}  // namespace

// http://HOST[:PORT][/PATH], HOST a name or address of [A-Za-z0-9.-] or a bracketed IPv6
// address. Scanned by hand: <regex> under GCC 12's ASan build trips a false
// -Wmaybe-uninitialized (-Werror).
std::optional<UpstreamUrl> parse_upstream(const std::string& url) {
  constexpr std::string_view scheme = "http://";
  if (!url.starts_with(scheme)) return std::nullopt;
  const std::string_view rest = std::string_view(url).substr(scheme.size());
  const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  const auto is_hex = [&](char c) {
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  };
  const auto is_name = [&](char c) {
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '-';
  };
  UpstreamUrl out;
  std::size_t at = 0;
  if (!rest.empty() && rest.front() == '[') {
    const std::size_t close = rest.find(']');
    if (close == std::string_view::npos || close == 1) return std::nullopt;
    const std::string_view address = rest.substr(1, close - 1);
    if (!std::all_of(address.begin(), address.end(), [&](char c) { return is_hex(c) || c == ':'; }))
      return std::nullopt;
    out.host = std::string(address);
    at = close + 1;
  } else {
    while (at < rest.size() && is_name(rest[at])) ++at;
    if (at == 0) return std::nullopt;
    out.host = std::string(rest.substr(0, at));
  }
  if (at < rest.size() && rest[at] == ':') {
    const std::size_t begin = ++at;
    while (at < rest.size() && is_digit(rest[at])) ++at;
    const std::string_view digits = rest.substr(begin, at - begin);
    if (digits.empty() || digits.size() > 5) return std::nullopt;
    const unsigned long port = std::stoul(std::string(digits));
    if (port == 0 || port > 65535) return std::nullopt;
    out.port = std::string(digits);
  }
  const std::string_view path = rest.substr(at);
  if (!path.empty() && path.front() != '/') return std::nullopt;
  if (path.find_first_of("\r\n") != std::string_view::npos) return std::nullopt;
  out.prefix = std::string(path);
  while (!out.prefix.empty() && out.prefix.back() == '/') out.prefix.pop_back();
  if (out.prefix.ends_with("/v1")) out.prefix.resize(out.prefix.size() - 3);
  return out;
}

void forward(net::any_io_executor executor, const UpstreamUrl& upstream, Request request,
             std::chrono::milliseconds timeout,
             std::function<void(beast::error_code, Response)> done) {
  std::make_shared<Call>(std::move(executor), upstream, std::move(request), timeout,
                         std::move(done))
      ->start();
}

TokenUsage reply_usage(const std::string& body, const ModelRequest* sent) {
  const Json json = Json::parse(body, nullptr, false);
  if (!json.is_discarded()) {
    if (const auto usage = usage_of(json)) return *usage;
  } else {
    // A stream: the last "data: {...}" event that carries usage.
    std::optional<TokenUsage> found;
    for (std::size_t at = body.find("data: "); at != std::string::npos;
         at = body.find("data: ", at + 6)) {
      const std::size_t end = body.find('\n', at);
      const Json chunk = Json::parse(body.substr(at + 6, end - at - 6), nullptr, false);
      if (const auto usage = usage_of(chunk)) found = usage;
    }
    if (found) return *found;
  }
  TokenUsage usage;
  if (sent != nullptr) usage.prompt_tokens = count_prompt_tokens(*sent);
  if (json.is_object() && json.contains("choices") && json["choices"].is_array() &&
      !json["choices"].empty() && json["choices"][0].is_object() &&
      json["choices"][0].contains("message")) {
    try {
      usage.completion_tokens =
          count_completion_tokens(message_from_json(json["choices"][0]["message"]));
    } catch (const std::exception&) {
      // A reply the client will reject anyway; its tokens stay uncounted.
    }
  }
  return usage;
}

}  // namespace legion::simserver
