// ofapt: one binary, one subcommand per file in cli/. Errors end here: exit 1, usage errors exit 2.
#include <iostream>
#include <memory>
#include <string>

#include "cli/command.h"
#include "util/error.h"
#include "util/reexec.h"
#include "util/threading.h"

namespace ofapt::cli {

std::vector<CommandInfo>& command_registry() {
  static std::vector<CommandInfo> registry;
  return registry;
}

}  // namespace ofapt::cli

int main(int argc, char** argv) {
  using namespace ofapt;
  // Commands whose steps allocate large tensors run with the heap-keeping allocator (util/allocator.h).
  const std::string subcommand = argc > 1 ? argv[1] : "";
  apply_startup_settings(argv, subcommand == "pretrain" || subcommand == "tune" || subcommand == "eval" ||
                                   subcommand == "demo");
  CLI::App app{"ofapt: prompt tuning for generative multimodal pretrained models (OFA)"};
  app.require_subcommand(1);
  std::function<int()> run;
  for (auto& command : cli::command_registry()) {
    CLI::App* sub = app.add_subcommand(command.name, command.help);
    auto runner = std::make_shared<std::function<int()>>(command.setup(*sub));
    sub->callback([&run, runner] { run = *runner; });
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  try {
    configure_cpu_threads();
    return run ? run() : 0;
  } catch (const Error& e) {
    std::cerr << "ofapt: error (" << to_string(e.kind()) << "): " << e.what() << "\n";
    return e.kind() == ErrorKind::kUsage ? 2 : 1;
  } catch (const std::exception& e) {
    std::cerr << "ofapt: error: " << e.what() << "\n";
    return 1;
  }
}
