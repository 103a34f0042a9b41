#include "simserver/upstream.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <memory>
#include <regex>

#include "legion/simulated_model.hpp"

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
    resolver_.async_resolve(
        upstream_.host, upstream_.port,
        [self = shared_from_this()](beast::error_code ec, tcp::resolver::results_type results) {
          if (ec) return self->finish(ec);
          self->stream_.expires_after(self->timeout_);
          self->stream_.async_connect(results, [self](beast::error_code ec, const tcp::endpoint&) {
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

std::optional<UpstreamUrl> parse_upstream(const std::string& url) {
  static const std::regex shape(
      R"(^http://([A-Za-z0-9.\-]+|\[[0-9A-Fa-f:]+\])(:([0-9]{1,5}))?(/.*)?$)");
  std::smatch match;
  if (!std::regex_match(url, match, shape)) return std::nullopt;
  UpstreamUrl out;
  out.host = match[1].str();
  if (out.host.front() == '[') out.host = out.host.substr(1, out.host.size() - 2);
  if (match[3].matched) {
    if (std::stoul(match[3].str()) == 0 || std::stoul(match[3].str()) > 65535) return std::nullopt;
    out.port = match[3].str();
  }
  out.prefix = match[4].str();
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
