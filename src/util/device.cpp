#include "util/device.h"

#include "util/error.h"

namespace ofapt {

torch::Device parse_device(const std::string& text, const std::string& where) {
  const bool cpu = text == "cpu";
  const bool cuda = text == "cuda" || text.rfind("cuda:", 0) == 0;
  OFAPT_CHECK(cpu || cuda, ErrorKind::kUsage, where, ": device '", text, "' is not cpu, cuda or cuda:<index>");
  if (cpu) return torch::kCPU;
  int64_t index = 0;
  if (text.size() > 5) {
    char* end = nullptr;
    index = std::strtoll(text.c_str() + 5, &end, 10);
    OFAPT_CHECK(end != nullptr && *end == '\0' && index >= 0, ErrorKind::kUsage, where, ": device '", text,
                "' has no valid index");
  }
  OFAPT_CHECK(torch::cuda::is_available(), ErrorKind::kUsage, where, ": device '", text,
              "' asked for, but this build or machine has no CUDA device");
  OFAPT_CHECK(index < static_cast<int64_t>(torch::cuda::device_count()), ErrorKind::kUsage, where, ": device '", text,
              "': this machine has ", torch::cuda::device_count(), " CUDA devices");
  return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(index));
}

}  // namespace ofapt
