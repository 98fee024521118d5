#include "canarytrap/core/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "canarytrap/core/secure_random.h"

namespace canarytrap {

std::filesystem::path temp_path_beside(const std::filesystem::path& target) {
  auto name = "." + target.filename().string() + ".tmp-" + secure_random_hex(6);
  return target.parent_path() / name;
}

Result<std::filesystem::path> stage_file(const std::filesystem::path& target, std::string_view content, unsigned mode) {
  const auto tmp = temp_path_beside(target);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    return Status::IoError("cannot write in " + (target.has_parent_path() ? target.parent_path().string() : ".") +
                           ": " + std::strerror(errno));
  }
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return Status::IoError("cannot write " + tmp.string() + ": " + std::strerror(err));
    }
    done += static_cast<std::size_t>(n);
  }
  // The umask may have narrowed `mode`; a secret file must not be wider either way.
  if (::fchmod(fd, mode) != 0 || ::fsync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    return Status::IoError("cannot write " + tmp.string() + ": " + std::strerror(err));
  }
  ::close(fd);
  return tmp;
}

Status commit_staged(const std::filesystem::path& staged, const std::filesystem::path& target) {
  if (::rename(staged.c_str(), target.c_str()) != 0) {
    const int err = errno;
    ::unlink(staged.c_str());
    return Status::IoError("cannot rename " + staged.string() + " to " + target.string() + ": " + std::strerror(err));
  }
  return Status::Ok();
}

}  // namespace canarytrap
