#pragma once
// Internal to OpenAIModel: non-blocking HTTP POSTs on one libcurl multi handle, driven by one
// thread per client. A coroutine awaiting a transfer holds no thread: the transfer thread runs
// every transfer at once (curl_multi_poll) and posts each finished one's coroutine to the
// scheduler it suspended on. Easy handles are pooled and every transfer runs on the same multi
// handle, so connections (and TLS sessions) are reused across calls and agents.
#include <curl/curl.h>

#include <chrono>
#include <coroutine>
#include <memory>
#include <optional>
#include <string>

#include "legion/scheduler.hpp"

namespace legion::detail {

struct HttpExchange {
  CURLcode code = CURLE_OK;
  long status = 0;
  std::string body;
  std::optional<std::chrono::seconds> retry_after;
  std::string error;  // curl's description of a transport failure
};

struct HttpPost {
  std::string url;
  const std::string* payload = nullptr;
  curl_slist* headers = nullptr;
  std::chrono::milliseconds timeout{0};
  std::chrono::milliseconds connect_timeout{0};
};

class HttpTransfers {
 public:
  HttpTransfers();
  ~HttpTransfers();  // fails transfers still running (CURLE_ABORTED_BY_CALLBACK) and joins
  HttpTransfers(const HttpTransfers&) = delete;
  HttpTransfers& operator=(const HttpTransfers&) = delete;

  // `co_await transfers.post(request)`; `request`'s payload and headers must outlive it. Where
  // no scheduler is current the transfer runs on the calling thread (curl_easy_perform).
  struct Awaiter {
    HttpTransfers& owner;
    HttpPost request;
    HttpExchange exchange;
    std::coroutine_handle<> coroutine;
    Scheduler* scheduler = nullptr;
    char error[CURL_ERROR_SIZE] = {};

    bool await_ready() const noexcept { return false; }
    bool await_suspend(std::coroutine_handle<> awaiting);
    HttpExchange await_resume() { return std::move(exchange); }
  };
  Awaiter post(HttpPost request) { return Awaiter{*this, std::move(request), {}, {}, nullptr, {}}; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace legion::detail
