#include "simserver/server.hpp"

#include <time.h>

#include <atomic>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "legion/error.hpp"
#include "legion/simulated_model.hpp"
#include "simserver/upstream.hpp"
#include "simserver/wire.hpp"

namespace legion::simserver {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr std::chrono::seconds kWriteTimeout{30};
// After refusing a request whose body is still arriving, read and drop at most this much (or
// for this long) before closing, so the client reads the error instead of a reset.
constexpr std::size_t kLingerBytes = std::size_t{64} << 20;
constexpr std::chrono::seconds kLingerTimeout{5};

std::uint64_t process_cpu_ns() {
  timespec now{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<std::uint64_t>(now.tv_sec) * 1'000'000'000ull +
         static_cast<std::uint64_t>(now.tv_nsec);
}

// What every session shares.
struct Shared {
  ServerOptions options;
  SimulatedModel model;
  CounterBlock own_counters;
  CounterBlock* counters;
  std::optional<UpstreamUrl> upstream;
  std::atomic<std::uint64_t> next_id{1};

  explicit Shared(ServerOptions o)
      : options(std::move(o)),
        model(SimulatedModelOptions{options.seed, options.latency}),
        counters(options.counters != nullptr ? options.counters : &own_counters) {
    own_counters.magic.store(CounterBlock::kMagic);
    if (!options.upstream.empty()) {
      upstream = parse_upstream(options.upstream);
      if (!upstream) {
        throw std::runtime_error("--upstream '" + options.upstream +
                                 "': not an http://host[:port][/path] URL");
      }
    }
  }

  void count_reply(const ModelResponse& response) {
    constexpr auto order = std::memory_order_release;
    counters->prompt_tokens.fetch_add(response.usage.prompt_tokens, order);
    counters->completion_tokens.fetch_add(response.usage.completion_tokens, order);
    counters->model_ns.fetch_add(static_cast<std::uint64_t>(response.model_time.count()), order);
    counters->server_cpu_ns.store(process_cpu_ns(), order);
    // Last, so a reader that sees the call also sees its figures.
    counters->calls.fetch_add(1, order);
  }
  void count_error() {
    counters->errors.fetch_add(1, std::memory_order_release);
    counters->server_cpu_ns.store(process_cpu_ns(), std::memory_order_release);
  }

  ReplyIds ids(const std::string& model_name) {
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx",
                  static_cast<unsigned long long>(next_id.fetch_add(1)));
    return {std::string("chatcmpl-legion") + hex, static_cast<std::int64_t>(::time(nullptr)),
            model_name};
  }
};

std::string counters_json(const CounterSnapshot& c) {
  return Json{{"calls", c.calls},
              {"prompt_tokens", c.prompt_tokens},
              {"completion_tokens", c.completion_tokens},
              {"model_ns", c.model_ns},
              {"errors", c.errors},
              {"server_cpu_ns", c.server_cpu_ns}}
      .dump();
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Shared& shared)
      : stream_(std::move(socket)), shared_(shared), timer_(stream_.get_executor()) {}

