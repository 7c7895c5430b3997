#include "hipcoach/storage/pending_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace hipcoach::storage {
namespace {

using core::Error;
namespace fs = std::filesystem;

// Written out once this much waits in the buffer.
constexpr std::size_t kBufferBytes = 64 * 1024;

std::string system_error(std::string_view what, const std::string& path) {
  return std::string(what) + " " + path + ": " + std::strerror(errno);
}

// Flushes the directory that holds `path`, so that a new name in it survives
// a power cut. Best effort: some file systems cannot.
void sync_directory_of(const std::string& path) {
  fs::path directory = fs::path(path).parent_path();
  if (directory.empty()) directory = ".";
  const int descriptor = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (descriptor < 0) return;
  (void)::fsync(descriptor);
  ::close(descriptor);
}

}  // namespace

PendingFile::PendingFile(std::string target, std::string where, std::vector<std::string> companions)
    : target_(std::move(target)), where_(std::move(where)), companions_(std::move(companions)) {}

PendingFile::~PendingFile() {
  if (descriptor_ >= 0) ::close(descriptor_);
  if (temporary_.empty()) return;
  ::unlink(temporary_.c_str());
  for (const std::string& suffix : companions_) ::unlink((temporary_ + suffix).c_str());
}

core::Result<void> PendingFile::create() {
  std::string name = target_ + ".partial-XXXXXX";
  const int descriptor = ::mkstemp(name.data());
  if (descriptor < 0) return Error::unavailable(where_, system_error("cannot create", name));
  temporary_ = name;
  descriptor_ = descriptor;
  // mkstemp's mode is 0600 less the umask; make it exactly 0600.
  if (::fchmod(descriptor_, S_IRUSR | S_IWUSR) != 0) {
    return Error::unavailable(where_, system_error("cannot set the mode of", name));
  }
  return {};
}

core::Result<void> PendingFile::write(std::string_view bytes) {
  buffer_.append(bytes);
  if (buffer_.size() >= kBufferBytes) return flush_buffer();
  return {};
}

core::Result<void> PendingFile::flush_buffer() {
  std::string_view rest = buffer_;
  while (!rest.empty()) {
    const ssize_t written = ::write(descriptor_, rest.data(), rest.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return Error::unavailable(where_, system_error("cannot write", temporary_));
    }
    rest.remove_prefix(static_cast<std::size_t>(written));
  }
  buffer_.clear();
  return {};
}

core::Result<void> PendingFile::commit(bool replace) {
  if (auto flushed = flush_buffer(); !flushed) return flushed;
  // fsync reaches what another handle (a library's) wrote to the file too.
  if (::fsync(descriptor_) != 0) {
    return Error::unavailable(where_, system_error("cannot write", temporary_));
  }
  const int closed = ::close(descriptor_);
  descriptor_ = -1;
  if (closed != 0) return Error::unavailable(where_, system_error("cannot write", temporary_));
  if (replace) {
    if (::rename(temporary_.c_str(), target_.c_str()) != 0) {
      return Error::unavailable(where_, system_error("cannot replace", target_));
    }
  } else {
    // link() fails when the name is taken, where rename() would replace a
    // file made since the caller's check.
    if (::link(temporary_.c_str(), target_.c_str()) != 0) {
      if (errno == EEXIST) return exists_error();
      return Error::unavailable(where_, system_error("cannot create", target_));
    }
    ::unlink(temporary_.c_str());
  }
  temporary_.clear();
  sync_directory_of(target_);
  return {};
}

core::Error PendingFile::exists_error() const {
  // The message names the file unless `where` does already.
  return Error::conflict(where_, where_ == target_
                                     ? std::string("exists; give --force to replace it")
                                     : target_ + " exists; give --force to replace it");
}

}  // namespace hipcoach::storage
