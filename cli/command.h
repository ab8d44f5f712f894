// Subcommand registry: each cli/<name>.cpp registers itself with one static OFAPT_COMMAND,
// so adding a command never touches main.cpp.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace ofapt::cli {

// Adds the command's options to `app` and returns what to run once they are parsed (exit code).
using CommandSetup = std::function<std::function<int()>(CLI::App& app)>;

struct CommandInfo {
  std::string name;
  std::string help;
  CommandSetup setup;
};

std::vector<CommandInfo>& command_registry();

struct CommandRegistration {
  CommandRegistration(std::string name, std::string help, CommandSetup setup) {
    command_registry().push_back({std::move(name), std::move(help), std::move(setup)});
  }
};

}  // namespace ofapt::cli

#define OFAPT_CONCAT_INNER(a, b) a##b
#define OFAPT_CONCAT(a, b) OFAPT_CONCAT_INNER(a, b)
#define OFAPT_COMMAND(name, help, setup) \
  static ::ofapt::cli::CommandRegistration OFAPT_CONCAT(ofapt_command_, __COUNTER__)(name, help, setup)
