// deploy/docker/Dockerfile, checked without a container engine: what the
// runtime stage copies exists in a build, its packages provide every shared
// library the binaries link, it runs as the user the manifests expect, and
// the manifests' commands are binaries it contains.
#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "tests/deploy/dockerfile.h"
#include "tests/deploy/manifest.h"

namespace korpus::testing {
namespace {

class DockerfileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const DeployPaths& paths = DefaultDeployPaths();
    absl::StatusOr<std::string> text = ReadFile(paths.source_dir + "/deploy/docker/Dockerfile");
    ASSERT_TRUE(text.ok()) << text.status();
    absl::StatusOr<Dockerfile> parsed = ParseDockerfile(*text);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    dockerfile_ = *parsed;
    absl::StatusOr<ImageLayout> layout =
        ImageLayout::FromDockerfile(dockerfile_, paths.source_dir, paths.build_dir);
    ASSERT_TRUE(layout.ok()) << layout.status();
    layout_ = *layout;
  }
  const DockerStage& runtime() const { return dockerfile_.stages.back(); }

  Dockerfile dockerfile_;
  ImageLayout layout_;
};

TEST_F(DockerfileTest, BuildsOnBookwormAndRunsOnSlim) {
  ASSERT_EQ(dockerfile_.stages.size(), 2u);
  EXPECT_EQ(dockerfile_.stages[0].base_image, "debian:bookworm");
  EXPECT_EQ(runtime().base_image, "debian:bookworm-slim");
}

TEST_F(DockerfileTest, EveryCopiedPathExistsInTheBuild) {
  ASSERT_FALSE(layout_.entries().empty());
  for (const auto& [destination, local] : layout_.entries()) {
    EXPECT_TRUE(std::filesystem::exists(local)) << destination << " comes from " << local;
  }
}

TEST_F(DockerfileTest, TheBuildStageBuildsEveryCopiedBinary) {
  std::string build_command;
  for (const std::string& run : dockerfile_.stages[0].runs) {
    if (absl::StrContains(run, "cmake --build")) build_command = run;
  }
  for (const DockerCopy& copy : runtime().copies) {
    if (copy.from_stage.empty() || !absl::StartsWith(copy.destination, "/opt/korpus/bin/")) continue;
    const std::string target(absl::StripPrefix(copy.destination, "/opt/korpus/bin/"));
    EXPECT_TRUE(absl::StrContains(build_command, absl::StrCat(" ", target, " ")) ||
                absl::EndsWith(build_command, absl::StrCat(" ", target)))
        << target << " is copied but not built by: " << build_command;
  }
}

