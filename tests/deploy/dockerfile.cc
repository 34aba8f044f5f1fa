#include "tests/deploy/dockerfile.h"

#include <regex>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace korpus::testing {
namespace {

std::vector<std::string> Words(absl::string_view text) {
  std::vector<std::string> words;
  for (absl::string_view word : absl::StrSplit(text, absl::ByAnyChar(" \t"), absl::SkipEmpty())) {
    words.emplace_back(word);
  }
  return words;
}

// The packages after "apt-get install" in one RUN, up to the next "&&".
void CollectAptPackages(const std::string& run, std::vector<std::string>& packages) {
  for (absl::string_view command : absl::StrSplit(run, absl::ByAnyChar("&;|"), absl::SkipEmpty())) {
    std::vector<std::string> words = Words(command);
    for (size_t i = 0; i + 1 < words.size(); ++i) {
      if (words[i] == "apt-get" && words[i + 1] == "install") {
        for (size_t j = i + 2; j < words.size(); ++j) {
          if (!absl::StartsWith(words[j], "-")) packages.push_back(words[j]);
        }
        break;
      }
    }
  }
}

std::string JoinPath(absl::string_view a, absl::string_view b) {
  if (b.empty()) return std::string(a);
  return absl::StrCat(absl::StripSuffix(a, "/"), "/", absl::StripPrefix(b, "/"));
}

}  // namespace

const DockerStage* Dockerfile::Stage(const std::string& name) const {
  for (const DockerStage& stage : stages) {
    if (stage.name == name) return &stage;
  }
  return nullptr;
}

absl::StatusOr<Dockerfile> ParseDockerfile(const std::string& text) {
  // Join continuation lines, drop comments and blank lines.
  std::vector<std::string> instructions;
  std::string pending;
  for (absl::string_view raw : absl::StrSplit(text, '\n')) {
    absl::string_view line = absl::StripAsciiWhitespace(raw);
    if (line.empty() || line[0] == '#') continue;
    const bool continues = absl::EndsWith(line, "\\");
    if (continues) line.remove_suffix(1);
    absl::StrAppend(&pending, pending.empty() ? "" : " ", absl::StripAsciiWhitespace(line));
    if (!continues) {
      instructions.push_back(pending);
      pending.clear();
    }
  }
  if (!pending.empty()) return absl::InvalidArgumentError("the Dockerfile ends in a continuation");

  Dockerfile dockerfile;
  for (const std::string& instruction : instructions) {
    std::vector<std::string> words = Words(instruction);
    const std::string keyword = absl::AsciiStrToUpper(words[0]);
    if (keyword == "FROM") {
      DockerStage stage;
      if (words.size() < 2) return absl::InvalidArgumentError("FROM without an image");
      stage.base_image = words[1];
      if (words.size() == 4 && absl::AsciiStrToUpper(words[2]) == "AS") stage.name = words[3];
      dockerfile.stages.push_back(stage);
      continue;
    }
    if (dockerfile.stages.empty()) {
      if (keyword == "ARG") continue;
      return absl::InvalidArgumentError(absl::StrCat(instruction, " comes before FROM"));
    }
    DockerStage& stage = dockerfile.stages.back();
    const std::string rest(absl::StripAsciiWhitespace(
        absl::string_view(instruction).substr(words[0].size())));
    if (keyword == "WORKDIR") {
      stage.workdir = rest;
    } else if (keyword == "USER") {
      stage.user = rest;
    } else if (keyword == "ENV") {
      for (const std::string& assignment : Words(rest)) {
        const size_t equals = assignment.find('=');
        if (equals == std::string::npos) {
          return absl::InvalidArgumentError(absl::StrCat("ENV without =: ", instruction));
        }
        stage.env.emplace_back(assignment.substr(0, equals), assignment.substr(equals + 1));
      }
    } else if (keyword == "COPY") {
      DockerCopy copy;
      std::vector<std::string> paths;
      for (size_t i = 1; i < words.size(); ++i) {
        if (absl::StartsWith(words[i], "--from=")) {
          copy.from_stage = words[i].substr(7);
        } else if (absl::StartsWith(words[i], "--")) {
          continue;  // --chown=..., --chmod=...
        } else {
          paths.push_back(words[i]);
        }
      }
      if (paths.size() < 2) return absl::InvalidArgumentError(absl::StrCat("bad COPY: ", instruction));
      copy.destination = paths.back();
      paths.pop_back();
      copy.sources = paths;
      stage.copies.push_back(copy);
    } else if (keyword == "RUN") {
      stage.runs.push_back(rest);
      CollectAptPackages(rest, stage.apt_packages);
    }
  }
  if (dockerfile.stages.empty()) return absl::InvalidArgumentError("the Dockerfile has no FROM");
  return dockerfile;
}

absl::StatusOr<ImageLayout> ImageLayout::FromDockerfile(const Dockerfile& dockerfile,
                                                        const std::string& source_dir,
                                                        const std::string& build_dir) {
  ImageLayout layout;
  const DockerStage& final_stage = dockerfile.stages.back();
  layout.workdir_ = final_stage.workdir.empty() ? "/" : final_stage.workdir;
  for (const auto& [name, value] : final_stage.env) {
    if (name == "PATH") layout.path_ = value;
  }
  for (const DockerCopy& copy : final_stage.copies) {
    if (copy.sources.size() != 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("COPY to ", copy.destination, " has several sources; copy one at a time"));
    }
    const std::string& source = copy.sources.front();
    std::string local;
    if (copy.from_stage.empty()) {
      local = JoinPath(source_dir, source);
    } else {
      const DockerStage* from = dockerfile.Stage(copy.from_stage);
      if (from == nullptr) {
        return absl::InvalidArgumentError(absl::StrCat("COPY --from=", copy.from_stage,
                                                       ": no such stage"));
      }
      // The build stage's CMake build directory, from its `cmake -B DIR`.
      std::string build_subdir;
      static const std::regex kBuildDir(R"(-B\s*(\S+))");
      for (const std::string& run : from->runs) {
        std::smatch match;
        if (std::regex_search(run, match, kBuildDir)) build_subdir = match[1];
      }
      const std::string stage_build = JoinPath(from->workdir, build_subdir);
      if (!build_subdir.empty() && absl::StartsWith(source, absl::StrCat(stage_build, "/"))) {
        local = JoinPath(build_dir, source.substr(stage_build.size()));
      } else if (!from->workdir.empty() && absl::StartsWith(source, absl::StrCat(from->workdir, "/"))) {
        local = JoinPath(source_dir, source.substr(from->workdir.size()));
      } else {
        return absl::InvalidArgumentError(absl::StrCat(
            "COPY --from=", copy.from_stage, " ", source, " is outside the stage's WORKDIR ",
            from->workdir));
      }
    }
    // "dir/" keeps its meaning (a directory's contents) on both sides.
    if (absl::EndsWith(source, "/") && !absl::EndsWith(local, "/")) local += "/";
    layout.entries_.emplace_back(copy.destination, local);
  }
  return layout;
}

absl::StatusOr<std::string> ImageLayout::Resolve(const std::string& image_path) const {
  for (const auto& [destination, local] : entries_) {
    if (image_path == destination || image_path == absl::StripSuffix(destination, "/")) {
      return std::string(absl::StripSuffix(local, "/"));
    }
    if (absl::EndsWith(destination, "/") && absl::StartsWith(image_path, destination)) {
      return JoinPath(local, image_path.substr(destination.size()));
    }
  }
  return absl::NotFoundError(absl::StrCat("the image has no ", image_path));
}

}  // namespace korpus::testing