  void start() {
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&Session::read, shared_from_this()));
  }

 private:
  void read() {
    parser_.emplace();
    parser_->body_limit(shared_.options.max_body_bytes);
    stream_.expires_after(shared_.options.idle_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec == http::error::body_limit) {
      keep_alive_ = false;
      return fail(413,
                  {413,
                   "the request body exceeds the server's limit of " +
                       std::to_string(shared_.options.max_body_bytes) + " bytes",
                   "invalid_request_error", "", "request_too_large"},
                  /*linger=*/true);
    }
    if (ec && ec.category() == http::make_error_code(http::error::bad_target).category() &&
        ec != http::error::end_of_stream && ec != http::error::partial_message) {
      keep_alive_ = false;
      return fail(400,
                  {400, "malformed HTTP request: " + ec.message(), "invalid_request_error", "",
                   "bad_request"},
                  /*linger=*/true);
    }
    if (ec) return close();  // end of stream, timeout, reset: nothing to answer
    stream_.expires_never();
    request_ = parser_->release();
    keep_alive_ = request_.keep_alive();
    route();
  }

  void route() {
    std::string_view target(request_.target().data(), request_.target().size());
    target = target.substr(0, target.find('?'));
    const http::verb method = request_.method();
    const std::string& served = shared_.options.served_model;
    if (shared_.upstream && target != "/health" && target != "/legion/counters") {
      return proxy(target == "/v1/chat/completions" && method == http::verb::post);
    }
    if (target == "/v1/chat/completions") {
      if (method != http::verb::post) return not_allowed("POST");
      return chat();
    }
    if (target == "/v1/models" || target.starts_with("/v1/models/")) {
      if (method != http::verb::get) return not_allowed("GET");
      if (target == "/v1/models") return send_json(200, models_body(served));
      if (target.substr(std::string_view("/v1/models/").size()) == served) {
        return send_json(200, model_body(served));
      }
      return fail(404, {404, "The model '" + std::string(target.substr(11)) + "' does not exist",
                        "invalid_request_error", "model", "model_not_found"});
    }
    if (target == "/health") {
      if (method != http::verb::get) return not_allowed("GET");
      return send_json(200, R"({"status":"ok"})");
    }
    if (target == "/legion/counters") {
      if (method != http::verb::get) return not_allowed("GET");
      return send_json(200, counters_json(snapshot(*shared_.counters)));
    }
    fail(404, {404,
               "Unknown request URL: " + std::string(request_.method_string()) + " " +
                   std::string(target) + ". Routes: POST /v1/chat/completions, GET /v1/models",
               "invalid_request_error", "", "unknown_url"});
  }

  void not_allowed(const std::string& allowed) {
    fail(405, {405, std::string(request_.method_string()) + " is not allowed here; use " + allowed,
               "invalid_request_error", "", "method_not_allowed"});
  }

  void chat() {
    const auto start = Clock::now();
    ParseResult parsed = parse_chat_request(request_.body());
    if (!parsed.request) return fail(parsed.error.status, parsed.error);
    chat_ = std::move(*parsed.request);
    try {
      SimulatedModel::Deferred out = shared_.model.complete_deferred(chat_.request);
      reply_ = std::move(out.response);
      // Like complete_deferred: the model's own work plus the latency it is about to wait.
      reply_.model_time = (Clock::now() - start) + out.wait;
      wait_ = out.wait;
    } catch (const ScriptError& error) {
      // Deterministic: asking again gets the same answer, so a 4xx (clients do not retry).
      return fail(400, {400, std::string("the simulated model cannot answer: ") + error.what(),
                        "invalid_request_error", "messages", "script_error"});
    } catch (const std::exception& error) {
      return fail(500, {500, std::string("the simulated model failed: ") + error.what(),
                        "server_error", "", ""});
    }
    ids_ = shared_.ids(chat_.model);
    if (chat_.stream) {
      frames_ = stream_chunks(reply_, ids_, chat_.include_usage);
      for (std::string& frame : frames_) frame = "data: " + frame + "\n\n";
      frames_.emplace_back("data: [DONE]\n\n");
      // The latency is spread over the events, the last arriving when a plain reply would.
      gap_ = wait_ / static_cast<std::int64_t>(frames_.size());
      shared_.count_reply(reply_);
      return after(gap_, [self = shared_from_this()] { self->write_stream_head(); });
    }
    after(wait_, [self = shared_from_this()] {
      self->shared_.count_reply(self->reply_);
      self->send_json(200, completion_body(self->reply_, self->ids_));
    });
  }

  // Forwards the request to the upstream server; a chat completion is counted like a
  // simulated one, its time from sending to the whole reply.
  void proxy(bool chat) {
    std::optional<ModelRequest> sent;
    if (chat) {
      ParseResult parsed = parse_chat_request(request_.body());
      if (parsed.request) sent = std::move(parsed.request->request);
    }
    Request forwarded = request_;
    forwarded.erase(http::field::accept_encoding);  // the reply is passed on as it comes
    const auto start = Clock::now();
    forward(stream_.get_executor(), *shared_.upstream, std::move(forwarded),
            shared_.options.upstream_timeout,
            [self = shared_from_this(), chat, sent = std::move(sent), start](beast::error_code ec,
                                                                             Response reply) {
              if (ec) {
                return self->fail(502, {502, "the upstream model server failed: " + ec.message(),
                                        "server_error", "", "upstream_error"});
              }
              const bool ok = reply.result_int() >= 200 && reply.result_int() < 300;
              if (chat && ok) {
                ModelResponse counted;
                counted.usage = reply_usage(reply.body(), sent ? &*sent : nullptr);
                counted.model_time = Clock::now() - start;
                self->shared_.count_reply(counted);
              } else if (!ok) {
                self->shared_.count_error();
              }
              const auto type = reply[http::field::content_type];
              self->send(static_cast<int>(reply.result_int()), std::move(reply.body()),
                         type.empty() ? "application/json" : std::string(type));
            });
  }

  template <class Then>
  void after(std::chrono::nanoseconds wait, Then then) {
    if (wait.count() <= 0) return then();
    timer_.expires_after(wait);
    timer_.async_wait([then = std::move(then)](beast::error_code ec) {
      if (!ec) then();
    });
  }

  void write_stream_head() {
    stream_head_.emplace(http::status::ok, request_.version());
    stream_head_->set(http::field::server, "legion-simserver");
    stream_head_->set(http::field::content_type, "text/event-stream; charset=utf-8");
    stream_head_->set(http::field::cache_control, "no-cache");
    stream_head_->keep_alive(keep_alive_);
    stream_head_->chunked(true);
    head_serializer_.emplace(*stream_head_);
    stream_.expires_after(kWriteTimeout);
    http::async_write_header(stream_, *head_serializer_,
                             [self = shared_from_this()](beast::error_code ec, std::size_t) {
                               if (ec) return self->close();
                               self->next_frame = 0;
                               self->write_frame();
                             });
  }

  std::size_t next_frame = 0;

  void write_frame() {
    if (next_frame == frames_.size()) {
      return net::async_write(
          stream_, http::make_chunk_last(),
          [self = shared_from_this()](beast::error_code ec, std::size_t) { self->done(ec); });
    }
    const std::string& frame = frames_[next_frame++];
    stream_.expires_after(kWriteTimeout);
    net::async_write(stream_, http::make_chunk(net::buffer(frame)),
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       // A client that hung up mid-stream: drop the connection, nothing else.
                       if (ec) return self->close();
                       if (self->next_frame == self->frames_.size()) return self->write_frame();
                       self->after(self->gap_, [self] { self->write_frame(); });
                     });
  }

  void fail(int status, const WireError& error, bool linger = false) {
    shared_.count_error();
    linger_ = linger;
    send_json(status, error_body(error));
  }

  void send_json(int status, std::string body) {
    send(status, std::move(body), "application/json");
  }

  void send(int status, std::string body, const std::string& content_type) {
    response_.emplace(static_cast<http::status>(status),
                      request_.version() ? request_.version() : 11);
    response_->set(http::field::server, "legion-simserver");
    response_->set(http::field::content_type, content_type);
    response_->keep_alive(keep_alive_);
    response_->body() = std::move(body);
    response_->prepare_payload();
    stream_.expires_after(kWriteTimeout);
    http::async_write(
        stream_, *response_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->done(ec); });
  }

  void done(beast::error_code ec) {
    if (ec) return close();
    if (linger_) return linger();
    if (!keep_alive_) return close();
    read();
  }

  // Half-close, then drain what the client is still sending, so it sees our reply.
  void linger() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(kLingerTimeout);
    drain_.resize(64 * 1024);
    drain_some();
  }
  void drain_some() {
    stream_.async_read_some(net::buffer(drain_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->drained_ += n;
                              if (ec || self->drained_ > kLingerBytes) return self->close();
                              self->drain_some();
                            });
  }

  void close() {
    beast::error_code ignored;
    timer_.cancel();
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  Shared& shared_;
  net::steady_timer timer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::request<http::string_body> request_;
  std::optional<http::response<http::string_body>> response_;
  std::optional<http::response<http::empty_body>> stream_head_;
  std::optional<http::response_serializer<http::empty_body>> head_serializer_;
  bool keep_alive_ = false;
  bool linger_ = false;
  ChatRequest chat_;
  ModelResponse reply_;
  ReplyIds ids_;
  std::chrono::nanoseconds wait_{0}, gap_{0};
  std::vector<std::string> frames_;
  std::vector<char> drain_;
  std::size_t drained_ = 0;
};

}  // namespace

