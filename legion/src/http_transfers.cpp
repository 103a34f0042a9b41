#include "http_transfers.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

#include "legion/error.hpp"

namespace legion::detail {
namespace {

// curl_global_init is not thread-safe and must run once before any handle exists; a
// function-local static gives exactly that.
void init_curl_once() {
  static const CURLcode code = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (code != CURLE_OK) throw ModelError("libcurl failed to initialise");
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  static_cast<HttpExchange*>(user)->body.append(data, size * count);
  return size * count;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  const std::string_view line(data, size * count);
  constexpr std::string_view kName = "retry-after:";
  if (line.size() > kName.size() &&
      std::equal(kName.begin(), kName.end(), line.begin(),
                 [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); })) {
    // Only the delta-seconds form; an HTTP date is rare from model servers and is ignored.
    const long seconds = std::strtol(std::string(line.substr(kName.size())).c_str(), nullptr, 10);
    if (seconds > 0) static_cast<HttpExchange*>(user)->retry_after = std::chrono::seconds(seconds);
  }
  return size * count;
}

void configure(CURL* curl, HttpTransfers::Awaiter& transfer) {
  const HttpPost& post = transfer.request;
  curl_easy_setopt(curl, CURLOPT_URL, post.url.c_str());
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, post.payload->data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                   static_cast<curl_off_t>(post.payload->size()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, post.headers);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer.exchange);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer.exchange);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, transfer.error);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(post.timeout.count()));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(post.connect_timeout.count()));
  // Timeouts by signal are unsafe with many threads.
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_PRIVATE, &transfer);
}

void conclude(CURL* curl, HttpTransfers::Awaiter& transfer, CURLcode code) {
  transfer.exchange.code = code;
  if (code == CURLE_OK) {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &transfer.exchange.status);
  } else {
    transfer.exchange.error = transfer.error[0] != '\0' ? transfer.error : curl_easy_strerror(code);
  }
}

}  // namespace

struct HttpTransfers::Impl {
  CURLM* multi = nullptr;
  std::thread thread;
  std::mutex mutex;
  std::vector<Awaiter*> submitted;  // guarded by mutex
  bool stopping = false;            // guarded by mutex
  std::vector<CURL*> idle;          // transfer thread only: easy handles to reuse
  std::vector<CURL*> active;        // transfer thread only: handles on the multi handle

  void run();
  CURL* easy_handle();
};

CURL* HttpTransfers::Impl::easy_handle() {
  if (idle.empty()) return curl_easy_init();
  CURL* curl = idle.back();
  idle.pop_back();
  curl_easy_reset(curl);  // options off, connections and caches kept
  return curl;
}

void HttpTransfers::Impl::run() {
  std::vector<Awaiter*> batch;
  while (true) {
    bool stop = false;
    {
      std::lock_guard lock(mutex);
      batch.swap(submitted);
      stop = stopping;
    }
    for (Awaiter* transfer : batch) {
      CURL* curl = easy_handle();
      if (curl == nullptr) {
        transfer->exchange.code = CURLE_FAILED_INIT;
        transfer->exchange.error = "curl_easy_init failed";
        transfer->scheduler->post(transfer->coroutine);
        continue;
      }
      configure(curl, *transfer);
      curl_multi_add_handle(multi, curl);
      active.push_back(curl);
    }
    batch.clear();
    if (stop) break;
    int still_running = 0;
    curl_multi_perform(multi, &still_running);
    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(multi, &queued)) {
      if (message->msg != CURLMSG_DONE) continue;
      CURL* curl = message->easy_handle;
      void* user = nullptr;
      curl_easy_getinfo(curl, CURLINFO_PRIVATE, &user);
      auto* transfer = static_cast<Awaiter*>(user);
      conclude(curl, *transfer, message->data.result);
      curl_multi_remove_handle(multi, curl);
      std::erase(active, curl);
      idle.push_back(curl);
      transfer->scheduler->post(transfer->coroutine);  // the last touch of the awaiter
    }
    // Sleeps until a socket is ready, curl's next timeout, or a wake-up for new work or stop.
    curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
  }
  // Stopping with transfers still running breaks the contract (the model is being destroyed
  // while it is in use); they fail rather than hang.
  for (CURL* curl : active) {
    void* user = nullptr;
    curl_easy_getinfo(curl, CURLINFO_PRIVATE, &user);
    auto* transfer = static_cast<Awaiter*>(user);
    curl_multi_remove_handle(multi, curl);
    conclude(curl, *transfer, CURLE_ABORTED_BY_CALLBACK);
    curl_easy_cleanup(curl);
    transfer->scheduler->post(transfer->coroutine);
  }
  active.clear();
}

HttpTransfers::HttpTransfers() : impl_(std::make_unique<Impl>()) {
  init_curl_once();
  impl_->multi = curl_multi_init();
  if (impl_->multi == nullptr) throw ModelError("curl_multi_init failed");
  impl_->thread = std::thread([impl = impl_.get()] { impl->run(); });
}

HttpTransfers::~HttpTransfers() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
  }
  curl_multi_wakeup(impl_->multi);
  impl_->thread.join();
  for (CURL* curl : impl_->idle) curl_easy_cleanup(curl);
  curl_multi_cleanup(impl_->multi);
}

bool HttpTransfers::Awaiter::await_suspend(std::coroutine_handle<> awaiting) {
  coroutine = awaiting;
  scheduler = current_scheduler();
  if (scheduler == nullptr) {  // nowhere to resume: transfer on this thread
    CURL* curl = curl_easy_init();
    if (curl == nullptr) {
      exchange.code = CURLE_FAILED_INIT;
      exchange.error = "curl_easy_init failed";
      return false;
    }
    configure(curl, *this);
    conclude(curl, *this, curl_easy_perform(curl));
    curl_easy_cleanup(curl);
    return false;
  }
  // Once submitted, the transfer may finish and resume the coroutine (destroying this awaiter)
  // before the wake-up below: nothing of `this` may be touched after the push.
  Impl* impl = owner.impl_.get();
  {
    std::lock_guard lock(impl->mutex);
    impl->submitted.push_back(this);
  }
  curl_multi_wakeup(impl->multi);
  return true;
}

}  // namespace legion::detail
