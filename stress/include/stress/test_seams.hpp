#pragma once
// Bugs the tests plant in the harness on purpose, to prove the audit catches them. Only code
// that links the library can set them (RunOptions::seams): no flag, config field or
// environment variable reaches them, so a production run never has them.
namespace stress {

struct TestSeams {
  // In-process workers acknowledge each completion (history ok, with its lease token) when
  // the handler returns, before the group commit that makes it durable.
  bool ack_before_commit = false;
};

}  // namespace stress