struct Server::Impl {
  Shared shared;
  net::io_context io;
  tcp::acceptor acceptor;

  explicit Impl(ServerOptions options)
      : shared(std::move(options)),
        io(static_cast<int>(std::max<std::size_t>(shared.options.threads, 1))),
        acceptor(net::make_strand(io)) {
    const tcp::endpoint where(net::ip::address_v4::loopback(), shared.options.port);
    beast::error_code ec;
    acceptor.open(where.protocol(), ec);
    if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(where, ec);
    if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      throw std::runtime_error("cannot listen on 127.0.0.1:" + std::to_string(shared.options.port) +
                               ": " + ec.message());
    }
  }

  void accept() {
    acceptor.async_accept(net::make_strand(io), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == net::error::operation_aborted) return;  // stop()
      if (!ec) {
        socket.set_option(tcp::no_delay(true), ec);
        std::make_shared<Session>(std::move(socket), shared)->start();
      }
      // EMFILE and friends: keep accepting; the next connection may fit.
      accept();
    });
  }
};

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {
  impl_->accept();
}

Server::~Server() {
  stop();
}

std::uint16_t Server::port() const {
  return impl_->acceptor.local_endpoint().port();
}

void Server::run() {
  std::vector<std::thread> others;
  for (std::size_t i = 1; i < impl_->shared.options.threads; ++i) {
    others.emplace_back([this] { impl_->io.run(); });
  }
  impl_->io.run();
  for (std::thread& thread : others) thread.join();
}

void Server::stop() {
  impl_->io.stop();
}

CounterSnapshot Server::counters() const {
  return snapshot(*impl_->shared.counters);
}

}  // namespace legion::simserver