// The paths under which dpkg may have recorded the file the loader uses
// for `soname` (ldconfig's cache; /lib and /usr/lib are one on Debian 12).
std::vector<std::string> CandidatePaths(const std::string& soname) {
  static const std::string* cache = new std::string(RunCommand({"ldconfig", "-p"}).output);
  for (absl::string_view line : absl::StrSplit(*cache, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (!absl::StartsWith(line, soname + " ") || !absl::StrContains(line, "x86-64")) continue;
    const std::string path(line.substr(line.rfind("=> ") + 3));
    std::vector<std::string> candidates = {path, std::filesystem::canonical(path).string()};
    if (absl::StartsWith(path, "/lib")) candidates.push_back("/usr" + path);
    if (absl::StartsWith(path, "/usr/lib")) candidates.push_back(path.substr(4));
    return candidates;
  }
  return {};
}

TEST_F(DockerfileTest, RuntimePackagesProvideEveryLinkedLibrary) {
  // Present in debian:bookworm-slim itself (apt depends on them).
  std::set<std::string> available = {"libc6", "libgcc-s1", "libstdc++6", "zlib1g"};
  for (const std::string& package : runtime().apt_packages) available.insert(package);
  std::map<std::string, std::string> needed;  // soname -> a binary needing it
  for (const auto& [destination, local] : layout_.entries()) {
    if (!absl::StartsWith(destination, "/opt/korpus/bin/")) continue;
    CommandResult dynamic = RunCommand({"objdump", "-p", local});
    ASSERT_EQ(dynamic.exit_code, 0) << dynamic.output;
    for (absl::string_view line : absl::StrSplit(dynamic.output, '\n')) {
      line = absl::StripAsciiWhitespace(line);
      if (!absl::StartsWith(line, "NEEDED")) continue;
      const std::string soname(absl::StripAsciiWhitespace(line.substr(6)));
      // A sanitizer build (make test-sanitize) links the sanitizer
      // runtimes, which the image's Release build does not.
      if (absl::StartsWith(soname, "libasan.") || absl::StartsWith(soname, "libubsan.")) continue;
      needed.emplace(soname, destination);
    }
  }
  EXPECT_GT(needed.size(), 10u);
  // One dpkg call for all of them: "package: /path" per file it knows.
  std::vector<std::string> query = {"dpkg", "-S"};
  for (const auto& [soname, binary] : needed) {
    for (const std::string& path : CandidatePaths(soname)) query.push_back(path);
  }
  std::map<std::string, std::string> owners;  // path -> package
  for (absl::string_view line : absl::StrSplit(RunCommand(query).output, '\n')) {
    const size_t colon = line.find(": /");
    if (colon == absl::string_view::npos) continue;
    const std::string package(line.substr(0, line.find(':')));
    owners[std::string(line.substr(colon + 2))] = package;
  }
  for (const auto& [soname, binary] : needed) {
    std::string package;
    for (const std::string& path : CandidatePaths(soname)) {
      if (package.empty() && owners.count(path) > 0) package = owners[path];
    }
    EXPECT_FALSE(package.empty()) << binary << " needs " << soname
                                  << ", which no Debian package of this machine provides";
    EXPECT_TRUE(package.empty() || available.count(package) > 0)
        << binary << " needs " << soname << " from " << package
        << ", which the runtime stage does not install";
  }
}

TEST_F(DockerfileTest, RuntimePackagesExistInDebian) {
  if (!std::filesystem::exists("/var/lib/apt/lists") ||
      std::filesystem::is_empty("/var/lib/apt/lists")) {
    GTEST_SKIP() << "no apt package lists on this machine (apt-get update)";
  }
  // One call: apt-cache fails if any of them is unknown, and says which.
  std::vector<std::string> query = {"apt-cache", "show", "--no-all-versions"};
  for (const std::string& package : runtime().apt_packages) query.push_back(package);
  CommandResult shown = RunCommand(query);
  EXPECT_EQ(shown.exit_code, 0) << shown.output.substr(shown.output.rfind("\n", shown.output.size() - 2) + 1);
}

TEST_F(DockerfileTest, RunsAsTheNumericUserTheManifestsRequire) {
  EXPECT_EQ(runtime().user, "10001:10001");
}

TEST_F(DockerfileTest, ManifestCommandsAreBinariesOfTheImage) {
  for (const char* overlay : {"dev", "production"}) {
    absl::StatusOr<std::vector<Json>> objects = RenderOverlay(
        absl::StrCat(DefaultDeployPaths().source_dir, "/deploy/kubernetes/overlays/", overlay));
    ASSERT_TRUE(objects.ok()) << objects.status();
    for (const Json* deployment : OfKind(*objects, "Deployment")) {
      for (const Json* container : GetList(deployment, {"spec", "template", "spec", "containers"})) {
        const std::vector<const Json*> command = GetList(container, {"command"});
        ASSERT_FALSE(command.empty()) << Describe(*deployment);
        absl::StatusOr<std::string> local = layout_.Resolve(command[0]->string_value());
        EXPECT_TRUE(local.ok()) << overlay << " " << Describe(*deployment) << ": "
                                << local.status();
      }
    }
  }
}

}  // namespace
}  // namespace korpus::testing
