#pragma once
// legion-simserver --upstream URL: a metering proxy in front of a real OpenAI-compatible server
// (legion-bench --endpoint). Every request is forwarded as it came (the client's Authorization
// header included; the server keeps nothing of it), the reply returned as it came, and each
// /v1/chat/completions exchange is counted in the same counter block the simulated model
// fills: calls, the upstream's usage (or the simulated model's token rule when it reports
// none), and the upstream's time for the exchange as the model time. Plain HTTP only.
#include <boost/asio/any_io_executor.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "legion/model.hpp"

namespace legion::simserver {

struct UpstreamUrl {
  std::string host;
  std::string port = "80";
  std::string prefix;  // path before /v1, without a trailing slash ("" or "/api")
};

// "http://host[:port][/prefix]"; nullopt for anything else (https, no host, a bad port).
std::optional<UpstreamUrl> parse_upstream(const std::string& url);

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;

// Sends `request` (its target gets the URL's prefix) on a new connection and calls `done` with
// the reply, or with an error code and an empty reply (connection refused, timeout, a reply
// that is not HTTP). Runs on `executor`; `done` is called exactly once.
void forward(boost::asio::any_io_executor executor, const UpstreamUrl& upstream, Request request,
             std::chrono::milliseconds timeout,
             std::function<void(boost::beast::error_code, Response)> done);

// The usage of a chat completion reply: its `usage` object (a plain reply, or the last stream
// chunk that has one); without one, the token rule over `sent` and the reply's message.
TokenUsage reply_usage(const std::string& body, const ModelRequest* sent);

}  // namespace legion::simserver
