#pragma once
// Makes the calling process look like a container with Docker's default seccomp profile: every
// new namespace is refused (unshare, setns and clone with a CLONE_NEW* flag fail with EPERM,
// clone3 with ENOSYS so the C library falls back to clone), and optionally Landlock too
// (ENOSYS, as on a kernel without it). Installed in a forked child (a seccomp filter can never
// be removed), so a test can check what the sandbox does where isolation is missing.

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <vector>

namespace legion_test {

enum class Refuse { kNamespaces, kNamespacesAndLandlock };

// False (errno set) when the filter could not be installed.
inline bool refuse_isolation(Refuse what) {
#if defined(__x86_64__)
  constexpr unsigned kArch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
  constexpr unsigned kArch = AUDIT_ARCH_AARCH64;
#else
  errno = ENOSYS;
  return false;
#endif
  constexpr unsigned kNewNamespaces = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER |
                                      CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP;
  const auto errno_is = [](int e) { return SECCOMP_RET_ERRNO | static_cast<unsigned>(e); };
  std::vector<sock_filter> f = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, kArch, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
  };
  const auto answer = [&](long nr, unsigned action) {
    f.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, static_cast<unsigned>(nr), 0, 1));
    f.push_back(BPF_STMT(BPF_RET | BPF_K, action));
  };
  answer(SYS_unshare, errno_is(EPERM));
  answer(SYS_setns, errno_is(EPERM));
  answer(SYS_clone3, errno_is(ENOSYS));
  if (what == Refuse::kNamespacesAndLandlock) {
    answer(SYS_landlock_create_ruleset, errno_is(ENOSYS));
    answer(SYS_landlock_add_rule, errno_is(ENOSYS));
    answer(SYS_landlock_restrict_self, errno_is(ENOSYS));
  }
  // clone: refused only when its flags (the low word of the first argument) ask for a namespace.
  f.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone, 0, 3));
  f.push_back(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, args[0])));
  f.push_back(BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, kNewNamespaces, 0, 1));
  f.push_back(BPF_STMT(BPF_RET | BPF_K, errno_is(EPERM)));
  f.push_back(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
  sock_fprog program{static_cast<unsigned short>(f.size()), f.data()};
  return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
         prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) == 0;
}

}  // namespace legion_test
