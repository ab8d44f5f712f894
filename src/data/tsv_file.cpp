#include "data/tsv_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/error.h"
#include "util/strings.h"

namespace ofapt {

TsvFile::TsvFile(const std::string& path, std::vector<int> selected_columns)
    : path_(path), selected_(std::move(selected_columns)) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  OFAPT_CHECK(fd_ >= 0, ErrorKind::kIo, path, ": cannot open (", std::strerror(errno), ")");
  std::vector<char> buffer(1 << 20);
  int64_t offset = 0, row_start = 0, line = 1;
  auto end_row = [&](int64_t end) {
    int64_t length = end - row_start;
    if (length > 0) {
      offsets_.push_back(row_start);
      lengths_.push_back(length);
      lines_.push_back(line);
    }
  };
  bool previous_cr = false;
  while (true) {
    const ssize_t got = ::read(fd_, buffer.data(), buffer.size());
    OFAPT_CHECK(got >= 0, ErrorKind::kIo, path, ": read failed (", std::strerror(errno), ")");
    if (got == 0) break;
    for (ssize_t i = 0; i < got; ++i) {
      if (buffer[i] == '\n') {
        end_row(offset + i - (previous_cr ? 1 : 0));
        row_start = offset + i + 1;
        ++line;
      }
      previous_cr = buffer[i] == '\r';
    }
    offset += got;
  }
  end_row(offset - (previous_cr ? 1 : 0));
}

TsvFile::~TsvFile() {
  if (fd_ >= 0) ::close(fd_);
}

std::string TsvFile::where(int64_t row) const { return path_ + ":" + std::to_string(lines_.at(row)); }

std::vector<std::string> TsvFile::fields(int64_t row) const {
  std::string text(static_cast<size_t>(lengths_.at(row)), '\0');
  int64_t done = 0;
  while (done < lengths_[row]) {
    const ssize_t got = ::pread(fd_, text.data() + done, lengths_[row] - done, offsets_[row] + done);
    OFAPT_CHECK(got > 0, ErrorKind::kIo, where(row), ": read failed");
    done += got;
  }
  std::vector<std::string> columns = split_on(text, "\t");
  if (selected_.empty()) return columns;
  std::vector<std::string> selected;
  for (const int column : selected_) {
    OFAPT_CHECK(column >= 0 && column < static_cast<int>(columns.size()), ErrorKind::kInput, where(row), ": has ",
                columns.size(), " columns, the selected columns need column ", column);
    selected.push_back(columns[column]);
  }
  return selected;
}

}  // namespace ofapt
