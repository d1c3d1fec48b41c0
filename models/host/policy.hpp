// Which host services the guest may use, by the public emulator's service
// names. `--allow`/`--deny` mean what they mean there (a denied name loses;
// a non-empty allow list must name the service); `net` and `exec` reach
// the host beyond the sandbox, so they are off until `--enable`d.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace s32::host {

struct Policy {
  std::vector<std::string> allow, deny, enable;

  bool allows(std::string_view service) const;
  // The service that gates `opcode` (services.md §1), or nullptr when
  // none does (NOP, PUTCHAR, GETCHAR, EXIT, negotiation, unassigned codes).
  static const char* service_of(std::uint32_t opcode);
  // Appends the comma-separated names of `text` to `list` (empty items
  // skipped); returns an error message for a name that is no service.
  static std::string add(std::vector<std::string>& list, const std::string& text);
};

// The three lists by their option names (--allow, --deny, --enable), for
// the command line that fills them and the saved configuration that lists
// them.
struct PolicyList {
  const char* name;
  std::vector<std::string> Policy::*list;
};
inline constexpr PolicyList kPolicyLists[] = {
    {"allow", &Policy::allow}, {"deny", &Policy::deny}, {"enable", &Policy::enable}};

// The service names, in the order the statistics list them.
inline constexpr const char* kServiceNames[] = {"fs", "time", "env", "exec", "net", "term", "tube"};

}  // namespace s32::host
